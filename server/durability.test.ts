/**
 * Durability: every write the server acknowledged survives `kill -9` of the server process.
 * Spawns the real standalone server (same handler as the Next route) as a child process, writes,
 * SIGKILLs it right after the last acknowledgement, restarts it on the same data and reads back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from './trpc/router';
import { openDatabase } from './db';
import { postgresUrl, sampleGraph } from './test/harness';

const repoRoot = path.resolve(__dirname, '..');

interface Running {
  child: ChildProcess;
  client: ReturnType<typeof createTRPCClient<AppRouter>>;
}

function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/standalone.ts'], {
    cwd: repoRoot,
    // One process (no tsx wrapper) so SIGKILL hits the server itself.
    env: { ...process.env, PORT: '0', GRAFT_RATE_LIMIT_BURST: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `http://127.0.0.1:${m[1]}/api/trpc` })] });
        resolve({ child, client });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code, signal) => reject(new Error(`server exited early (${code ?? signal}):\n${out}`)));
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const cases: { title: string; skip: boolean; env: () => Record<string, string> }[] = [
  { title: 'PGlite data dir', skip: false, env: () => ({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'graft-durable-')), DATABASE_URL: '' }) },
  {
    title: postgresUrl ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set (scripts/start-test-postgres.sh)',
    skip: !postgresUrl,
    env: () => ({ DATABASE_URL: postgresUrl ?? '' }),
  },
];

describe.each(cases)('kill -9 durability: $title', ({ skip, env }) => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(skip)('every acknowledged write is present after SIGKILL + restart', async () => {
    const serverEnv = env();
    if (serverEnv.DATA_DIR) dirs.push(serverEnv.DATA_DIR);
    const first = await startServer(serverEnv);
    children.push(first.child);

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

    await kill9(first.child); // no graceful shutdown: nothing gets flushed after the acks

    const second = await startServer(serverEnv);
    children.push(second.child);
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
    await kill9(second.child);

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
