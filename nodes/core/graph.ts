/**
 * The saved graph format (`.graft.json`). Pure data + zod; no React, no tfjs.
 * Two kinds of version: the graph's `version` (the file format; graph-level migrations, which may move params
 * between nodes) and each node's `v` (its type's params version; per-node-type migrations declared by the node
 * definition). `parseGraphFile` checks the shape; nodes/graph-file.ts (`loadGraphFile`, `migrateGraph`) upgrades.
 */
import { z } from 'zod';

/** 2: `validationSplit` moved from Train / Hyperparameter Tune to the Dataset node. */
export const GRAPH_VERSION = 2 as const;
export const MAX_NODES = 500;
export const MAX_EDGES = 2000;

export const GraphNodeSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  /** Raw, possibly invalid params as the user typed them; the compiler validates them per node schema. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Optional user-facing name shown on the node instead of its type title. */
  label: z.string().max(120).optional(),
  /** Version of this node type's params (absent = 1); see `NodeDefinition.version` / `migrations`. */
  v: z.number().int().min(1).max(1000).optional(),
});
export type GraphNode = z.infer<typeof GraphNodeSchema>;

export const GraphEdgeSchema = z.object({
  id: z.string().min(1).max(160),
  source: z.string().min(1).max(64),
  sourceHandle: z.string().min(1).max(64),
  target: z.string().min(1).max(64),
  targetHandle: z.string().min(1).max(64),
});
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

export const GraftGraphSchema = z.object({
  /** Older versions are accepted (saved graphs stay readable) and upgraded by `migrateGraph`. */
  version: z.number().int().min(1).max(GRAPH_VERSION),
  name: z.string().max(200).default('Untitled pipeline'),
  nodes: z.array(GraphNodeSchema).max(MAX_NODES),
  edges: z.array(GraphEdgeSchema).max(MAX_EDGES),
});
export type GraftGraph = z.infer<typeof GraftGraphSchema>;

export function emptyGraph(name = 'Untitled pipeline'): GraftGraph {
  return { version: GRAPH_VERSION, name, nodes: [], edges: [] };
}

export type ParseResult = { ok: true; graph: GraftGraph } | { ok: false; error: string };

/** Parse an imported/loaded file (string or already-parsed JSON): shape only, the version is kept (use
 * `loadGraphFile` from nodes/graph-file.ts to also migrate). Never throws. */
export function parseGraphFile(input: unknown): ParseResult {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      return { ok: false, error: `Not a Graft file: the JSON could not be parsed (${(e as Error).message}).` };
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, error: 'Not a Graft file: expected a JSON object with "version", "nodes" and "edges".' };
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > GRAPH_VERSION) {
    return { ok: false, error: `This file was saved by a newer Graft (format version ${version}); this app reads up to version ${GRAPH_VERSION}.` };
  }
  const migrated = migrate(raw as Record<string, unknown>);
  const parsed = GraftGraphSchema.safeParse(migrated);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
    return { ok: false, error: `Not a valid Graft graph${where}: ${first?.message ?? 'unknown problem'}.` };
  }
  return { ok: true, graph: parsed.data };
}

/** Version 0 (no version field) had the shape of version 1. */
function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  if (raw.version === undefined) return { ...raw, version: 1 };
  return raw;
}

export function serializeGraph(graph: GraftGraph): string {
  return JSON.stringify(graph, null, 2);
}
