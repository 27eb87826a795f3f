/**
 * What a node does in the pipeline, asked of its definition (never of its type name): the editor finds the trainer,
 * the nodes that bring images or a model into the graph, this way, so a new node type with the same ports or role
 * is handled without editing the app.
 */
import type { GraftGraph, GraphNode } from '@/nodes/core/graph';
import type { NodeDefinition, PortType } from '@/nodes/core/types';
import { getNodeDefinition } from '@/nodes/registry';

/** The definition brings a value of this port type into the graph: it outputs one and takes none in (Dataset →
 * 'dataset', Pretrained Model → 'model'). */
export function isSourceOf(def: NodeDefinition | undefined, type: PortType): boolean {
  return !!def && def.outputs.some((p) => p.type === type) && !def.inputs.some((p) => p.type === type);
}

export function sourceNodesOf(graph: GraftGraph, type: PortType): GraphNode[] {
  return graph.nodes.filter((n) => isSourceOf(getNodeDefinition(n.type), type));
}

/** The graph's trainer (Train, or Hyperparameter Tune): the node whose definition has the 'trainer' role. */
export function trainerNodeId(graph: GraftGraph): string | null {
  return graph.nodes.find((n) => getNodeDefinition(n.type)?.role === 'trainer')?.id ?? null;
}
