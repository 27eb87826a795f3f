/** Walk a graph upstream from a node's input to the nearest node of a given type (through pass-through nodes). */
import type { GraftGraph, GraphNode } from './graph';

export function findUpstream(graph: GraftGraph, nodeId: string, wantedType: string, maxHops = 10): GraphNode | null {
  let current = nodeId;
  for (let hop = 0; hop < maxHops; hop++) {
    const edge = graph.edges.find((e) => e.target === current);
    if (!edge) return null;
    const source = graph.nodes.find((n) => n.id === edge.source);
    if (!source) return null;
    if (source.type === wantedType) return source;
    current = source.id;
  }
  return null;
}
