/**
 * Integration tests of the graph/dataset API over real HTTP against a real database, for both engines.
 * PostgreSQL runs only when TEST_DATABASE_URL is set (see scripts/start-test-postgres.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { MAX_NODES } from '@/nodes/core/graph';
import { openDatabase } from './db';
import { MIGRATIONS, runMigrations } from './db/migrations';
import { errorOf, postgresUrl, sampleGraph, startTestServer, type Engine, type TestServer } from './test/harness';

const engines: { engine: Engine; title: string; skip: boolean }[] = [
  { engine: 'pglite', title: 'PGlite (temp dir)', skip: false },
  {
    engine: 'postgres',
    title: postgresUrl
      ? 'PostgreSQL (TEST_DATABASE_URL)'
      : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set; run `eval "$(scripts/start-test-postgres.sh)"` first',
    skip: !postgresUrl,
  },
];

function tinyPng(r: number): Buffer {
  const png = new PNG({ width: 2, height: 2 });
  for (let i = 0; i < 4; i++) png.data.set([r, 10, 20, 255], i * 4);
  return PNG.sync.write(png);
}

const sampleResults = {
  accuracy: 0.9,
  loss: 0.3,
  labels: ['cat', 'dog'],
  perClass: [
    { label: 'cat', precision: 0.9, recall: 0.9, f1: 0.9, support: 10 },
    { label: 'dog', precision: 0.9, recall: 0.9, f1: 0.9, support: 10 },
  ],
  confusionMatrix: [
    [9, 1],
    [1, 9],
  ],
  backend: 'wasm' as const,
  epochs: [{ epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85, ms: 120 }],
};

describe.each(engines)('$title', ({ engine, skip }) => {
  let s: TestServer;
  beforeAll(async () => {
    if (!skip) s = await startTestServer(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  it.skipIf(skip)('creates a graph and reads it back; only the token holder can edit', async () => {
    const graph = sampleGraph('My flowers');
    const created = await s.client.graph.create.mutate({ graph });
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(created.editToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.version).toBe(1);

    const anonymous = await s.client.graph.get.query({ id: created.id });
    expect(anonymous.graph).toEqual(graph);
    expect(anonymous.name).toBe('My flowers');
    expect(anonymous.version).toBe(1);
    expect(anonymous.canEdit).toBe(false);
    expect(anonymous.latestResults).toBeNull();
    expect(Number.isNaN(Date.parse(anonymous.updatedAt))).toBe(false);

    const owner = await s.client.graph.get.query({ id: created.id, editToken: created.editToken });
    expect(owner.canEdit).toBe(true);

    // The token is stored hashed, never in clear.
    const { rows } = await s.db.query<{ edit_token_hash: string }>('SELECT edit_token_hash FROM graphs WHERE id = $1', [created.id]);
    expect(rows[0]!.edit_token_hash).not.toContain(created.editToken);
    expect(rows[0]!.edit_token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(skip)('updates with the right base version; refuses a stale one with CONFLICT and keeps both', async () => {
    const { id, editToken } = await s.client.graph.create.mutate({ graph: sampleGraph('v1') });
    const v2 = await s.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('v2', 4) });
    expect(v2.version).toBe(2);

    const stale = await errorOf(s.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('stale', 1) }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.data.currentVersion).toBe(2);
    expect(stale.data.httpStatus).toBe(409);

    const now = await s.client.graph.get.query({ id });
    expect(now.version).toBe(2);
    expect(now.graph.name).toBe('v2');
    expect(now.graph.nodes).toHaveLength(4);
  });

  it.skipIf(skip)('of two concurrent saves from the same base version exactly one wins', async () => {
    const { id, editToken } = await s.client.graph.create.mutate({ graph: sampleGraph('race') });
    const outcomes = await Promise.allSettled([
      s.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('A') }),
      s.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('B') }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(await errorOf(Promise.reject(rejected.reason))).toMatchObject({ code: 'CONFLICT' });
    const history = await s.client.graph.history.query({ id });
    expect(history.map((h) => h.version)).toEqual([2, 1]);
  });

  it.skipIf(skip)('refuses a wrong token (FORBIDDEN), a malformed token (BAD_REQUEST) and unknown ids (NOT_FOUND)', async () => {
    const { id, editToken } = await s.client.graph.create.mutate({ graph: sampleGraph() });
    const otherToken = (await s.client.graph.create.mutate({ graph: sampleGraph() })).editToken;

    const wrong = await errorOf(s.client.graph.update.mutate({ id, editToken: otherToken, baseVersion: 1, graph: sampleGraph('x') }));
    expect(wrong.code).toBe('FORBIDDEN');
    const wrongRestore = await errorOf(s.client.graph.restore.mutate({ id, editToken: otherToken, version: 1 }));
    expect(wrongRestore.code).toBe('FORBIDDEN');

    const malformed = await errorOf(s.client.graph.update.mutate({ id, editToken: 'not-a-token', baseVersion: 1, graph: sampleGraph() }));
    expect(malformed.code).toBe('BAD_REQUEST');
    expect(malformed.message).toMatch(/edit token/i);

    const unknownGet = await errorOf(s.client.graph.get.query({ id: 'doesNotExist1234' }));
    expect(unknownGet.code).toBe('NOT_FOUND');
    expect(unknownGet.message).toContain('doesNotExist1234');
    const unknownUpdate = await errorOf(s.client.graph.update.mutate({ id: 'doesNotExist1234', editToken, baseVersion: 1, graph: sampleGraph() }));
    expect(unknownUpdate.code).toBe('NOT_FOUND');
    const badId = await errorOf(s.client.graph.get.query({ id: '../etc/passwd' }));
    expect(badId.code).toBe('BAD_REQUEST');

    expect((await s.client.graph.get.query({ id })).version).toBe(1);
  });

  it.skipIf(skip)('forks into a new graph with its own token, recording where it came from', async () => {
    const original = await s.client.graph.create.mutate({ graph: sampleGraph('Original') });
    await s.client.graph.update.mutate({ id: original.id, editToken: original.editToken, baseVersion: 1, graph: sampleGraph('Original v2', 5) });

    const fork = await s.client.graph.fork.mutate({ id: original.id });
    expect(fork.id).not.toBe(original.id);
    expect(fork.editToken).not.toBe(original.editToken);
    expect(fork.version).toBe(1);
    expect(fork.forkedFrom).toEqual({ id: original.id, version: 2 });

    const forked = await s.client.graph.get.query({ id: fork.id, editToken: fork.editToken });
    expect(forked.canEdit).toBe(true);
    expect(forked.forkedFrom).toEqual({ id: original.id, version: 2 });
    expect(forked.graph.nodes).toHaveLength(5);
    // The original's token does not open the fork, and vice versa.
    expect((await s.client.graph.get.query({ id: fork.id, editToken: original.editToken })).canEdit).toBe(false);
    expect((await s.client.graph.get.query({ id: original.id, editToken: fork.editToken })).canEdit).toBe(false);

    // "Save mine as a copy": fork with the client's own content.
    const copy = await s.client.graph.fork.mutate({ id: original.id, graph: sampleGraph('Mine', 2) });
    expect((await s.client.graph.get.query({ id: copy.id })).graph.name).toBe('Mine');
    expect((await s.client.graph.get.query({ id: original.id })).graph.name).toBe('Original v2');
  });

  it.skipIf(skip)('lists history and restores an old version as a new one, losing nothing', async () => {
    const { id, editToken } = await s.client.graph.create.mutate({ graph: sampleGraph('first', 1) });
    await s.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('second', 2) });
    await s.client.graph.update.mutate({ id, editToken, baseVersion: 2, graph: sampleGraph('third', 3) });

    const restored = await s.client.graph.restore.mutate({ id, editToken, version: 1 });
    expect(restored.version).toBe(4);
    expect(restored.graph.name).toBe('first');

    const history = await s.client.graph.history.query({ id });
    expect(history.map((h) => [h.version, h.name, h.nodeCount])).toEqual([
      [4, 'first', 1],
      [3, 'third', 3],
      [2, 'second', 2],
      [1, 'first', 1],
    ]);
    expect(history[0]!.note).toBe('Restored version 1');
    const old = await s.client.graph.get.query({ id, version: 3 });
    expect(old.graph.name).toBe('third');
    expect(old.shownVersion).toBe(3);
    expect(old.version).toBe(4);
    const missing = await errorOf(s.client.graph.restore.mutate({ id, editToken, version: 99 }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it.skipIf(skip)('listMine returns only the graphs whose tokens are valid', async () => {
    const a = await s.client.graph.create.mutate({ graph: sampleGraph('Mine A') });
    const b = await s.client.graph.create.mutate({ graph: sampleGraph('Mine B') });
    const mine = await s.client.graph.listMine.query({
      graphs: [
        { id: a.id, editToken: a.editToken },
        { id: b.id, editToken: a.editToken }, // wrong token for b
        { id: 'unknownGraph0000', editToken: a.editToken },
      ],
    });
    expect(mine.map((m) => [m.id, m.name])).toEqual([[a.id, 'Mine A']]);
    expect(await s.client.graph.listMine.query({ graphs: [] })).toEqual([]);
  });

  it.skipIf(skip)('attaches run results (validated, metrics only) and returns the latest with the graph', async () => {
    const { id, editToken } = await s.client.graph.create.mutate({ graph: sampleGraph() });
    await s.client.graph.attachResults.mutate({ id, editToken, version: 1, results: { ...sampleResults, accuracy: 0.5 } });
    const withWeights = { ...sampleResults, weights: [1, 2, 3] } as typeof sampleResults;
    await s.client.graph.attachResults.mutate({ id, editToken, version: 1, results: withWeights });

    const got = await s.client.graph.get.query({ id });
    expect(got.latestResults?.version).toBe(1);
    expect(got.latestResults?.results.accuracy).toBe(0.9);
    expect(got.latestResults?.results.backend).toBe('wasm');
    expect(got.latestResults?.results.confusionMatrix).toEqual(sampleResults.confusionMatrix);
    expect(got.latestResults?.results).not.toHaveProperty('weights');

    const invalid = await errorOf(
      s.client.graph.attachResults.mutate({ id, editToken, version: 1, results: { ...sampleResults, accuracy: 2 } }),
    );
    expect(invalid.code).toBe('BAD_REQUEST');
    const future = await errorOf(s.client.graph.attachResults.mutate({ id, editToken, version: 7, results: sampleResults }));
    expect(future.code).toBe('BAD_REQUEST');
    const forbidden = await errorOf(
      s.client.graph.attachResults.mutate({ id, editToken: 'A'.repeat(43), version: 1, results: sampleResults }),
    );
    expect(forbidden.code).toBe('FORBIDDEN');
  });

  it.skipIf(skip)('rejects invalid graphs and graphs over the node limit with BAD_REQUEST, never a 500', async () => {
    const noNodes = await errorOf(
      s.client.graph.create.mutate({ graph: { version: 1, name: 'x', edges: [] } as unknown as ReturnType<typeof sampleGraph> }),
    );
    expect(noNodes.code).toBe('BAD_REQUEST');
    expect(noNodes.message).toMatch(/nodes/);

    const huge = sampleGraph('huge', MAX_NODES + 1);
    expect(JSON.stringify(huge).length).toBeLessThan(1024 * 1024); // refused for its node count, not its size
    const tooMany = await errorOf(s.client.graph.create.mutate({ graph: huge }));
    expect(tooMany.code).toBe('BAD_REQUEST');
    expect(tooMany.message).toMatch(/nodes/);
    expect(tooMany.message).toMatch(/500/);

    // Exactly at the limit is fine.
    const atLimit = await s.client.graph.create.mutate({ graph: sampleGraph('max', MAX_NODES) });
    expect((await s.client.graph.get.query({ id: atLimit.id })).graph.nodes).toHaveLength(MAX_NODES);

    // Text Postgres can't store and hostile nesting are refused cleanly.
    const nul = await errorOf(s.client.graph.create.mutate({ graph: sampleGraph('bad\u0000name') }));
    expect(nul.code).toBe('BAD_REQUEST');
    expect(nul.message).toMatch(/NUL/);
    // (Built as text: JSON.stringify itself overflows the stack on this.)
    const deep = '['.repeat(5000) + '1' + ']'.repeat(5000);
    const deepRes = await fetch(`${s.url}/api/trpc/graph.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"graph":{"version":1,"name":"deep","nodes":[{"id":"a","type":"t","position":{"x":0,"y":0},"params":{"deep":${deep}}}],"edges":[]}}`,
    });
    expect(deepRes.status).toBe(400);
    const deepBody = (await deepRes.json()) as { error: { message: string; data: { code: string } } };
    expect(deepBody.error.data.code).toBe('BAD_REQUEST');
    expect(deepBody.error.message).toMatch(/nested/);

    // Malformed JSON body.
    const res = await fetch(`${s.url}/api/trpc/graph.create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"graph":' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe('BAD_REQUEST');
  });

  it.skipIf(skip)('refuses a body over 1 MB with PAYLOAD_TOO_LARGE before parsing it', async () => {
    const big = sampleGraph('big', 2);
    big.nodes[0]!.params = { blob: 'x'.repeat(1.1 * 1024 * 1024) };
    const viaClient = await errorOf(s.client.graph.create.mutate({ graph: big }));
    expect(viaClient.code).toBe('PAYLOAD_TOO_LARGE');
    expect(viaClient.data.httpStatus).toBe(413);
    expect(viaClient.message).toMatch(/1024 KiB/);

    // A chunked body without Content-Length is cut off while streaming, too.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"graph":"'));
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(97));
        controller.close();
      },
    });
    const res = await fetch(`${s.url}/api/trpc/graph.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(res.status).toBe(413);
    const count = await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM graphs WHERE name = 'big'");
    expect(Number(count.rows[0]!.n)).toBe(0);
  });

  it.skipIf(skip)('shares a dataset: upload, manifest (tRPC and GET), image bytes; refuses non-images', async () => {
    const cat = tinyPng(200);
    const dog = tinyPng(50);
    const uploaded = await s.client.dataset.upload.mutate({
      name: 'pets',
      images: [
        { label: 'cat', fileName: 'cat1.png', data: cat.toString('base64') },
        { label: 'dog', fileName: 'dog1.png', data: `data:image/png;base64,${dog.toString('base64')}` },
      ],
    });
    expect(uploaded.id).toMatch(/^shared:[A-Za-z0-9_-]+$/);
    expect(uploaded.labels).toEqual(['cat', 'dog']);

    const manifest = await s.client.dataset.get.query({ id: uploaded.id });
    expect(manifest.imageCount).toBe(2);
    expect(manifest.images.map((i) => i.label)).toEqual(['cat', 'dog']);

    const rawId = uploaded.id.slice('shared:'.length);
    const viaGet = (await (await fetch(`${s.url}/api/shared-datasets/${rawId}`)).json()) as typeof manifest;
    expect(viaGet.images).toHaveLength(2);
    const img = await fetch(`${s.url}${viaGet.images[1]!.url}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(dog)).toBe(true);

    expect((await fetch(`${s.url}/api/shared-datasets/nope0000/images/0`)).status).toBe(404);
    expect((await errorOf(s.client.dataset.get.query({ id: 'shared:nope0000' }))).code).toBe('NOT_FOUND');

    const notImage = await errorOf(
      s.client.dataset.upload.mutate({ name: 'bad', images: [{ label: 'x', fileName: 'notes.txt', data: Buffer.from('hello').toString('base64') }] }),
    );
    expect(notImage.code).toBe('BAD_REQUEST');
    expect(notImage.message).toContain('notes.txt');
  });

  it.skipIf(skip)('migrations are recorded once and re-running them is a no-op', async () => {
    expect(await runMigrations(s.db)).toEqual([]);
    const { rows } = await s.db.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => Number(r.id))).toEqual(MIGRATIONS.map((m) => m.id));
  });
});

describe.skipIf(!postgresUrl)('PostgreSQL: concurrent server starts', () => {
  it('several processes opening the same database migrate it exactly once', async () => {
    const dbs = await Promise.all([0, 1, 2, 3].map(() => openDatabase({ databaseUrl: postgresUrl })));
    try {
      const { rows } = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(Number(rows[0]!.n)).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });
});

describe('limits configured by environment (PGlite)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', {
      rateLimitBurst: 3,
      rateLimitPerSecond: 0.001,
      maxImageBytes: 1000,
      maxDatasetBytes: 4000,
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('rate-limits writes per client address with TOO_MANY_REQUESTS; reads and other clients are unaffected', async () => {
    const alice = s.clientAs('10.0.0.1');
    const { id, editToken } = await alice.graph.create.mutate({ graph: sampleGraph() });
    await alice.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('2') });
    await alice.graph.update.mutate({ id, editToken, baseVersion: 2, graph: sampleGraph('3') });
    const limited = await errorOf(alice.graph.update.mutate({ id, editToken, baseVersion: 3, graph: sampleGraph('4') }));
    expect(limited.code).toBe('TOO_MANY_REQUESTS');
    expect(limited.data.httpStatus).toBe(429);
    expect(Number(limited.data.retryAfterSeconds)).toBeGreaterThan(0);

    expect((await alice.graph.get.query({ id })).version).toBe(3);
    const bob = s.clientAs('10.0.0.2');
    expect((await bob.graph.fork.mutate({ id })).version).toBe(1);
  });

  it('enforces per-image and per-dataset size caps with PAYLOAD_TOO_LARGE', async () => {
    const c = s.clientAs('10.0.0.3');
    const bigImage = Buffer.concat([tinyPng(1), Buffer.alloc(2000)]);
    const perImage = await errorOf(c.dataset.upload.mutate({ name: 'big', images: [{ label: 'a', fileName: 'big.png', data: bigImage.toString('base64') }] }));
    expect(perImage.code).toBe('PAYLOAD_TOO_LARGE');
    expect(perImage.message).toContain('big.png');

    const img = Buffer.concat([tinyPng(1), Buffer.alloc(900 - tinyPng(1).length)]);
    const many = Array.from({ length: 5 }, (_, i) => ({ label: 'a', fileName: `i${i}.png`, data: img.toString('base64') }));
    const total = await errorOf(c.dataset.upload.mutate({ name: 'many', images: many }));
    expect(total.code).toBe('PAYLOAD_TOO_LARGE');
    expect(total.message).toMatch(/limit/);
  });
});
