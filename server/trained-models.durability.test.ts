/**
 * kill -9 during a trained-model upload loses no acknowledged model: the real standalone server is SIGKILLed while
 * a large upload is still streaming; after a restart on the same data every acknowledged package reads back byte
 * for byte, and the interrupted one is either absent or complete (never torn).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUrl, sampleGraph } from './test/harness';
import { fakePackage } from './test/trainedPackage';
import { EDIT_TOKEN_HEADER } from './trainedModelsHttp';
import { killStartedStandalones, startStandalone, trpcClientFor } from './test/standaloneProcess';

const startServer = (env: Record<string, string>) => startStandalone({ GRAFT_RATE_LIMIT_BURST: '0', ...env });

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const cases: { title: string; skip: boolean; env: () => Record<string, string> }[] = [
  { title: 'PGlite data dir', skip: false, env: () => ({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'graft-durable-tm-')), DATABASE_URL: '' }) },
  {
    title: postgresUrl ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set (scripts/start-test-postgres.sh)',
    skip: !postgresUrl,
    env: () => ({ DATABASE_URL: postgresUrl ?? '' }),
  },
];

describe.each(cases)('trained models survive kill -9: $title', ({ skip, env }) => {
  const dirs: string[] = [];
  afterAll(async () => {
    await killStartedStandalones();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(skip)('every acknowledged upload is intact after SIGKILL mid-upload + restart', async () => {
    const serverEnv = env();
    if (serverEnv.DATA_DIR) dirs.push(serverEnv.DATA_DIR);
    const first = await startServer(serverEnv);
    const client = trpcClientFor(first.url);

    const acked: Array<{ id: string; sha: string }> = [];
    for (let i = 0; i < 4; i++) {
      const g = await client.graph.create.mutate({ graph: sampleGraph(`model ${i}`) });
      const pkg = fakePackage({ weightFloats: 50_000 });
      const res = await fetch(`${first.url}/api/trained-models/${g.id}`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g.editToken }, body: pkg as BodyInit });
      expect(res.status).toBe(200);
      acked.push({ id: g.id, sha: sha(pkg) });
    }
    // The interrupted upload below replaces this graph's model: its acknowledged package must stay.
    const g0 = await client.graph.create.mutate({ graph: sampleGraph('interrupted') });
    const firstPkg = fakePackage({ weightFloats: 50_000 });
    expect((await fetch(`${first.url}/api/trained-models/${g0.id}`, { method: 'PUT', headers: { [EDIT_TOKEN_HEADER]: g0.editToken }, body: firstPkg as BodyInit })).status).toBe(200);

    // A large upload that streams slowly; the server is killed after part of it arrived.
    const big = fakePackage({ weightFloats: 1_000_000 });
    let sent = 0;
    let killed: Promise<void> | null = null;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= big.byteLength) return controller.close();
        const chunk = big.subarray(sent, sent + 256 * 1024);
        sent += chunk.byteLength;
        controller.enqueue(chunk);
        if (sent > big.byteLength / 2 && !killed) killed = first.kill9();
        await new Promise((r) => setTimeout(r, 20));
      },
    });
    const interrupted = await fetch(`${first.url}/api/trained-models/${g0.id}`, {
      method: 'PUT',
      headers: { [EDIT_TOKEN_HEADER]: g0.editToken, 'content-type': 'application/zip' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' }).then(
      (r) => r.status,
      () => 'connection lost',
    );
    await (killed ?? first.kill9());
    expect(interrupted).not.toBe(200); // never acknowledged

    const second = await startServer(serverEnv);
    for (const a of [...acked, { id: g0.id, sha: sha(firstPkg) }]) {
      const res = await fetch(`${second.url}/api/trained-models/${a.id}`);
      expect(res.status).toBe(200);
      expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(a.sha);
    }
    await second.kill9();
  }, 120_000);
});
