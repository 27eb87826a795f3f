/**
 * The graph repository's rules on a real database (PGlite in a temp dir): immutable versions, the edit-token check
 * on every write, optimistic concurrency, forks, history, restore, "my graphs" and attached results — including
 * the exact errors the API passes on to the editor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { openDatabase, type Database } from '../db';
import { attachResults, createGraph, forkGraph, getGraph, listHistory, listMine, restoreVersion, updateGraph } from './graphs';
import { hashToken } from '../tokens';
import { type GraftErrorCause } from '../trpc/init';
import { sampleGraph } from '../test/harness';
import type { RunResultsSummary } from '../schemas';

let db: Database;
let tmp = '';

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-repo-'));
  db = await openDatabase({ databaseUrl: null, pgliteDir: tmp });
});

afterAll(async () => {
  await db?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TRPCError);
    return e as TRPCError;
  }
  throw new Error('expected a TRPCError');
}

const RESULTS = { accuracy: 0.5 } as unknown as RunResultsSummary;

describe('graph repository', () => {
  it('create: version 1, only the token hash stored, the graph readable with canEdit for the right token only', async () => {
    const g = sampleGraph('First');
    const created = await createGraph(db, g);
    expect(created.version).toBe(1);
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const { rows } = await db.query<{ edit_token_hash: string; name: string; current_version: number; forked_from: string | null }>('SELECT * FROM graphs WHERE id = $1', [created.id]);
    expect(rows[0]).toMatchObject({ edit_token_hash: hashToken(created.editToken), name: 'First', forked_from: null });
    expect(Number(rows[0]!.current_version)).toBe(1);

    const anonymous = await getGraph(db, created.id);
    expect(anonymous).toMatchObject({ id: created.id, name: 'First', version: 1, shownVersion: 1, canEdit: false, forkedFrom: null, latestResults: null });
    expect(anonymous.graph).toEqual(g);
    expect(anonymous.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await getGraph(db, created.id, created.editToken)).canEdit).toBe(true);
    expect((await getGraph(db, created.id, 'x'.repeat(43))).canEdit).toBe(false);
    expect((await getGraph(db, created.id, '')).canEdit).toBe(false);
    const history = await listHistory(db, created.id);
    expect(history.map((h) => [h.version, h.name, h.note, h.nodeCount])).toEqual([[1, 'First', 'Created', 3]]);
  });

  it('update: needs the token and the current version; each save is a new version; old versions stay readable', async () => {
    const created = await createGraph(db, sampleGraph('v1'));
    const wrong = await rejection(updateGraph(db, created.id, 'nope', 1, sampleGraph('hack')));
    expect([wrong.code, wrong.message]).toEqual(['FORBIDDEN', 'This edit token does not allow editing this graph.']);
    const saved = await updateGraph(db, created.id, created.editToken, 1, sampleGraph('v2', 2), 'my note');
    expect(saved.version).toBe(2);
    expect(saved.updatedAt).toMatch(/^\d{4}-/);
    const stale = await rejection(updateGraph(db, created.id, created.editToken, 1, sampleGraph('v2b')));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toBe('This graph was changed elsewhere: you edited version 1, the server has version 2.');
    expect((stale.cause as GraftErrorCause).details).toEqual({ currentVersion: 2 });
    const ahead = await rejection(updateGraph(db, created.id, created.editToken, 3, sampleGraph('v?')));
    expect(ahead.code).toBe('CONFLICT');

    const head = await getGraph(db, created.id);
    expect([head.version, head.name, head.graph.name]).toEqual([2, 'v2', 'v2']);
    const old = await getGraph(db, created.id, undefined, 1);
    expect([old.version, old.shownVersion, old.graph.name]).toEqual([2, 1, 'v1']);
    const missing = await rejection(getGraph(db, created.id, undefined, 7));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', `Graph "${created.id}" has no version 7.`]);
    expect((await listHistory(db, created.id)).map((h) => [h.version, h.note, h.nodeCount])).toEqual([
      [2, 'my note', 2],
      [1, 'Created', 3],
    ]);
  });

  it('unknown ids are NOT_FOUND everywhere', async () => {
    for (const p of [
      getGraph(db, 'nope'),
      updateGraph(db, 'nope', 't', 1, sampleGraph()),
      forkGraph(db, 'nope', undefined, undefined),
      listHistory(db, 'nope'),
      restoreVersion(db, 'nope', 't', 1),
      attachResults(db, 'nope', 't', 1, RESULTS),
    ]) {
      const e = await rejection(p);
      expect([e.code, e.message]).toEqual(['NOT_FOUND', 'No graph with id "nope".']);
    }
  });

  it('fork: a new graph (new token) from the current or a given version, or from a replacement graph', async () => {
    const original = await createGraph(db, sampleGraph('orig'));
    await updateGraph(db, original.id, original.editToken, 1, sampleGraph('orig v2'));
    const fromHead = await forkGraph(db, original.id, undefined, undefined);
    expect(fromHead).toMatchObject({ version: 1, forkedFrom: { id: original.id, version: 2 } });
    expect(fromHead.graph.name).toBe('orig v2');
    expect(fromHead.id).not.toBe(original.id);
    expect(fromHead.editToken).not.toBe(original.editToken);
    const fork = await getGraph(db, fromHead.id, fromHead.editToken);
    expect(fork).toMatchObject({ canEdit: true, forkedFrom: { id: original.id, version: 2 }, name: 'orig v2' });
    expect((await listHistory(db, fromHead.id))[0]!.note).toBe(`Forked from ${original.id} v2`);
    // The original's token does not edit the fork.
    expect((await getGraph(db, fromHead.id, original.editToken)).canEdit).toBe(false);

    const fromV1 = await forkGraph(db, original.id, 1, undefined);
    expect([fromV1.graph.name, fromV1.forkedFrom.version]).toEqual(['orig', 1]);
    const replaced = await forkGraph(db, original.id, 1, sampleGraph('replacement'));
    expect((await getGraph(db, replaced.id)).graph.name).toBe('replacement');
    const noVersion = await rejection(forkGraph(db, original.id, 9, undefined));
    expect([noVersion.code, noVersion.message]).toEqual(['NOT_FOUND', `Graph "${original.id}" has no version 9.`]);
  });

  it('restore: the token is required; restoring appends a new version with the old content', async () => {
    const g = await createGraph(db, sampleGraph('one'));
    await updateGraph(db, g.id, g.editToken, 1, sampleGraph('two'));
    expect((await getGraph(db, g.id)).version).toBe(2); // read (and cached on PGlite) before the restore
    const refused = await rejection(restoreVersion(db, g.id, 'bad', 1));
    expect(refused.code).toBe('FORBIDDEN');
    const restored = await restoreVersion(db, g.id, g.editToken, 1);
    expect(restored).toMatchObject({ version: 3, restoredFrom: 1 });
    expect(restored.graph.name).toBe('one');
    const head = await getGraph(db, g.id);
    expect([head.version, head.name]).toEqual([3, 'one']);
    expect((await listHistory(db, g.id))[0]).toMatchObject({ version: 3, note: 'Restored version 1', name: 'one' });
    const missing = await rejection(restoreVersion(db, g.id, g.editToken, 8));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', `Graph "${g.id}" has no version 8.`]);
  });

  it('my graphs: only entries whose token matches, each once, most recently updated first', async () => {
    expect(await listMine(db, [])).toEqual([]);
    const a = await createGraph(db, sampleGraph('A'));
    const b = await createGraph(db, sampleGraph('B'));
    const c = await createGraph(db, sampleGraph('C'));
    await new Promise((r) => setTimeout(r, 5));
    await updateGraph(db, a.id, a.editToken, 1, sampleGraph('A2'));
    const mine = await listMine(db, [
      { id: b.id, editToken: b.editToken },
      { id: a.id, editToken: a.editToken },
      { id: a.id, editToken: a.editToken },
      { id: c.id, editToken: b.editToken }, // someone else's token
      { id: 'unknown', editToken: a.editToken },
    ]);
    expect(mine.map((m) => m.name)).toEqual(['A2', 'B']);
    expect(mine[0]).toMatchObject({ id: a.id, version: 2, forkedFrom: null });
  });

  it('results: attached with the token to an existing version; the latest comes back with the graph', async () => {
    const g = await createGraph(db, sampleGraph('R'));
    expect((await getGraph(db, g.id)).latestResults).toBeNull(); // read (and cached on PGlite) before attaching
    const refused = await rejection(attachResults(db, g.id, 'bad', 1, RESULTS));
    expect(refused.code).toBe('FORBIDDEN');
    const future = await rejection(attachResults(db, g.id, g.editToken, 2, RESULTS));
    expect([future.code, future.message]).toEqual(['BAD_REQUEST', `Graph "${g.id}" has no version 2 yet.`]);
    const first = await attachResults(db, g.id, g.editToken, 1, RESULTS);
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect((await getGraph(db, g.id)).latestResults?.version).toBe(1);
    await updateGraph(db, g.id, g.editToken, 1, sampleGraph('R2'));
    await new Promise((r) => setTimeout(r, 5));
    await attachResults(db, g.id, g.editToken, 2, { accuracy: 0.9 } as unknown as RunResultsSummary);
    const latest = (await getGraph(db, g.id)).latestResults!;
    expect(latest.version).toBe(2);
    expect(latest.results).toEqual({ accuracy: 0.9 });
    expect(latest.attachedAt).toMatch(/^\d{4}-/);
  });
});
