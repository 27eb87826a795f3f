/**
 * Trained models shared with a graph (one per graph; a new upload replaces the previous one). Written with the
 * graph's edit token, readable by anyone with the graph id, like the graph itself. The package is validated
 * (zip layout, graft.json, weight sizes) before it is stored, so visitors only ever download loadable packages.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db';
import { tokenMatches } from '../tokens';
import { readPackage, type PackageMeta } from '@/nodes/engine/share/package-format';

export interface TrainedModelInfo {
  graphId: string;
  graphVersion: number;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  meta: PackageMeta;
}

export type PutResult =
  | { ok: true; info: TrainedModelInfo }
  | { ok: false; status: 400 | 403 | 404 | 409; error: string };

interface Row {
  graph_id: string;
  graph_version: number;
  size_bytes: number;
  sha256: string;
  meta: PackageMeta | string;
  created_at: Date | string;
}

const toInfo = (r: Row): TrainedModelInfo => ({
  graphId: r.graph_id,
  graphVersion: Number(r.graph_version),
  sizeBytes: Number(r.size_bytes),
  sha256: r.sha256,
  createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
  meta: typeof r.meta === 'string' ? (JSON.parse(r.meta) as PackageMeta) : r.meta,
});

export async function putTrainedModel(
  db: Database,
  input: { graphId: string; editToken: string; graphVersion: number | null; bytes: Uint8Array },
): Promise<PutResult> {
  let meta: PackageMeta;
  try {
    meta = readPackage(input.bytes).meta;
  } catch (e) {
    return { ok: false, status: 400, error: (e as Error).message };
  }
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ edit_token_hash: string; current_version: number }>(
      'SELECT edit_token_hash, current_version FROM graphs WHERE id = $1 FOR UPDATE',
      [input.graphId],
    );
    const graph = rows[0];
    if (!graph) return { ok: false, status: 404, error: `No graph with id "${input.graphId}".` } as const;
    if (!tokenMatches(input.editToken, graph.edit_token_hash)) {
      return { ok: false, status: 403, error: 'This edit token does not allow editing this graph.' } as const;
    }
    const current = Number(graph.current_version);
    const version = input.graphVersion ?? current;
    if (version < 1 || version > current) {
      return { ok: false, status: 409, error: `The graph has no version ${version} (latest is ${current}).` } as const;
    }
    const { rows: saved } = await tx.query<Row>(
      `INSERT INTO trained_models (graph_id, graph_version, size_bytes, sha256, meta, data)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (graph_id) DO UPDATE SET graph_version = EXCLUDED.graph_version, size_bytes = EXCLUDED.size_bytes,
         sha256 = EXCLUDED.sha256, meta = EXCLUDED.meta, data = EXCLUDED.data, created_at = now()
       RETURNING graph_id, graph_version, size_bytes, sha256, meta, created_at`,
      [
        input.graphId,
        version,
        input.bytes.byteLength,
        sha256,
        JSON.stringify(meta),
        Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength),
      ],
    );
    return { ok: true, info: toInfo(saved[0]!) } as const;
  });
}

export async function getTrainedModelInfo(db: Database, graphId: string): Promise<TrainedModelInfo | null> {
  const { rows } = await db.query<Row>(
    'SELECT graph_id, graph_version, size_bytes, sha256, meta, created_at FROM trained_models WHERE graph_id = $1',
    [graphId],
  );
  return rows[0] ? toInfo(rows[0]) : null;
}

export async function getTrainedModelBytes(db: Database, graphId: string): Promise<{ sha256: string; data: Uint8Array } | null> {
  const { rows } = await db.query<{ sha256: string; data: Uint8Array }>('SELECT sha256, data FROM trained_models WHERE graph_id = $1', [graphId]);
  return rows[0] ? { sha256: rows[0].sha256, data: new Uint8Array(rows[0].data) } : null;
}

export async function deleteTrainedModel(db: Database, graphId: string, editToken: string): Promise<200 | 403 | 404> {
  const { rows } = await db.query<{ edit_token_hash: string }>('SELECT edit_token_hash FROM graphs WHERE id = $1', [graphId]);
  if (!rows[0]) return 404;
  if (!tokenMatches(editToken, rows[0].edit_token_hash)) return 403;
  await db.query('DELETE FROM trained_models WHERE graph_id = $1', [graphId]);
  return 200;
}
