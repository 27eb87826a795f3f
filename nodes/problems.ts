/** The problems list: every compile error and warning with the name of the node it belongs to. Pure. */
import type { GraftGraph } from './core/graph';
import type { GraphError } from './core/types';
import { getNodeDefinition } from './registry';

export interface ProblemItem {
  kind: 'error' | 'warning';
  /** The node's label, else its type's title; "Graph" for graph-level problems. */
  where: string;
  error: GraphError;
}

export function nodeDisplayName(graph: GraftGraph, nodeId: string | null): string {
  if (!nodeId) return 'Graph';
  const node = graph.nodes.find((n) => n.id === nodeId);
  return node ? node.label?.trim() || getNodeDefinition(node.type)?.title || node.type : nodeId;
}

export function problemItems(graph: GraftGraph, result: { errors: GraphError[]; warnings: GraphError[] }): ProblemItem[] {
  return [
    ...result.errors.map((error) => ({ kind: 'error' as const, where: nodeDisplayName(graph, error.nodeId), error })),
    ...result.warnings.map((error) => ({ kind: 'warning' as const, where: nodeDisplayName(graph, error.nodeId), error })),
  ];
}
