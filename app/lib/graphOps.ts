/**
 * Pure graph edits used by the graph store (no React): add/remove/connect/paste with id remapping.
 * Every function returns a new graph (or the same object when nothing changed), never mutates.
 */
import type { GraftGraph, GraphEdge, GraphNode } from '@/nodes/core/graph';

export interface XY {
  x: number;
  y: number;
}

/** Short random id part (ids must stay ≤ 64 chars; edges ≤ 160). */
export function randomIdPart(): string {
  return Math.random().toString(36).slice(2, 8);
}

export function makeNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = type.replace(/[^a-z0-9-]/gi, '').slice(0, 40) || 'node';
  for (;;) {
    const id = `${base}-${randomIdPart()}`;
    if (!taken.has(id)) return id;
  }
}

export function makeEdgeId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `e-${randomIdPart()}${randomIdPart()}`;
    if (!taken.has(id)) return id;
  }
}

export function addNode(graph: GraftGraph, node: GraphNode): GraftGraph {
  return { ...graph, nodes: [...graph.nodes, node] };
}

/** Remove nodes (and every edge touching them) and edges. */
export function removeElements(graph: GraftGraph, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): GraftGraph {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return graph;
  const keptNodes = graph.nodes.filter((n) => !nodes.has(n.id));
  const keptEdges = graph.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target));
  if (keptNodes.length === graph.nodes.length && keptEdges.length === graph.edges.length) return graph;
  return { ...graph, nodes: keptNodes, edges: keptEdges };
}

export interface EdgeEnds {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

/** Readable id like the templates use (`a.out->b.in`) when it fits and is free, else a random one. */
export function edgeIdFor(ends: EdgeEnds, taken: ReadonlySet<string>): string {
  const readable = `${ends.source}.${ends.sourceHandle}->${ends.target}.${ends.targetHandle}`;
  return readable.length <= 160 && !taken.has(readable) ? readable : makeEdgeId(taken);
}

export function addEdge(graph: GraftGraph, ends: EdgeEnds): { graph: GraftGraph; edgeId: string } {
  const edgeId = edgeIdFor(ends, new Set(graph.edges.map((e) => e.id)));
  return { graph: { ...graph, edges: [...graph.edges, { id: edgeId, ...ends }] }, edgeId };
}

export function updateNode(graph: GraftGraph, id: string, update: (n: GraphNode) => GraphNode): GraftGraph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = update(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Move nodes; positions that did not change keep the node object (cheap re-render). */
export function moveNodes(graph: GraftGraph, positions: Record<string, XY>): GraftGraph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = positions[n.id];
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** What copy puts on the clipboard: nodes plus only the edges between them. */
export interface GraphClipboard {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function copyElements(graph: GraftGraph, nodeIds: Iterable<string>): GraphClipboard | null {
  const ids = new Set(nodeIds);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return structuredClone({ nodes, edges });
}

/**
 * Insert clipboard contents with fresh ids (so the copy never collides with the original),
 * shifted by `offset`; edges are remapped onto the new ids. Returns the new node ids.
 */
export function pasteElements(
  graph: GraftGraph,
  clip: GraphClipboard,
  offset: XY,
): { graph: GraftGraph; nodeIds: string[]; edgeIds: string[] } {
  const takenNodes = new Set(graph.nodes.map((n) => n.id));
  const takenEdges = new Set(graph.edges.map((e) => e.id));
  const idMap = new Map<string, string>();
  const nodes: GraphNode[] = clip.nodes.map((n) => {
    const id = makeNodeId(n.type, takenNodes);
    takenNodes.add(id);
    idMap.set(n.id, id);
    return {
      ...structuredClone(n),
      id,
      position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
    };
  });
  const edges: GraphEdge[] = [];
  for (const e of clip.edges) {
    const source = idMap.get(e.source);
    const target = idMap.get(e.target);
    if (!source || !target) continue;
    const id = edgeIdFor({ source, sourceHandle: e.sourceHandle, target, targetHandle: e.targetHandle }, takenEdges);
    takenEdges.add(id);
    edges.push({ ...e, id, source, target });
  }
  return {
    graph: { ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}
