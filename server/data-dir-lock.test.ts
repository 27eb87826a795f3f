/**
 * One writer per data folder: a second server on the same DATA_DIR refuses to start with a message naming the
 * folder and the holder; after `kill -9` of the holder the stale lock is taken over; no acknowledged write is lost.
 * Real child processes of server/standalone.ts (the same open path the Next app uses).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleGraph } from './test/harness';
import { acquireDataDirLock, DataDirLockedError, lockFileFor } from './db/dataDirLock.mjs';
import { killStartedStandalones, launchStandalone, trpcClientFor } from './test/standaloneProcess';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  await killStartedStandalones();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-lock-'));
  dirs.push(d);
  return d;
}

/** Starts standalone.ts; resolves with a client once listening, or with the exit code and output when it exits. */
async function start(dataDir: string) {
  const launched = await launchStandalone({ DATA_DIR: dataDir, DATABASE_URL: '', PGLITE_DIR: '', GRAFT_RATE_LIMIT_BURST: '0' });
  if (!launched.listening) return { child: launched.child, client: undefined, exitCode: launched.exitCode, output: launched.output };
  const { server } = launched;
  return { child: server.child, client: trpcClientFor(server.url), exitCode: undefined, output: server.output(), kill9: server.kill9, stop: server.stop };
}

describe('one writer per DATA_DIR', () => {
  it('a second server on the same folder refuses to start, naming the folder and the holder; kill -9 of the holder frees it; no acknowledged write lost', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    expect(first.client, first.output).toBeDefined();
    const written: { id: string; name: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `before-second-${i}`;
      written.push({ id: (await first.client!.graph.create.mutate({ graph: sampleGraph(name) })).id, name });
    }

    const second = await start(dataDir);
    expect(second.client).toBeUndefined();
    expect(second.exitCode).toBe(1);
    expect(second.output).toContain(path.resolve(dataDir, 'pglite'));
    expect(second.output).toContain(`pid ${first.child.pid} on ${os.hostname()}`);
    expect(second.output).not.toMatch(/\n\s+at /); // a message, not a stack trace

    // The first keeps working after the refused start.
    for (let i = 0; i < 20; i++) {
      const name = `after-second-${i}`;
      written.push({ id: (await first.client!.graph.create.mutate({ graph: sampleGraph(name) })).id, name });
    }
    await first.kill9!();
    expect(fs.existsSync(lockFileFor(path.resolve(dataDir, 'pglite')))).toBe(true); // left behind by kill -9

    const third = await start(dataDir);
    expect(third.client, third.output).toBeDefined();
    for (const w of written) expect((await third.client!.graph.get.query({ id: w.id })).graph.name).toBe(w.name);
    await third.stop!();
    expect(fs.existsSync(lockFileFor(path.resolve(dataDir, 'pglite')))).toBe(false); // a clean stop removes it
  });

  it('stale-lock detection: a dead pid or a reused pid is stale; a live holder is not', async () => {
    const dir = path.join(tempDir(), 'pglite');
    const file = lockFileFor(dir);
    const write = (holder: object) => fs.writeFileSync(file, JSON.stringify(holder));
    // A pid that no longer exists.
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.once('exit', r));
    write({ pid: gone.pid, host: os.hostname(), startedAt: 'then', procStart: '1' });
    acquireDataDirLock(dir).release();
    // A live process that is not the holder recorded (pid reused: another start time).
    const live = spawn('sleep', ['30']);
    children.push(live);
    await new Promise((r) => setTimeout(r, 100));
    write({ pid: live.pid, host: os.hostname(), startedAt: 'then', procStart: '1' });
    acquireDataDirLock(dir).release();
    // The live holder itself: refused.
    const stat = fs.readFileSync(`/proc/${live.pid}/stat`, 'utf8');
    const procStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    write({ pid: live.pid, host: os.hostname(), startedAt: 'now', procStart });
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`${dir.replace(/[/.]/g, '\\$&')}.*pid ${live.pid}`));
    // Another host cannot be checked: refused, and the message says which file to delete.
    write({ pid: 1, host: 'elsewhere.example', startedAt: 'now' });
    expect(() => acquireDataDirLock(dir)).toThrow(/elsewhere\.example.*delete/);
    live.kill('SIGKILL');
  });
});
