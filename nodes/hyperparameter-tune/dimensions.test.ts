import { describe, expect, it } from 'vitest';
import type { GraftGraph } from '../core/graph';
import { getNodeDefinition } from '../registry';
import { paramField } from '../core/params';
import {
  defaultDimension,
  dimensionGraphProblem,
  parseValuesText,
  promoteTrialToTrain,
  searchableNodes,
  upstreamNodeIds,
} from './dimensions';
import { expandDimension } from './search';

function pipeline(): GraftGraph {
  const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, params });
  const edge = (source: string, sourceHandle: string, target: string, targetHandle: string) => ({
    id: `${source}-${target}-${targetHandle}`,
    source,
    sourceHandle,
    target,
    targetHandle,
  });
  return {
    version: 1,
    name: 'test',
    nodes: [
      node('data', 'dataset', { datasetId: 'builtin:shapes-target' }),
      node('model', 'pretrained-model'),
      node('freeze', 'freeze-layers'),
      node('head', 'add-head', { hiddenUnits: 32 }),
      node('tune', 'hyperparameter-tune', { learningRate: 0.01, strategy: 'grid', dimensions: [] }),
      node('eval', 'evaluate'),
      node('loose', 'add-head'),
    ],
    edges: [
      edge('model', 'model', 'freeze', 'model'),
      edge('freeze', 'model', 'head', 'model'),
      edge('head', 'classifier', 'tune', 'classifier'),
      edge('data', 'data', 'tune', 'data'),
      edge('tune', 'trained', 'eval', 'trained'),
    ],
  };
}

describe('searchable nodes', () => {
  it('lists the tune node and its upstream nodes only', () => {
    const g = pipeline();
    expect(new Set(upstreamNodeIds(g, 'tune'))).toEqual(new Set(['head', 'data', 'freeze', 'model']));
    const ids = searchableNodes(g, 'tune').map((s) => s.node.id);
    expect(ids[0]).toBe('tune');
    expect(ids).toContain('head');
    expect(ids).not.toContain('eval');
    expect(ids).not.toContain('loose');
    const tuneFields = searchableNodes(g, 'tune')[0]!.fields.map((f) => f.key);
    expect(tuneFields).toContain('learningRate');
    expect(tuneFields).not.toContain('dimensions');
  });

  it('locates dimensions that do not fit the graph', () => {
    const g = pipeline();
    expect(dimensionGraphProblem(g, 'tune', { nodeId: 'head', param: 'hiddenUnits', values: [16, 32] })).toBeNull();
    expect(dimensionGraphProblem(g, 'tune', { nodeId: 'loose', param: 'hiddenUnits', values: [16] })).toMatch(/not connected/);
    expect(dimensionGraphProblem(g, 'tune', { nodeId: 'head', param: 'nope', values: [1] })).toMatch(/cannot be searched/);
    expect(
      dimensionGraphProblem(g, 'tune', { nodeId: 'head', param: 'activation', range: { min: 0, max: 1, scale: 'linear', steps: 2 } }),
    ).toMatch(/numeric/);
  });
});

describe('values text and defaults', () => {
  const tuneDef = getNodeDefinition('hyperparameter-tune')!;
  const headDef = getNodeDefinition('add-head')!;

  it('parses typed lists by field type', () => {
    expect(parseValuesText('0.001, 0.01 ,0.1', paramField(tuneDef, 'learningRate'))).toEqual({ values: [0.001, 0.01, 0.1], error: null });
    expect(parseValuesText('16, 2.5', paramField(headDef, 'hiddenUnits')).error).toMatch(/whole number/);
    expect(parseValuesText('adam, sgd', paramField(tuneDef, 'optimizer'))).toEqual({ values: ['adam', 'sgd'], error: null });
    expect(parseValuesText('adam, lion', paramField(tuneDef, 'optimizer')).error).toMatch(/not one of/);
    expect(parseValuesText('', paramField(tuneDef, 'optimizer')).error).toMatch(/at least one/);
    expect(parseValuesText('abc', paramField(tuneDef, 'learningRate')).error).toMatch(/not a number/);
  });

  it('proposes valid default dimensions around the current value', () => {
    const lr = defaultDimension('tune', paramField(tuneDef, 'learningRate')!, 0.001);
    expect(lr.range).toMatchObject({ scale: 'log', min: 0.0001, max: 0.01 });
    expect(expandDimension(lr)).toContain(0.001);
    const units = defaultDimension('head', paramField(headDef, 'hiddenUnits')!, 64);
    expect(units.values).toEqual([32, 64, 128]);
    const opt = defaultDimension('tune', paramField(tuneDef, 'optimizer')!, 'adam');
    expect(opt.values).toEqual(['adam', 'sgd', 'rmsprop']);
    const dropout = defaultDimension('head', paramField(headDef, 'dropout')!, 0.2);
    expect(expandDimension(dropout).length).toBe(3);
  });
});

describe('promoteTrialToTrain', () => {
  it('turns the tune node into a Train node and writes upstream values', () => {
    const g = pipeline();
    const next = promoteTrialToTrain(g, 'tune', { 'tune.learningRate': 0.003, 'tune.optimizer': 'sgd', 'head.hiddenUnits': 128 });
    const train = next.nodes.find((n) => n.id === 'tune')!;
    expect(train.type).toBe('train');
    expect(train.params).toEqual({ learningRate: 0.003, optimizer: 'sgd' });
    expect(next.nodes.find((n) => n.id === 'head')!.params).toEqual({ hiddenUnits: 128 });
    // Wiring unchanged; the original graph untouched (undo keeps it).
    expect(next.edges).toEqual(g.edges);
    expect(g.nodes.find((n) => n.id === 'tune')!.type).toBe('hyperparameter-tune');
  });
});
