/** Compiler helpers for the canvas and the tuner: may this connection be made; a graph with some params replaced. */
import type { GraftGraph } from '../core/graph';
import { getNodeDefinition } from '../registry';
import { typeMismatchMessage } from './edges';
export interface ConnectionCandidate {
  source: string;
  sourceHandle: string | null;
  target: string;
  targetHandle: string | null;
}

/** Why a connection may not be made (type mismatch, cycle, input already used, self-loop), or null if OK. */
export function checkConnection(graph: GraftGraph, c: ConnectionCandidate): string | null {
  try {
    const sourceNode = graph.nodes.find((n) => n.id === c.source);
    const targetNode = graph.nodes.find((n) => n.id === c.target);
    if (!sourceNode || !targetNode) return 'That node no longer exists.';
    const sourceDef = getNodeDefinition(sourceNode.type);
    const targetDef = getNodeDefinition(targetNode.type);
    if (!sourceDef) return `Unknown node type "${sourceNode.type}".`;
    if (!targetDef) return `Unknown node type "${targetNode.type}".`;
    // React Flow passes null for a node's only handle.
    const sourcePort =
      c.sourceHandle == null ? (sourceDef.outputs.length === 1 ? sourceDef.outputs[0] : undefined) : sourceDef.outputs.find((p) => p.id === c.sourceHandle);
    const targetPort =
      c.targetHandle == null ? (targetDef.inputs.length === 1 ? targetDef.inputs[0] : undefined) : targetDef.inputs.find((p) => p.id === c.targetHandle);
    if (!sourcePort) return sourceDef.outputs.length === 0 ? `${sourceDef.title} has no outputs.` : `${sourceDef.title} has no such output.`;
    if (!targetPort) return targetDef.inputs.length === 0 ? `${targetDef.title} has no inputs.` : `${targetDef.title} has no such input.`;
    if (c.source === c.target) return 'A node can\'t connect to itself.';
    if (sourcePort.type !== targetPort.type) return typeMismatchMessage(sourcePort.type, targetPort.type, targetDef, targetPort);
    const existing = graph.edges.find((e) => e.target === c.target && e.targetHandle === targetPort.id);
    if (existing) {
      if (existing.source === c.source && existing.sourceHandle === sourcePort.id) return 'These ports are already connected.';
      return `${targetDef.title}'s ${targetPort.label} input is already connected; an input takes one link. Remove the existing link first.`;
    }
    // Would the new edge source→target close a loop? Only if target already reaches source.
    const next = new Map<string, string[]>();
    for (const e of graph.edges) {
      const list = next.get(e.source) ?? [];
      list.push(e.target);
      next.set(e.source, list);
    }
    const seen = new Set<string>([c.target]);
    const stack = [c.target];
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur === c.source) return 'That would create a loop: data must flow one way through the pipeline.';
      for (const t of next.get(cur) ?? []) {
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    return null;
  } catch {
    return 'That connection is not possible.';
  }
}

/** A copy of the graph with some node params replaced (the tuner recompiles one per trial). */
export function withParamOverrides(
  graph: GraftGraph,
  overrides: ReadonlyArray<{ nodeId: string; param: string; value: unknown }>,
): GraftGraph {
  if (overrides.length === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const mine = overrides.filter((o) => o.nodeId === node.id);
      if (mine.length === 0) return node;
      const params = { ...node.params };
      for (const o of mine) params[o.param] = o.value;
      return { ...node, params };
    }),
  };
}
