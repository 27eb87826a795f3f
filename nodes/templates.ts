/**
 * Starter graphs. Ids are stable and readable ('dataset', 'augment', …) so examples, docs and tests can refer to them.
 * Params are written out in full (defaults) so a saved template shows every setting.
 */
import { GRAPH_VERSION, type GraftGraph, type GraphEdge, type GraphNode } from './core/graph';
import { getNodeDefinition } from './registry';
import { newGraphNode } from './core/params';

function node(id: string, type: string, x: number, y: number, params: Record<string, unknown> = {}): GraphNode {
  const def = getNodeDefinition(type);
  if (!def) throw new Error(`Unknown node type "${type}" in a template.`);
  return newGraphNode(def, id, { x, y }, params);
}

function edge(source: string, sourceHandle: string, target: string, targetHandle: string): GraphEdge {
  return { id: `${source}.${sourceHandle}->${target}.${targetHandle}`, source, sourceHandle, target, targetHandle };
}

// Columns ~300 px apart (nodes are ~240 px wide); the data row above the model row, both meeting at Train.
const COL = 300;
const DATA_Y = 0;
const MODEL_Y = 260;
const TRAIN_Y = 130;

/** Dataset → Augment Data → Train ← Add Head ← Freeze Layers ← Pretrained Model, Train → Evaluate. */
export function pipelineTemplate(): GraftGraph {
  return {
    version: GRAPH_VERSION,
    name: 'Transfer learning pipeline',
    nodes: [
      node('dataset', 'dataset', 0, DATA_Y),
      node('augment', 'augment-data', COL * 1.5, DATA_Y),
      node('model', 'pretrained-model', 0, MODEL_Y),
      node('freeze', 'freeze-layers', COL, MODEL_Y),
      node('head', 'add-head', COL * 2, MODEL_Y),
      node('train', 'train', COL * 3, TRAIN_Y),
      node('evaluate', 'evaluate', COL * 4, TRAIN_Y),
    ],
    edges: [
      edge('dataset', 'data', 'augment', 'data'),
      edge('augment', 'data', 'train', 'data'),
      edge('model', 'model', 'freeze', 'model'),
      edge('freeze', 'model', 'head', 'model'),
      edge('head', 'classifier', 'train', 'classifier'),
      edge('train', 'trained', 'evaluate', 'trained'),
    ],
  };
}

/** The same pipeline without augmentation: the smallest graph that trains and evaluates. */
export function minimalTemplate(): GraftGraph {
  const full = pipelineTemplate();
  return {
    ...full,
    name: 'Minimal transfer learning',
    nodes: full.nodes.filter((n) => n.id !== 'augment'),
    // The dataset feeds Train directly where Augment Data sat in between.
    edges: [
      edge('dataset', 'data', 'train', 'data'),
      ...full.edges.filter((e) => e.source !== 'augment' && e.target !== 'augment'),
    ],
  };
}

export interface GraphTemplate {
  id: string;
  title: string;
  description: string;
  create(): GraftGraph;
}

export const TEMPLATES: readonly GraphTemplate[] = [
  {
    id: 'transfer-learning',
    title: 'Transfer learning pipeline',
    description:
      'The full recipe: a pretrained trunk, frozen, with a new head, trained on augmented images and evaluated on a held-out test split.',
    create: pipelineTemplate,
  },
  {
    id: 'minimal',
    title: 'Minimal pipeline',
    description: 'The smallest graph that trains and evaluates: no augmentation.',
    create: minimalTemplate,
  },
];

/** Id for a new edge, consistent with the templates' ids. */
export function edgeId(source: string, sourceHandle: string, target: string, targetHandle: string): string {
  return `${source}.${sourceHandle}->${target}.${targetHandle}`;
}
