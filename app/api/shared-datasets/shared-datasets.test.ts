/**
 * Datasets shared with a graph, end to end on the server side: upload generated PNGs through the real tRPC API,
 * read the manifest and image bytes back over HTTP (Node server and the Next.js route handlers themselves), and open
 * the dataset the way the browser worker does (`openSharedDataset`, real fetches; pixels decoded with Graft's Node
 * decoder because Node has no createImageBitmap).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PNG } from 'pngjs';
import { errorOf, startTestServer, type TestServer } from '@/server/test/harness';
import { openSharedDataset } from '@/nodes/engine/host-browser/shared-source';
import { decodeImage } from '@/nodes/dataset/decode-node';
import { RunError } from '@/nodes/engine/types';
import { SharedManifestSchema } from '@/nodes/dataset/shared';

const CLASSES = ['blue', 'red'] as const;
const PER_CLASS = 3;
const SIDE = 24;

/** A solid-colour PNG with a per-image brightness ramp on the first row (so images differ). */
function makePng(cls: number, index: number): Buffer {
  const png = new PNG({ width: SIDE, height: SIDE });
  for (let i = 0; i < SIDE * SIDE; i++) {
    png.data[i * 4] = cls === 1 ? 230 : 10;
    png.data[i * 4 + 1] = 40 + index * 10;
    png.data[i * 4 + 2] = cls === 0 ? 220 : 15;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

function uploadInput(name = 'colours') {
  const images = CLASSES.flatMap((label, c) =>
    Array.from({ length: PER_CLASS }, (_, i) => ({ label, fileName: `${label}-${i}.png`, data: makePng(c, i).toString('base64') })),
  );
  return { name, images };
}

const nodeDecoder = async (blob: Blob, maxSide: number) => decodeImage(new Uint8Array(await blob.arrayBuffer()), maxSide);

describe('shared datasets over the real HTTP API (PGlite)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { maxDatasetBytes: 200_000, maxImageBytes: 50_000, maxDatasetImages: 20 });
  });
  afterAll(async () => s?.close());

  it('reports its caps, stores an upload and serves manifest + images; the worker source opens and decodes it', async () => {
    expect(await s.client.dataset.limits.query()).toMatchObject({ maxDatasetBytes: 200_000, maxImageBytes: 50_000, maxDatasetImages: 20, maxUploadBatchImages: 32 });
    const input = uploadInput();
    const uploaded = await s.client.dataset.upload.mutate(input);
    expect(uploaded.id).toMatch(/^shared:[A-Za-z0-9_-]+$/);
    expect(uploaded.imageCount).toBe(CLASSES.length * PER_CLASS);

    const res = await fetch(`${s.url}/api/shared-datasets/${uploaded.id.slice('shared:'.length)}`);
    expect(res.status).toBe(200);
    const manifest = SharedManifestSchema.parse(await res.json());
    expect(manifest.labels).toEqual([...CLASSES]);
    expect(manifest.images.map((i) => i.fileName)).toEqual(input.images.map((i) => i.fileName));
    const imageRes = await fetch(new URL(manifest.images[4].url, s.url));
    expect(imageRes.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await imageRes.arrayBuffer()).equals(Buffer.from(input.images[4].data, 'base64'))).toBe(true);

    const sha256 = (data: string) => createHash('sha256').update(Buffer.from(data, 'base64')).digest('hex');
    expect(manifest.images.map((i) => i.sha256)).toEqual(input.images.map((i) => sha256(i.data)));

    const source = await openSharedDataset(uploaded.id, s.url, 'dataset-1', nodeDecoder);
    // The feature key's content hashes come from the manifest: no image is downloaded to hash it.
    const fetches = vi.spyOn(globalThis, 'fetch');
    try {
      expect(await Promise.all(input.images.map((_, i) => source.contentHash!(i)))).toEqual(input.images.map((i) => sha256(i.data)));
      expect(fetches).not.toHaveBeenCalled();
    } finally {
      fetches.mockRestore();
    }
    expect(source.labels).toEqual(['blue', 'red']);
    expect(source.items).toEqual(input.images.map((img) => ({ label: img.label === 'blue' ? 0 : 1, name: `${img.label}/${img.fileName}` })));
    expect(source.skipped).toEqual([]);
    // A red image, downscaled to 12 px: red channel high, blue low, green = 40 + index*10.
    const red = await source.load(4, 12);
    expect([red.width, red.height]).toEqual([12, 12]);
    expect([red.data[0], red.data[1], red.data[2]]).toEqual([230, 50, 15]);
    const blue = await source.load(0, 64);
    expect([blue.width, blue.height]).toEqual([SIDE, SIDE]);
    expect([blue.data[0], blue.data[1], blue.data[2]]).toEqual([10, 40, 220]);
  });

  it('an image that passes the format sniff but cannot be decoded fails alone, with a reason', async () => {
    const input = uploadInput('with a broken file');
    const broken = makePng(0, 0).subarray(0, 60); // PNG signature + header, no image data
    input.images.push({ label: 'blue', fileName: 'broken.png', data: broken.toString('base64') });
    const uploaded = await s.client.dataset.upload.mutate(input);
    const source = await openSharedDataset(uploaded.id, s.url, 'dataset-1', nodeDecoder);
    const brokenIndex = source.items.findIndex((i) => i.name === 'blue/broken.png');
    expect(brokenIndex).toBeGreaterThanOrEqual(0);
    await expect(source.load(brokenIndex, 32)).rejects.toThrow(/corrupt/);
    await expect(source.load(0, 32)).resolves.toMatchObject({ width: SIDE });
  });

  it('a missing shared dataset is a dataset RunError located on the Dataset node', async () => {
    const err = await openSharedDataset('shared:doesnotexist0', s.url, 'dataset-7', nodeDecoder).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect(err).toMatchObject({ kind: 'dataset', nodeId: 'dataset-7' });
    expect((err as Error).message).toMatch(/not on this server/);
  });

  it('refuses uploads over the caps with PAYLOAD_TOO_LARGE', async () => {
    const tooMany = uploadInput();
    tooMany.images = Array.from({ length: 21 }, (_, i) => ({ ...tooMany.images[i % tooMany.images.length], fileName: `x${i}.png` }));
    expect((await errorOf(s.client.dataset.upload.mutate(tooMany))).code).toBe('PAYLOAD_TOO_LARGE');
    const bigImage = new PNG({ width: 200, height: 200 });
    randomBytes(bigImage.data.length).copy(bigImage.data); // noise: PNG cannot compress it
    const big = uploadInput();
    big.images[0].data = PNG.sync.write(bigImage).toString('base64');
    const refused = await errorOf(s.client.dataset.upload.mutate(big));
    expect(refused.code).toBe('PAYLOAD_TOO_LARGE');
    expect(refused.message).toMatch(/limit per image/);
  });
});

