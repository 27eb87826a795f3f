/** Graph persistence: every save is a new immutable row in graph_versions; graphs holds the head. */
import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { GraftGraph } from '@/nodes/core/graph';
import type { Database, Queryable } from '../db';
import { hashToken, newEditToken, newGraphId, tokenMatches } from '../tokens';
import { GraftErrorCause } from '../trpc/init';
import type { RunResultsSummary } from '../schemas';
import { versionCache, type StoredVersion } from './versionCache';
import { headCache } from './headCache';

interface GraphRow {
  id: string;
  edit_token_hash: string;
  name: string;
  current_version: number;
  forked_from: string | null;
  forked_from_version: number | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface GraphMeta {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  forkedFrom: { id: string; version: number | null } | null;
}

export interface AttachedResults {
  version: number;
  attachedAt: string;
  results: RunResultsSummary;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function toMeta(row: GraphRow): GraphMeta {
  return {
    id: row.id,
    name: row.name,
    version: Number(row.current_version),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    forkedFrom: row.forked_from ? { id: row.forked_from, version: row.forked_from_version } : null,
  };
}

function notFound(id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No graph with id "${id}".` });
}

async function loadRow(q: Queryable, id: string, lock = false): Promise<GraphRow> {
  const { rows } = await q.query<GraphRow>(`SELECT * FROM graphs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  const row = rows[0];
  if (!row) throw notFound(id);
  return row;
}

function assertToken(row: GraphRow, token: string): void {
  if (!tokenMatches(token, row.edit_token_hash)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This edit token does not allow editing this graph.' });
  }
}

async function insertVersion(q: Queryable, id: string, version: number, graph: GraftGraph, note: string | null) {
  await q.query('INSERT INTO graph_versions (graph_id, version, name, graph, note) VALUES ($1, $2, $3, $4, $5)', [
    id,
    version,
    graph.name,
    JSON.stringify(graph),
    note,
  ]);
}

export async function createGraphRow(
  q: Queryable,
  graph: GraftGraph,
  forkedFrom: { id: string; version: number } | null,
  note: string | null,
) {
  const id = newGraphId();
  const editToken = newEditToken();
  await q.query(
    `INSERT INTO graphs (id, edit_token_hash, name, current_version, forked_from, forked_from_version)
     VALUES ($1, $2, $3, 1, $4, $5)`,
    [id, hashToken(editToken), graph.name, forkedFrom?.id ?? null, forkedFrom?.version ?? null],
  );
  await insertVersion(q, id, 1, graph, note);
  return { id, editToken, version: 1 };
}

export function createGraph(db: Database, graph: GraftGraph) {
  return db.transaction((tx) => createGraphRow(tx, graph, null, 'Created'));
}

async function latestResults(q: Queryable, id: string): Promise<AttachedResults | null> {
  const { rows } = await q.query<{ version: number; results: RunResultsSummary; created_at: Date | string }>(
    'SELECT version, results, created_at FROM run_results WHERE graph_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
    [id],
  );
  const r = rows[0];
  return r ? { version: Number(r.version), attachedAt: iso(r.created_at), results: r.results } : null;
}

interface Head {
  row: GraphRow;
  latest: AttachedResults | null;
}

/** The head row and latest results: from the in-memory head cache on PGlite (see headCache.ts), else queried. */
async function loadHead(db: Database, id: string): Promise<Head> {
  const cache = headCache<Head>(db);
  const hit = cache?.get(id);
  if (hit) return hit;
  const stamp = cache?.stamp() ?? 0;
  const head = { row: await loadRow(db, id), latest: await latestResults(db, id) };
  cache?.store(id, stamp, head, 1024 + (head.latest ? JSON.stringify(head.latest.results).length * 2 : 0));
  return head;
}

/** Runs a write to graph `id`, then drops its cached head (whether the write committed or not). */
async function writingHead<T>(db: Database, id: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    headCache(db)?.invalidate(id);
  }
}

export async function getGraph(db: Database, id: string, editToken?: string, version?: number) {
  const { row, latest } = await loadHead(db, id);
  const wanted = version ?? Number(row.current_version);
  // The version itself never changes: served from the bounded cache after its first read.
  const v = await getVersion(db, id, wanted);
  return {
    ...toMeta(row),
    graph: v.graph,
    shownVersion: wanted,
    canEdit: editToken ? tokenMatches(editToken, row.edit_token_hash) : false,
    latestResults: latest,
  };
}

/** One stored version (immutable): served from the bounded cache after the first read. */
export async function getVersion(db: Database, id: string, version: number): Promise<StoredVersion> {
  const key = `${id}@${version}`;
  const cached = versionCache(db).get(key);
  if (cached) return cached;
  const { rows } = await db.query<{ graph: GraftGraph; name: string; created_at: Date | string }>(
    'SELECT graph, name, created_at FROM graph_versions WHERE graph_id = $1 AND version = $2',
    [id, version],
  );
  const v = rows[0];
  if (!v) throw new TRPCError({ code: 'NOT_FOUND', message: `Graph "${id}" has no version ${version}.` });
  const value: StoredVersion = { id, version, name: v.name, createdAt: iso(v.created_at), graph: v.graph };
  versionCache(db).set(key, value, JSON.stringify(v.graph).length * 2);
  return value;
}

export function updateGraph(db: Database, id: string, editToken: string, baseVersion: number, graph: GraftGraph, note: string | null = null) {
  return writingHead(db, id, () =>
    db.transaction(async (tx) => {
      const row = await loadRow(tx, id, true);
      assertToken(row, editToken);
      const current = Number(row.current_version);
      if (baseVersion !== current) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: `This graph was changed elsewhere: you edited version ${baseVersion}, the server has version ${current}.`,
          cause: new GraftErrorCause({ currentVersion: current }),
        });
      }
      const version = current + 1;
      await insertVersion(tx, id, version, graph, note);
      const { rows } = await tx.query<{ updated_at: Date | string }>(
        'UPDATE graphs SET current_version = $2, name = $3, updated_at = now() WHERE id = $1 RETURNING updated_at',
        [id, version, graph.name],
      );
      return { version, updatedAt: iso(rows[0]!.updated_at) };
    }),
  );
}

