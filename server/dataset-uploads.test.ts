/**
 * Chunked dataset uploads over real HTTP (PGlite): images travel in small batches within one upload session whose
 * image-count and byte caps hold across all batches; the dataset is invisible until finished.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './test/harness';
import { tinyPng } from './test/pngs';

const image = (i: number, side = 2) => ({ label: i % 2 ? 'odd' : 'even', fileName: `${i}.png`, data: tinyPng(i, side).toString('base64') });

describe('chunked dataset uploads (PGlite)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { maxDatasetImages: 5, maxDatasetBytes: 6000, rateLimitBurst: 2, rateLimitPerSecond: 0.01 });
  });
  afterAll(async () => s?.close());

  it('stores batches under one session, visible only after finish; caps hold across batches', async () => {
    const { uploadId, uploadToken } = await s.client.dataset.uploadStart.mutate({ name: 'chunked' });
    // Each batch costs a read token, not a write token (burst 2 would otherwise stop the third batch).
    for (const batch of [[image(0), image(1)], [image(2)], [image(3), image(4)]]) {
      await s.client.dataset.uploadImages.mutate({ uploadId, uploadToken, images: batch });
    }
    expect((await fetch(`${s.url}/api/shared-datasets/${uploadId}`)).status).toBe(404); // not finished yet
    const tooMany = await errorOf(s.client.dataset.uploadImages.mutate({ uploadId, uploadToken, images: [image(5)] }));
    expect(tooMany.code).toBe('PAYLOAD_TOO_LARGE');
    const forged = await errorOf(s.client.dataset.uploadImages.mutate({ uploadId, uploadToken: 'A'.repeat(43), images: [image(6)] }));
    expect(forged.code).toBe('FORBIDDEN');
    const done = await s.client.dataset.uploadFinish.mutate({ uploadId, uploadToken });
    expect(done).toMatchObject({ id: `shared:${uploadId}`, imageCount: 5, labels: ['even', 'odd'] });
    const manifest = (await (await fetch(`${s.url}/api/shared-datasets/${uploadId}`)).json()) as { images: Array<{ sha256: string }> };
    expect(manifest.images).toHaveLength(5);
    // Each image is listed with the SHA-256 of its bytes (the browser's feature-cache key).
    expect(manifest.images.map((i) => i.sha256)).toEqual([0, 1, 2, 3, 4].map((i) => createHash('sha256').update(tinyPng(i, 2)).digest('hex')));
    expect((await errorOf(s.client.dataset.uploadImages.mutate({ uploadId, uploadToken, images: [image(7)] }))).code).toBe('NOT_FOUND');
  });

  it('the byte cap holds across batches', async () => {
    const c = s.clientAs('10.9.9.9');
    const { uploadId, uploadToken } = await c.dataset.uploadStart.mutate({ name: 'bytes' });
    const big = (i: number) => ({ label: 'x', fileName: `${i}.png`, data: Buffer.concat([tinyPng(i), Buffer.alloc(2500)]).toString('base64') });
    await c.dataset.uploadImages.mutate({ uploadId, uploadToken, images: [big(0)] });
    await c.dataset.uploadImages.mutate({ uploadId, uploadToken, images: [big(1)] });
    const over = await errorOf(c.dataset.uploadImages.mutate({ uploadId, uploadToken, images: [big(2)] }));
    expect(over.code).toBe('PAYLOAD_TOO_LARGE');
    expect(over.message).toMatch(/limit/);
  });
});