describe('the Next.js route handlers (same logic, called directly)', () => {
  const pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-next-routes-'));
  const previous = process.env.PGLITE_DIR;
  const previousUrl = process.env.DATABASE_URL;
  beforeAll(() => {
    // The route handlers use the process-wide database: point it at a fresh PGlite before their first request.
    process.env.PGLITE_DIR = pgliteDir;
    delete process.env.DATABASE_URL;
  });
  afterAll(async () => {
    const holder = globalThis as unknown as { __graftDb?: Promise<{ close(): Promise<void> }> };
    await (await holder.__graftDb)?.close();
    holder.__graftDb = undefined;
    if (previous === undefined) delete process.env.PGLITE_DIR;
    else process.env.PGLITE_DIR = previous;
    if (previousUrl !== undefined) process.env.DATABASE_URL = previousUrl;
    fs.rmSync(pgliteDir, { recursive: true, force: true });
  });

  it('POST /api/trpc/dataset.upload, then GET the manifest and an image', async () => {
    const trpcRoute = await import('@/app/api/trpc/[trpc]/route');
    const datasetRoute = await import('@/app/api/shared-datasets/[...path]/route');
    const input = uploadInput('via next routes');
    const uploadRes = await trpcRoute.POST(
      new Request('http://localhost/api/trpc/dataset.upload', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.1' },
        body: JSON.stringify(input),
      }),
    );
    expect(uploadRes.status).toBe(200);
    const { result } = (await uploadRes.json()) as { result: { data: { id: string; imageCount: number } } };
    expect(result.data.imageCount).toBe(input.images.length);
    const rawId = result.data.id.replace(/^shared:/, '');

    const manifestRes = await datasetRoute.GET(new Request(`http://localhost/api/shared-datasets/${rawId}`));
    expect(manifestRes.status).toBe(200);
    const manifest = SharedManifestSchema.parse(await manifestRes.json());
    expect(manifest.id).toBe(result.data.id);
    expect(manifest.name).toBe('via next routes');
    expect(manifest.imageCount).toBe(input.images.length);

    const imageRes = await datasetRoute.GET(new Request(`http://localhost${manifest.images[1].url}`));
    expect(imageRes.status).toBe(200);
    const decoded = PNG.sync.read(Buffer.from(await imageRes.arrayBuffer()));
    expect([decoded.width, decoded.height]).toEqual([SIDE, SIDE]);
    expect([decoded.data[0], decoded.data[1], decoded.data[2]]).toEqual([10, 50, 220]);

    expect((await datasetRoute.GET(new Request('http://localhost/api/shared-datasets/nothere0'))).status).toBe(404);
    expect((await datasetRoute.GET(new Request(`http://localhost/api/shared-datasets/${rawId}/images/99`))).status).toBe(404);
  });
});
