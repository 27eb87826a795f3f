/** Edge checks shared by the compiler and the canvas: resolving ports, located wiring errors, friendly wording. */
import type { GraphEdge, GraphNode } from '../core/graph';
import { PORT_TYPES, type GraphError, type NodeDefinition, type PortDef, type PortType } from '../core/types';
import { nodeDefinitions } from '../registry';
/** What to connect to satisfy an input of each type (for "needs … — connect …" messages): every registered node
 * type with an output of that type, e.g. "Dataset or Augment Data". */
export function providersOf(type: PortType): string {
  const titles = nodeDefinitions.filter((d) => d.outputs.some((o) => o.type === type)).map((d) => d.title);
  return titles.length > 0 ? titles.join(' or ') : `a node with ${article(PORT_TYPES[type].label)} ${PORT_TYPES[type].label} output`;
}

export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

export function nodeName(node: GraphNode | undefined, def: NodeDefinition | undefined): string {
  return node?.label?.trim() || def?.title || node?.type || 'node';
}

/** A valid, resolved edge between two known ports. */
export interface ResolvedEdge {
  edge: GraphEdge;
  sourcePort: PortDef;
  targetPort: PortDef;
}


export function resolveEdge(edge: GraphEdge, defs: Map<string, NodeDefinition>): ResolvedEdge | null {
  const sourcePort = defs.get(edge.source)?.outputs.find((p) => p.id === edge.sourceHandle);
  const targetPort = defs.get(edge.target)?.inputs.find((p) => p.id === edge.targetHandle);
  return sourcePort && targetPort ? { edge, sourcePort, targetPort } : null;
}

/** Located error for a broken edge, or null. `resolved` = the ports exist (only the wiring is wrong). */
export function edgeProblem(
  edge: GraphEdge,
  nodes: Map<string, GraphNode>,
  defs: Map<string, NodeDefinition>,
): { error: GraphError; resolved: boolean } | null {
  const base = { edgeId: edge.id };
  const sourceNode = nodes.get(edge.source);
  const targetNode = nodes.get(edge.target);
  if (!sourceNode || !targetNode) {
    const missing = !sourceNode ? edge.source : edge.target;
    return {
      error: { ...base, nodeId: sourceNode ? edge.source : targetNode ? edge.target : null, message: `A link points to a node that does not exist ("${missing}"). Delete the link.` },
      resolved: false,
    };
  }
  const sourceDef = defs.get(edge.source);
  const targetDef = defs.get(edge.target);
  if (!sourceDef || !targetDef) return null; // unknown node type already reported
  const sourcePort = sourceDef.outputs.find((p) => p.id === edge.sourceHandle);
  if (!sourcePort) {
    return {
      error: { ...base, nodeId: edge.source, port: edge.sourceHandle, message: `${sourceDef.title} has no output "${edge.sourceHandle}". Delete the link.` },
      resolved: false,
    };
  }
  const targetPort = targetDef.inputs.find((p) => p.id === edge.targetHandle);
  if (!targetPort) {
    return {
      error: { ...base, nodeId: edge.target, port: edge.targetHandle, message: `${targetDef.title} has no input "${edge.targetHandle}". Delete the link.` },
      resolved: false,
    };
  }
  if (edge.source === edge.target) {
    return { error: { ...base, nodeId: edge.target, port: edge.targetHandle, message: `${targetDef.title} is linked to itself. Delete the link.` }, resolved: true };
  }
  if (sourcePort.type !== targetPort.type) {
    return {
      error: { ...base, nodeId: edge.target, port: edge.targetHandle, message: typeMismatchMessage(sourcePort.type, targetPort.type, targetDef, targetPort) },
      resolved: true,
    };
  }
  return null;
}

export function typeMismatchMessage(from: PortType, to: PortType, targetDef: NodeDefinition, targetPort: PortDef): string {
  const a = PORT_TYPES[from].label;
  const b = PORT_TYPES[to].label;
  return `${article(a).replace(/^a/, 'A')} ${a} output can't feed ${article(b)} ${b} input: ${targetDef.title}'s ${targetPort.label} input takes ${PORT_TYPES[to].description}, from ${providersOf(to)}.`;
}