export function forkGraph(db: Database, id: string, version: number | undefined, replacement: GraftGraph | undefined) {
  return db.transaction(async (tx) => {
    const row = await loadRow(tx, id);
    const fromVersion = version ?? Number(row.current_version);
    const { rows } = await tx.query<{ graph: GraftGraph }>(
      'SELECT graph FROM graph_versions WHERE graph_id = $1 AND version = $2',
      [id, fromVersion],
    );
    if (!rows[0]) throw new TRPCError({ code: 'NOT_FOUND', message: `Graph "${id}" has no version ${fromVersion}.` });
    const graph = replacement ?? rows[0].graph;
    const created = await createGraphRow(tx, graph, { id, version: fromVersion }, `Forked from ${id} v${fromVersion}`);
    return { ...created, forkedFrom: { id, version: fromVersion }, graph };
  });
}

export async function listHistory(db: Database, id: string) {
  await loadRow(db, id);
  const { rows } = await db.query<{
    version: number;
    name: string;
    note: string | null;
    created_at: Date | string;
    node_count: number;
  }>(
    `SELECT version, name, note, created_at, jsonb_array_length(graph->'nodes') AS node_count
     FROM graph_versions WHERE graph_id = $1 ORDER BY version DESC LIMIT 500`,
    [id],
  );
  return rows.map((r) => ({
    version: Number(r.version),
    name: r.name,
    note: r.note,
    createdAt: iso(r.created_at),
    nodeCount: Number(r.node_count),
  }));
}

export function restoreVersion(db: Database, id: string, editToken: string, version: number) {
  return writingHead(db, id, () =>
    db.transaction(async (tx) => {
      const row = await loadRow(tx, id, true);
      assertToken(row, editToken);
      const { rows } = await tx.query<{ graph: GraftGraph }>(
        'SELECT graph FROM graph_versions WHERE graph_id = $1 AND version = $2',
        [id, version],
      );
      if (!rows[0]) throw new TRPCError({ code: 'NOT_FOUND', message: `Graph "${id}" has no version ${version}.` });
      const graph = rows[0].graph;
      const newVersion = Number(row.current_version) + 1;
      await insertVersion(tx, id, newVersion, graph, `Restored version ${version}`);
      const upd = await tx.query<{ updated_at: Date | string }>(
        'UPDATE graphs SET current_version = $2, name = $3, updated_at = now() WHERE id = $1 RETURNING updated_at',
        [id, newVersion, graph.name],
      );
      return { version: newVersion, restoredFrom: version, graph, updatedAt: iso(upd.rows[0]!.updated_at) };
    }),
  );
}

export async function listMine(db: Database, entries: { id: string; editToken: string }[]) {
  if (entries.length === 0) return [];
  const ids = [...new Set(entries.map((e) => e.id))];
  const { rows } = await db.query<GraphRow>('SELECT * FROM graphs WHERE id = ANY($1::text[])', [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const result: GraphMeta[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const row = byId.get(e.id);
    if (!row || seen.has(e.id) || !tokenMatches(e.editToken, row.edit_token_hash)) continue;
    seen.add(e.id);
    result.push(toMeta(row));
  }
  return result.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export function attachResults(db: Database, id: string, editToken: string, version: number, results: RunResultsSummary) {
  return writingHead(db, id, () =>
    db.transaction(async (tx) => {
      const row = await loadRow(tx, id);
      assertToken(row, editToken);
      if (version > Number(row.current_version)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `Graph "${id}" has no version ${version} yet.` });
      }
      const resultId = randomBytes(9).toString('base64url');
      const { rows } = await tx.query<{ created_at: Date | string }>(
        'INSERT INTO run_results (id, graph_id, version, results) VALUES ($1, $2, $3, $4) RETURNING created_at',
        [resultId, id, version, JSON.stringify(results)],
      );
      return { id: resultId, attachedAt: iso(rows[0]!.created_at) };
    }),
  );
}
