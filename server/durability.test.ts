/**
 * Durability: every write the server acknowledged survives `kill -9` of the server process.
 * Spawns the real standalone server (same handler as the Next route) as a child process, writes,
 * SIGKILLs it right after the last acknowledgement, restarts it on the same data and reads back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { postgresUrl, sampleGraph } from './test/harness';
import { killStartedStandalones, startStandalone, trpcClientFor } from './test/standaloneProcess';

const startServer = async (env: Record<string, string>) => {
  const server = await startStandalone({ GRAFT_RATE_LIMIT_BURST: '0', ...env });
  return { ...server, client: trpcClientFor(server.url) };
};

const cases: { title: string; skip: boolean; env: () => Record<string, string> }[] = [
  { title: 'PGlite data dir', skip: false, env: () => ({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'graft-durable-')), DATABASE_URL: '' }) },
  {
    title: postgresUrl ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set (scripts/start-test-postgres.sh)',
    skip: !postgresUrl,
    env: () => ({ DATABASE_URL: postgresUrl ?? '' }),
  },
];

describe.each(cases)('kill -9 durability: $title', ({ skip, env }) => {
  const dirs: string[] = [];
  afterAll(async () => {
    await killStartedStandalones();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(skip)('every acknowledged write is present after SIGKILL + restart', async () => {
    const serverEnv = env();
    if (serverEnv.DATA_DIR) dirs.push(serverEnv.DATA_DIR);
    const first = await startServer(serverEnv);

    // Sequential saves of one graph, plus several graphs written concurrently.
    const acked: { id: string; editToken: string; version: number; name: string }[] = [];
    const main = await first.client.graph.create.mutate({ graph: sampleGraph('durable v1') });
    let version = main.version;
    for (let i = 2; i <= 15; i++) {
      version = (await first.client.graph.update.mutate({ id: main.id, editToken: main.editToken, baseVersion: version, graph: sampleGraph(`durable v${i}`, i) })).version;
    }
    acked.push({ id: main.id, editToken: main.editToken, version, name: 'durable v15' });
    const parallel = await Promise.all(
      Array.from({ length: 8 }, (_, i) => first.client.graph.create.mutate({ graph: sampleGraph(`parallel ${i}`) })),
    );
    parallel.forEach((p, i) => acked.push({ ...p, name: `parallel ${i}` }));
    const results = { accuracy: 0.75, labels: ['a', 'b'], perClass: [], confusionMatrix: [[3, 1], [1, 3]], backend: 'cpu' as const, epochs: [] };
    await first.client.graph.attachResults.mutate({ id: main.id, editToken: main.editToken, version, results });

    await first.kill9(); // no graceful shutdown: nothing gets flushed after the acks

    const second = await startServer(serverEnv);
    for (const a of acked) {
      const got = await second.client.graph.get.query({ id: a.id, editToken: a.editToken });
      expect(got.version).toBe(a.version);
      expect(got.name).toBe(a.name);
      expect(got.canEdit).toBe(true);
    }
    const history = await second.client.graph.history.query({ id: main.id });
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: 15 }, (_, i) => 15 - i));
    expect((await second.client.graph.get.query({ id: main.id })).latestResults?.results.accuracy).toBe(0.75);

    // And the restarted server keeps working on the same data.
    const next = await second.client.graph.update.mutate({ id: main.id, editToken: main.editToken, baseVersion: 15, graph: sampleGraph('after restart') });
    expect(next.version).toBe(16);
    await second.kill9();

    if (serverEnv.DATA_DIR) {
      // Double-check directly on the data directory, without the server.
      const db = await openDatabase({ databaseUrl: null, pgliteDir: path.resolve(serverEnv.DATA_DIR, 'pglite') });
      try {
        const { rows } = await db.query<{ current_version: number }>('SELECT current_version FROM graphs WHERE id = $1', [main.id]);
        expect(Number(rows[0]!.current_version)).toBe(16);
      } finally {
        await db.close();
      }
    }
  });
});
