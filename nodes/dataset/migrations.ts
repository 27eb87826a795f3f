/**
 * Graph-format migrations that concern the Dataset node. Version 2 of the graph format moved `validationSplit`
 * from the Train / Hyperparameter Tune node to the Dataset node that feeds it (it is a property of the split, next
 * to the test split). Old files name the trainer types as they were then.
 */
import type { GraftGraph, GraphNode } from '../core/graph';

const TRAINER_TYPES_V1 = new Set(['train', 'hyperparameter-tune']);

/** Graph v1 → v2: each Dataset node takes the validation split of the first trainer downstream of it; trainers
 * drop theirs. A dataset feeding no trainer keeps the default. */
export function moveValidationSplitToDataset(graph: GraftGraph): GraftGraph {
  const nodes = graph.nodes.map((node): GraphNode => {
    if (node.type === 'dataset' && typeof node.params.validationSplit !== 'number') {
      const moved = downstreamTrainer(graph, node.id)?.params.validationSplit;
      return typeof moved === 'number' ? { ...node, params: { ...node.params, validationSplit: moved } } : node;
    }
    if (TRAINER_TYPES_V1.has(node.type) && 'validationSplit' in node.params) {
      const { validationSplit: _moved, ...rest } = node.params;
      return { ...node, params: rest };
    }
    return node;
  });
  return { ...graph, nodes };
}

/** The first Train / Hyperparameter Tune node fed (directly or through other nodes) by this dataset node. */
function downstreamTrainer(graph: GraftGraph, datasetNodeId: string): GraphNode | null {
  const seen = new Set<string>([datasetNodeId]);
  let frontier = [datasetNodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const edge of graph.edges) {
        if (edge.source !== id || seen.has(edge.target)) continue;
        seen.add(edge.target);
        const node = graph.nodes.find((n) => n.id === edge.target);
        if (!node) continue;
        if (TRAINER_TYPES_V1.has(node.type)) return node;
        next.push(node.id);
      }
    }
    frontier = next;
  }
  return null;
}
