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

/** The definition changes values of this port type in place: takes one in and gives one out (Augment Data →
 * 'dataset', Freeze Layers → 'model'). */
export function isTransformOf(def: NodeDefinition | undefined, type: PortType): boolean {
  return !!def && def.outputs.some((p) => p.type === type) && def.inputs.some((p) => p.type === type);
}

/** The parts of a pipeline a message can point a student to. */
export type PipelineRole = 'dataset' | 'augment' | 'model' | 'trainer';

/** The first node playing that part in the graph, found through the definitions. */
export function nodeForRole(graph: GraftGraph, role: PipelineRole): GraphNode | null {
  if (role === 'trainer') {
    const id = trainerNodeId(graph);
    return graph.nodes.find((n) => n.id === id) ?? null;
  }
  if (role === 'augment') return graph.nodes.find((n) => isTransformOf(getNodeDefinition(n.type), 'dataset')) ?? null;
  return sourceNodesOf(graph, role)[0] ?? null;
}
