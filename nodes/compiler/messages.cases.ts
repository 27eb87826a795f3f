/** Broken graphs for messages.test.ts: each case is one kind of mistake a user can make on the canvas. */
import type { GraftGraph, GraphEdge, GraphNode } from '../core/graph';
import { minimalTemplate } from '../templates';
import { tuneGraph } from './testGraphs';

type Change = (g: GraftGraph) => void;
const edge = (source: string, sourceHandle: string, target: string, targetHandle: string, id = `${source}.${sourceHandle}->${target}.${targetHandle}`): GraphEdge => ({
  id,
  source,
  sourceHandle,
  target,
  targetHandle,
});
const node = (id: string, type: string, params: Record<string, unknown> = {}, label?: string): GraphNode => ({
  id,
  type,
  position: { x: 0, y: 0 },
  params,
  ...(label ? { label } : {}),
});
const without = (g: GraftGraph, edgeId: string) => void (g.edges = g.edges.filter((e) => e.id !== edgeId));
const params = (g: GraftGraph, id: string, p: Record<string, unknown>) => {
  const n = g.nodes.find((x) => x.id === id)!;
  n.params = { ...n.params, ...p };
};

export const MINIMAL_CASES: Array<[string, Change]> = [
  ['duplicate node id', (g) => void g.nodes.push(node('head', 'add-head'))],
  ['unknown node type', (g) => void g.nodes.push(node('x', 'quantum-layer'))],
  ['duplicate edge id', (g) => void g.edges.push({ ...g.edges[0]!, source: 'dataset', target: 'train' })],
  ['edge to a missing node', (g) => void g.edges.push(edge('ghost', 'data', 'train', 'data'))],
  ['edge from a missing node to a missing node', (g) => void g.edges.push(edge('ghost', 'data', 'phantom', 'data'))],
  ['edge into a missing node', (g) => void g.edges.push(edge('dataset', 'data', 'ghost', 'data'))],
  ['no such output', (g) => void g.edges.push(edge('dataset', 'pixels', 'train', 'data'))],
  ['no such input', (g) => void g.edges.push(edge('dataset', 'data', 'train', 'images'))],
  ['self link', (g) => void g.edges.push(edge('freeze', 'model', 'freeze', 'model'))],
  ['type mismatch', (g) => (without(g, 'dataset.data->train.data'), g.edges.push(edge('model', 'model', 'train', 'data')))],
  ['type mismatch into a classifier input', (g) => (without(g, 'head.classifier->train.classifier'), g.edges.push(edge('dataset', 'data', 'train', 'classifier')))],
  ['two links into one input', (g) => (g.nodes.push(node('dataset2', 'dataset')), g.edges.push(edge('dataset2', 'data', 'train', 'data')))],
  ['missing dataset input', (g) => without(g, 'dataset.data->train.data')],
  ['missing model input upstream', (g) => without(g, 'model.model->freeze.model')],
  ['a loop', (g) => (g.nodes.push(node('f1', 'freeze-layers'), node('f2', 'freeze-layers', {}, 'My freeze')), g.edges.push(edge('f1', 'model', 'f2', 'model'), edge('f2', 'model', 'f1', 'model')))],
  ['no trainer', (g) => (g.nodes = g.nodes.filter((n) => n.id !== 'train'), (g.edges = g.edges.filter((e) => e.source !== 'train' && e.target !== 'train')))],
  ['two trainers', (g) => void g.nodes.push(node('train2', 'train'))],
  ['no evaluate', (g) => ((g.nodes = g.nodes.filter((n) => n.id !== 'evaluate')), without(g, 'train.trained->evaluate.trained'))],
  ['two evaluates', (g) => (g.nodes.push(node('ev2', 'evaluate')), g.edges.push(edge('train', 'trained', 'ev2', 'trained')))],
  ['a stray node with bad params', (g) => void g.nodes.push(node('stray', 'add-head', { hiddenUnits: -3 }, '  '))],
  ['bad param in the pipeline', (g) => params(g, 'train', { learningRate: -1, epochs: 0 })],
  ['early stopping without validation', (g) => (params(g, 'train', { earlyStoppingPatience: 3 }), params(g, 'dataset', { validationSplit: 0 }))],
  ['empty graph', (g) => ((g.nodes = []), (g.edges = []))],
];

const dims = (...d: unknown[]) => d;
export const TUNE_CASES: Array<[string, unknown[]]> = [
  ['no dimensions', dims()],
  ['missing node', dims({ nodeId: 'nope', param: 'learningRate', values: [0.1] })],
  ['node not upstream', dims({ nodeId: 'evaluate', param: 'misclassifiedCount', values: [1] })],
  ['no such setting', dims({ nodeId: 'head', param: 'colour', values: [1] })],
  ['not tunable', dims({ nodeId: 'dataset', param: 'datasetId', values: ['a'] })],
  ['twice', dims({ nodeId: 'head', param: 'hiddenUnits', values: [8] }, { nodeId: 'head', param: 'hiddenUnits', values: [16] })],
  ['values and range', dims({ nodeId: 'head', param: 'hiddenUnits', values: [8], range: { min: 1, max: 9 } })],
  ['neither values nor range', dims({ nodeId: 'head', param: 'hiddenUnits' })],
  ['empty values', dims({ nodeId: 'head', param: 'hiddenUnits', values: [] })],
  ['bad numbers', dims({ nodeId: 'tune', param: 'learningRate', values: [5, -1, 0.1] })],
  ['bad whole number', dims({ nodeId: 'head', param: 'hiddenUnits', values: [2.5] })],
  ['bad enum', dims({ nodeId: 'tune', param: 'optimizer', values: ['adam', 'lion'] })],
  ['bad boolean', dims({ nodeId: 'augment', param: 'flipHorizontal', values: ['yes'] })],
  ['range on a choice', dims({ nodeId: 'tune', param: 'optimizer', range: { min: 0, max: 1 } })],
  ['range min >= max', dims({ nodeId: 'tune', param: 'learningRate', range: { min: 0.1, max: 0.1 } })],
  ['log range from 0', dims({ nodeId: 'head', param: 'dropout', range: { min: 0, max: 0.5, scale: 'log' } })],
  ['range outside the field', dims({ nodeId: 'head', param: 'dropout', range: { min: 0.1, max: 3 } })],
  ['integer range without a whole number', dims({ nodeId: 'tune', param: 'learningRate', range: { min: 0.1, max: 0.2, integer: true } })],
  ['good values and ranges', dims(
    { nodeId: 'tune', param: 'learningRate', range: { min: 0.0001, max: 0.1, scale: 'log' } },
    { nodeId: 'head', param: 'hiddenUnits', range: { min: 7.5, max: 64 } },
    { nodeId: 'head', param: 'dropout', range: { min: 0, max: 0.5, steps: 3 } },
    { nodeId: 'tune', param: 'optimizer', values: ['adam', 'sgd'] },
  )],
];

export function brokenMinimal(change: Change): GraftGraph {
  const g = minimalTemplate();
  change(g);
  return g;
}

export function brokenTune(dimensions: unknown[]): GraftGraph {
  return tuneGraph(dimensions);
}
