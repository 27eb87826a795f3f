/**
 * Loading graphs of any format version: `loadGraphFile` = shape check (`parseGraphFile`) + `migrateGraph`.
 * Graph-level migrations (the file format; they may move params between nodes) run first, then each node's
 * param migrations as declared by its type (`NodeDefinition.version` / `migrations`). The compiler migrates its
 * input too, so every consumer (editor, CLI, server scoring) sees current params.
 */
import { GRAPH_VERSION, parseGraphFile, type GraftGraph, type GraphNode, type ParseResult } from './core/graph';
import type { NodeDefinition } from './core/types';
import { getNodeDefinition } from './registry';
import { moveValidationSplitToDataset } from './dataset/migrations';

/** `GRAPH_MIGRATIONS[k]` upgrades a version k-1 graph to version k. */
const GRAPH_MIGRATIONS: Record<number, (graph: GraftGraph) => GraftGraph> = {
  2: moveValidationSplitToDataset,
};

function migrateNode(node: GraphNode, def: NodeDefinition | undefined): GraphNode {
  const target = def?.version ?? 1;
  const from = node.v ?? 1;
  if (!def || from >= target) return node;
  let params = node.params;
  for (let k = from + 1; k <= target; k++) {
    const step = def.migrations?.[k];
    if (step) params = step(params);
  }
  return { ...node, params, v: target };
}

/** Upgrade a parsed graph to the current format and node param versions. Returns the same object when current. */
export function migrateGraph(graph: GraftGraph): GraftGraph {
  let g = graph;
  for (let version = g.version + 1; version <= GRAPH_VERSION; version++) {
    const step = GRAPH_MIGRATIONS[version];
    g = { ...(step ? step(g) : g), version };
  }
  let changed = g !== graph;
  const nodes = g.nodes.map((node) => {
    const next = migrateNode(node, getNodeDefinition(node.type));
    if (next !== node) changed = true;
    return next;
  });
  return changed ? { ...g, nodes } : graph;
}

/** Parse an imported/loaded file (string or parsed JSON) and migrate it to the current versions. Never throws
 * (a migration that throws is reported as an unreadable file). */
export function loadGraphFile(input: unknown): ParseResult {
  const parsed = parseGraphFile(input);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, graph: migrateGraph(parsed.graph) };
  } catch (e) {
    return { ok: false, error: `This graph could not be upgraded to the current format: ${(e as Error).message}` };
  }
}
