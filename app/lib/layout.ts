/** Left-to-right automatic layout with dagre. Pure: takes node sizes, returns top-left positions. */
import dagre from '@dagrejs/dagre';
import type { GraftGraph } from '@/nodes/core/graph';
import type { XY } from './graphOps';

export const DEFAULT_NODE_SIZE = { width: 184, height: 150 };

export function autoLayout(
  graph: GraftGraph,
  sizes: Record<string, { width: number; height: number } | undefined> = {},
): Record<string, XY> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    const size = sizes[n.id] ?? DEFAULT_NODE_SIZE;
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  for (const e of graph.edges) {
    if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  }
  dagre.layout(g);
  const positions: Record<string, XY> = {};
  for (const n of graph.nodes) {
    const laid = g.node(n.id);
    const size = sizes[n.id] ?? DEFAULT_NODE_SIZE;
    // dagre gives centres; React Flow positions are top-left corners. Round to keep files tidy.
    positions[n.id] = { x: Math.round(laid.x - size.width / 2), y: Math.round(laid.y - size.height / 2) };
  }
  return positions;
}
