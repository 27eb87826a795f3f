/**
 * 50 students submit at once and the server is SIGKILLed while their submissions are in flight: after a restart on
 * the same data, every submission the server acknowledged is there (unacknowledged ones may or may not be).
 * Same pattern as durability.test.ts: the real standalone server as a child process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { postgresUrl } from './test/harness';
import { createPublishedAssignment, hiddenLabels } from './test/classroom';
import { killStartedStandalones, startStandalone, trpcClientFor } from './test/standaloneProcess';

const startServer = async (env: Record<string, string>) => {
  const server = await startStandalone({ GRAFT_RATE_LIMIT_BURST: '0', ...env });
  return { ...server, client: trpcClientFor(server.url, { methodOverride: 'POST' }) };
};

const cases: { title: string; skip: boolean; env: () => Record<string, string> }[] = [
  { title: 'PGlite data dir', skip: false, env: () => ({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'graft-class-durable-')), DATABASE_URL: '' }) },
  {
    title: postgresUrl ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set (scripts/start-test-postgres.sh)',
    skip: !postgresUrl,
    env: () => ({ DATABASE_URL: postgresUrl ?? '' }),
  },
];

describe.each(cases)('classroom kill -9: $title', ({ skip, env }) => {
  const dirs: string[] = [];
  afterAll(async () => {
    await killStartedStandalones();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(skip)('50 concurrent submissions: none that was acknowledged is lost', async () => {
    const serverEnv = env();
    if (serverEnv.DATA_DIR) dirs.push(serverEnv.DATA_DIR);
    const first = await startServer(serverEnv);
    const a = await createPublishedAssignment(first.client, { perClass: 3 });
    const students = await Promise.all(Array.from({ length: 50 }, (_, i) => first.client.assignment.join.mutate({ id: a.id, displayName: `S${i}` })));

    // Any valid prediction list works for durability.
    const predictions = Array.from({ length: a.testCount }, (_, i) => (i % 2 ? 'cat' : 'dog'));
    const acked: string[] = [];
    let killing: Promise<void> | null = null;
    const attempts = students.map((st) =>
      first.client.assignment.submit
        .mutate({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions })
        .then((r) => {
          acked.push(r.submissionId);
          // Kill in the middle: as soon as half are acknowledged, with the rest still in flight.
          if (acked.length === 25) killing = first.kill9();
        }),
    );
    await Promise.allSettled(attempts);
    await (killing ?? first.kill9());
    expect(acked.length).toBeGreaterThanOrEqual(25);

    const second = await startServer(serverEnv);
    const view = await second.client.assignment.teacherView.query({ id: a.id, teacherToken: a.teacherToken });
    const stored = new Set(view.submissions.map((x) => x.id));
    for (const id of acked) expect(stored.has(id), `acknowledged submission ${id} lost`).toBe(true);
    expect(view.students).toHaveLength(50);
    // Still works after the restart.
    const st = students[0]!;
    const again = await second.client.assignment.submit.mutate({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions });
    // Today's count after the restart = what survived the kill for this student + this one.
    expect(again.submissionsToday).toBe(view.submissions.filter((x) => x.displayName === 'S0').length + 1);
    await second.kill9();

    if (serverEnv.DATA_DIR) {
      const db = await openDatabase({ databaseUrl: null, pgliteDir: path.resolve(serverEnv.DATA_DIR, 'pglite') });
      try {
        expect(await hiddenLabels(db, a.id)).toHaveLength(a.testCount);
        const { rows } = await db.query<{ id: string }>('SELECT id FROM assignment_submissions WHERE assignment_id = $1', [a.id]);
        const ids = new Set(rows.map((r) => r.id));
        for (const id of acked) expect(ids.has(id)).toBe(true);
      } finally {
        await db.close();
      }
    }
  }, 360_000); // PGlite syncs every write to disk: 50 joins + 50 submissions take minutes on a loaded machine
});
