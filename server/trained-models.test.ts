/**
 * Trained-model share packages over real HTTP on PGlite and PostgreSQL: upload with the graph's edit token, read
 * back byte for byte, size cap, wrong/missing token, and no 5xx whatever the input.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl, sampleGraph, startTestServer, type Engine, type TestServer } from './test/harness';
import { fakePackage } from './test/trainedPackage';
import { EDIT_TOKEN_HEADER } from './trainedModelsHttp';

const engines: Array<{ engine: Engine; skip: boolean; title: string }> = [
  { engine: 'pglite', skip: false, title: 'PGlite' },
  {
    engine: 'postgres',
    skip: !postgresUrl,
    title: postgresUrl ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set (scripts/start-test-postgres.sh)',
  },
];

const CAP = 64 * 1024;

describe.each(engines)('trained models over HTTP: $title', ({ engine, skip }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (!skip) server = await startTestServer(engine, { maxTrainedModelBytes: CAP, rateLimitBurst: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const put = (id: string, body: BodyInit | null, token?: string, query = '') =>
    fetch(`${server.url}/api/trained-models/${id}${query}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/zip', ...(token !== undefined ? { [EDIT_TOKEN_HEADER]: token } : {}) },
      body,
    });

  it.skipIf(skip)('stores a package with the edit token and serves it back byte for byte, with its metrics', async () => {
    const g = await server.client.graph.create.mutate({ graph: sampleGraph('shared model') });
    const pkg = fakePackage();
    const res = await put(g.id, pkg as BodyInit, g.editToken);
    expect(res.status).toBe(200);
    const info = await res.json();
    expect(info).toMatchObject({ graphId: g.id, graphVersion: g.version, sizeBytes: pkg.byteLength });
    expect(info.sha256).toBe(createHash('sha256').update(pkg).digest('hex'));

    const back = await fetch(`${server.url}/api/trained-models/${g.id}`);
    expect(back.status).toBe(200);
    expect(back.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.compare(Buffer.from(await back.arrayBuffer()), Buffer.from(pkg))).toBe(0);

    const meta = await (await fetch(`${server.url}/api/trained-models/${g.id}/meta`)).json();
    expect(meta.meta.run.accuracy).toBe(0.875);
    expect(meta.meta.labels).toEqual(['circle', 'square']);

    // A new upload replaces the old one.
    const second = fakePackage({ accuracy: 0.5 });
    expect((await put(g.id, second as BodyInit, g.editToken)).status).toBe(200);
    const again = Buffer.from(await (await fetch(`${server.url}/api/trained-models/${g.id}`)).arrayBuffer());
    expect(Buffer.compare(again, Buffer.from(second))).toBe(0);
  });

  it.skipIf(skip)('refuses a wrong or missing token and keeps the stored model', async () => {
    const g = await server.client.graph.create.mutate({ graph: sampleGraph('guarded') });
    const other = await server.client.graph.create.mutate({ graph: sampleGraph('other') });
    const pkg = fakePackage();
    expect((await put(g.id, pkg as BodyInit, g.editToken)).status).toBe(200);
    const wrong = await put(g.id, fakePackage() as BodyInit, other.editToken);
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error).toMatch(/edit token/);
    expect((await put(g.id, fakePackage() as BodyInit)).status).toBe(403);
    const del = await fetch(`${server.url}/api/trained-models/${g.id}`, { method: 'DELETE', headers: { [EDIT_TOKEN_HEADER]: other.editToken } });
    expect(del.status).toBe(403);
    const still = Buffer.from(await (await fetch(`${server.url}/api/trained-models/${g.id}`)).arrayBuffer());
    expect(Buffer.compare(still, Buffer.from(pkg))).toBe(0);
    const ok = await fetch(`${server.url}/api/trained-models/${g.id}`, { method: 'DELETE', headers: { [EDIT_TOKEN_HEADER]: g.editToken } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${server.url}/api/trained-models/${g.id}`)).status).toBe(404);
  });

  it.skipIf(skip)('enforces the size cap (declared or streamed) with 413', async () => {
    const g = await server.client.graph.create.mutate({ graph: sampleGraph('big') });
    const big = fakePackage({ weightFloats: CAP / 4 + 16 });
    expect(big.byteLength).toBeGreaterThan(CAP);
    const res = await put(g.id, big as BodyInit, g.editToken);
    expect(res.status).toBe(413);
    expect((await res.json()).limitBytes).toBe(CAP);
    // Streamed without Content-Length.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < big.byteLength; i += 8192) c.enqueue(big.subarray(i, i + 8192));
        c.close();
      },
    });
    const streamed = await fetch(`${server.url}/api/trained-models/${g.id}`, {
      method: 'PUT',
      headers: { [EDIT_TOKEN_HEADER]: g.editToken },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect((await fetch(`${server.url}/api/trained-models/${g.id}`)).status).toBe(404);
  });

  it.skipIf(skip)('answers bad input with 4xx, never 5xx', async () => {
    const g = await server.client.graph.create.mutate({ graph: sampleGraph('bad input') });
    const bad: Array<[string, RequestInit]> = [
      [`/api/trained-models/${g.id}`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g.editToken }, body: 'not a zip' }],
      [`/api/trained-models/${g.id}`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g.editToken } }],
      [`/api/trained-models/${g.id}?version=abc`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g.editToken }, body: fakePackage() as BodyInit }],
      [`/api/trained-models/${g.id}?version=99`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g.editToken }, body: fakePackage() as BodyInit }],
      [`/api/trained-models/nope-does-not-exist`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g.editToken }, body: fakePackage() as BodyInit }],
      [`/api/trained-models/${'x'.repeat(200)}`, { method: 'GET' }],
      [`/api/trained-models/%E0%A4%A`, { method: 'GET' }],
      [`/api/trained-models/${g.id}/weights`, { method: 'GET' }],
      [`/api/trained-models/${g.id}`, { method: 'POST', body: 'x' }],
      [`/api/trained-models/${g.id}`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: 'ü'.repeat(3) }, body: 'x' }],
      [`/api/trained-models/unknown-graph/meta`, { method: 'GET' }],
    ];
    for (const [path, init] of bad) {
      const res = await fetch(`${server.url}${path}`, init);
      expect(res.status, `${init.method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${init.method} ${path}`).toBeLessThan(500);
      expect(typeof (await res.json()).error).toBe('string');
    }
    // A zip whose graft.json or weights do not match is refused with a reason.
    const { strToU8, zipSync } = await import('fflate');
    const broken = zipSync({ 'model.json': strToU8('{}'), 'weights.bin': new Uint8Array(4), 'graft.json': strToU8('{"format":"x"}') });
    const res = await put(g.id, broken as BodyInit, g.editToken);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/graft\.json/);
  });
});
