/** Graph-building helpers shared by the compiler tests. */
import type { GraftGraph, GraphNode } from '../core/graph';
import { pipelineTemplate } from '../templates';

export function byId(graph: GraftGraph, id: string): GraphNode {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return node;
}

/** The pipeline template with Train replaced by Hyperparameter Tune (id 'tune'). */
export function tuneGraph(dimensions: unknown[], params: Record<string, unknown> = {}): GraftGraph {
  const g = pipelineTemplate();
  const train = byId(g, 'train');
  g.nodes = g.nodes.map((n) =>
    n.id === 'train' ? { id: 'tune', type: 'hyperparameter-tune', position: train.position, params: { ...params, dimensions } } : n,
  );
  g.edges = g.edges.map((e) => {
    const source = e.source === 'train' ? 'tune' : e.source;
    const target = e.target === 'train' ? 'tune' : e.target;
    return { ...e, id: `${source}.${e.sourceHandle}->${target}.${e.targetHandle}`, source, target };
  });
  return g;
}
