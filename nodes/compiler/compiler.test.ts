import { describe, expect, it } from 'vitest';
import { compileGraph, checkConnection, withParamOverrides, type CompileResult } from './index';
import { minimalTemplate, pipelineTemplate } from '../templates';
import { GRAPH_VERSION, type GraftGraph } from '../core/graph';
import type { GraphError } from '../core/types';
import { byId, tuneGraph } from './testGraphs';

function errorsOf(r: CompileResult): GraphError[] {
  expect(r.ok).toBe(false);
  return r.errors;
}

function clone(g: GraftGraph): GraftGraph {
  return structuredClone(g);
}

describe('templates compile', () => {
  it('pipeline template → full plan with augmentation and evaluation', () => {
    const r = compileGraph(pipelineTemplate());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    if (!r.ok) throw new Error('expected ok');
    const p = r.plan;
    expect(p.dataset).toMatchObject({ datasetId: 'builtin:shapes-target', testSplit: 0.2, splitSeed: 42, maxImagesPerClass: 0 });
    expect(p.dataset.augment).toMatchObject({ flipHorizontal: true, flipVertical: false, noise: 0, cachedViews: 4 });
    expect(p.classifier.model).toMatchObject({
      source: { kind: 'catalog', id: 'graft-shapes-cnn' },
      truncateAt: '',
      inputScaling: 'auto',
      weights: 'pretrained',
      freeze: { mode: 'all' },
    });
    expect(p.classifier.head).toEqual({ pooling: 'gap', hiddenLayers: 1, hiddenUnits: 64, activation: 'relu', dropout: 0.2, standardize: true, outputInit: 'zeros' });
    expect(p.train).toEqual({
      optimizer: 'adam',
      learningRate: 0.001,
      momentum: 0.9,
      batchSize: 16,
      epochs: 50,
      validationSplit: 0.15, // from the Dataset node
      earlyStoppingPatience: 10,
      seed: 1,
      backend: 'auto',
      featureCache: 'auto',
    });
    expect(p.tune).toBeNull();
    expect(p.evaluate).toEqual({ misclassifiedCount: 8 });
    expect(p.nodeIds).toEqual({
      dataset: 'dataset',
      augment: 'augment',
      model: 'model',
      freeze: 'freeze',
      head: 'head',
      train: 'train',
      evaluate: 'evaluate',
    });
    expect(p.graph.nodes).toHaveLength(7);
  });

  it('minimal template → plan without augmentation', () => {
    const r = compileGraph(minimalTemplate());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.dataset.augment).toBeNull();
    expect(r.plan.nodeIds.augment).toBeUndefined();
    expect(r.plan.nodeIds.freeze).toBe('freeze');
  });

  it('plan follows params (and fills defaults for missing ones)', () => {
    const g = withParamOverrides(pipelineTemplate(), [
      { nodeId: 'model', param: 'source', value: 'url' },
      { nodeId: 'model', param: 'url', value: ' https://example.org/net/model.json ' },
      { nodeId: 'freeze', param: 'mode', value: 'firstN' },
      { nodeId: 'freeze', param: 'count', value: 12 },
      { nodeId: 'head', param: 'dropout', value: 0.5 },
      { nodeId: 'train', param: 'optimizer', value: 'sgd' },
      { nodeId: 'train', param: 'learningRate', value: '0.01' },
    ]);
    byId(g, 'dataset').params = { datasetId: 'dir:flower_photos' };
    const r = compileGraph(g);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.classifier.model.source).toEqual({ kind: 'url', url: 'https://example.org/net/model.json' });
    expect(r.plan.classifier.model.freeze).toEqual({ mode: 'firstN', count: 12 });
    expect(r.plan.classifier.head.dropout).toBe(0.5);
    expect(r.plan.train.optimizer).toBe('sgd');
    expect(r.plan.train.learningRate).toBe(0.01);
    expect(r.plan.dataset).toMatchObject({ datasetId: 'dir:flower_photos', testSplit: 0.2, splitSeed: 42 });
  });

  it('no Freeze Layers node → the whole trunk trains; no Evaluate → warning, evaluate null', () => {
    const g = minimalTemplate();
    g.nodes = g.nodes.filter((n) => n.id !== 'freeze' && n.id !== 'evaluate');
    g.edges = g.edges.filter((e) => e.source !== 'freeze' && e.target !== 'freeze' && e.target !== 'evaluate');
    g.edges.push({ id: 'm-h', source: 'model', sourceHandle: 'model', target: 'head', targetHandle: 'model' });
    const r = compileGraph(g);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.classifier.model.freeze).toEqual({ mode: 'none' });
    expect(r.plan.evaluate).toBeNull();
    expect(r.warnings).toEqual([expect.objectContaining({ nodeId: 'train', message: expect.stringMatching(/Evaluate/) })]);
  });

  it('withParamOverrides does not mutate its input', () => {
    const g = pipelineTemplate();
    const before = JSON.stringify(g);
    const h = withParamOverrides(g, [{ nodeId: 'head', param: 'hiddenUnits', value: 7 }]);
    expect(JSON.stringify(g)).toBe(before);
    expect(byId(h, 'head').params.hiddenUnits).toBe(7);
  });
});

describe('located errors', () => {
  it('invalid file shape → graph-level error', () => {
    for (const bad of [null, 42, 'x', [], {}, { version: 1, nodes: 'no', edges: [] }, { version: GRAPH_VERSION + 1, nodes: [], edges: [] }]) {
      const errs = errorsOf(compileGraph(bad));
      expect(errs).toHaveLength(1);
      expect(errs[0]!.nodeId).toBeNull();
      expect(errs[0]!.message).toMatch(/Not a valid Graft graph/);
    }
  });

  it('empty graph → one graph-level error', () => {
    const errs = errorsOf(compileGraph({ version: 1, nodes: [], edges: [] }));
    expect(errs).toEqual([{ nodeId: null, message: expect.stringMatching(/empty/) }]);
  });

  it('unknown node type at that node', () => {
    const g = pipelineTemplate();
    g.nodes.push({ id: 'weird', type: 'quantum-layer', position: { x: 0, y: 0 }, params: {} });
    const errs = errorsOf(compileGraph(g));
    expect(errs).toEqual([expect.objectContaining({ nodeId: 'weird', message: expect.stringMatching(/Unknown node type "quantum-layer"/) })]);
  });

  it('duplicate node ids', () => {
    const g = pipelineTemplate();
    g.nodes.push({ ...byId(g, 'head') });
    expect(errorsOf(compileGraph(g))).toContainEqual(expect.objectContaining({ nodeId: 'head', message: expect.stringMatching(/share the id/) }));
  });

  it('edge to a missing node / missing port', () => {
    const g = pipelineTemplate();
    g.edges.push({ id: 'ghost', source: 'nowhere', sourceHandle: 'data', target: 'train', targetHandle: 'data' });
    g.edges.push({ id: 'badport', source: 'head', sourceHandle: 'nope', target: 'evaluate', targetHandle: 'trained' });
    g.edges.push({ id: 'badin', source: 'dataset', sourceHandle: 'data', target: 'freeze', targetHandle: 'images' });
    const errs = errorsOf(compileGraph(g));
    expect(errs).toContainEqual(expect.objectContaining({ edgeId: 'ghost', nodeId: 'train', message: expect.stringMatching(/does not exist/) }));
    expect(errs).toContainEqual(expect.objectContaining({ edgeId: 'badport', nodeId: 'head', port: 'nope' }));
    expect(errs).toContainEqual(expect.objectContaining({ edgeId: 'badin', nodeId: 'freeze', port: 'images' }));
  });

  it('type-mismatched edge located on the target port', () => {
    const g = minimalTemplate();
    g.edges = g.edges.filter((e) => e.target !== 'train' || e.targetHandle !== 'data');
    g.edges.push({ id: 'wrong', source: 'model', sourceHandle: 'model', target: 'train', targetHandle: 'data' });
    const errs = errorsOf(compileGraph(g));
    expect(errs).toContainEqual({
      nodeId: 'train',
      port: 'data',
      edgeId: 'wrong',
      message: expect.stringMatching(/^A model output can't feed a dataset input/),
    });
  });

  it('two edges into one input', () => {
    const g = pipelineTemplate();
    g.edges.push({ id: 'second', source: 'dataset', sourceHandle: 'data', target: 'train', targetHandle: 'data' });
    const errs = errorsOf(compileGraph(g));
    expect(errs).toEqual([expect.objectContaining({ nodeId: 'train', port: 'data', edgeId: 'second', message: expect.stringMatching(/already has a link/) })]);
  });

  it('cycle: every node on the cycle is reported', () => {
    // model → freeze → freeze2 → freeze (cycle of freeze, freeze2); head hangs off the cycle.
    const g = pipelineTemplate();
    g.nodes.push({ id: 'freeze2', type: 'freeze-layers', position: { x: 0, y: 0 }, params: {} });
    g.nodes.push({ id: 'freeze3', type: 'freeze-layers', position: { x: 0, y: 0 }, params: {} });
    g.edges = g.edges.filter((e) => !(e.source === 'model' && e.target === 'freeze'));
    g.edges.push({ id: 'c1', source: 'freeze', sourceHandle: 'model', target: 'freeze2', targetHandle: 'model' });
    g.edges.push({ id: 'c2', source: 'freeze2', sourceHandle: 'model', target: 'freeze3', targetHandle: 'model' });
    g.edges.push({ id: 'c3', source: 'freeze3', sourceHandle: 'model', target: 'freeze', targetHandle: 'model' });
    const errs = errorsOf(compileGraph(g));
    const cycleNodes = errs.filter((e) => /loop/.test(e.message)).map((e) => e.nodeId).sort();
    expect(cycleNodes).toEqual(['freeze', 'freeze2', 'freeze3']);
  });

  it('self-loop edge', () => {
    const g = pipelineTemplate();
    g.edges.push({ id: 'self', source: 'freeze', sourceHandle: 'model', target: 'freeze', targetHandle: 'model' });
    expect(errorsOf(compileGraph(g))).toContainEqual(expect.objectContaining({ nodeId: 'freeze', edgeId: 'self', message: expect.stringMatching(/itself/) }));
  });

  it('missing required inputs, with what to connect', () => {
    const g = pipelineTemplate();
    g.edges = g.edges.filter((e) => e.source !== 'head');
    expect(errorsOf(compileGraph(g))).toEqual([
      { nodeId: 'train', port: 'classifier', message: 'Train needs a Classifier input — connect Add Head.' },
    ]);
    const h = pipelineTemplate();
    h.edges = h.edges.filter((e) => e.source !== 'model');
    expect(errorsOf(compileGraph(h))).toEqual([
      { nodeId: 'freeze', port: 'model', message: 'Freeze Layers needs a Model input — connect Pretrained Model or Freeze Layers.' },
    ]);
  });

  it('bad params located with param, friendly messages', () => {
    const g = withParamOverrides(pipelineTemplate(), [
      { nodeId: 'train', param: 'learningRate', value: 5 },
      { nodeId: 'train', param: 'batchSize', value: 2.5 },
      { nodeId: 'head', param: 'activation', value: 'swish' },
      { nodeId: 'dataset', param: 'testSplit', value: 'lots' },
    ]);
    const errs = errorsOf(compileGraph(g));
    expect(errs).toContainEqual({ nodeId: 'train', param: 'learningRate', message: 'Learning rate must be a number between 1e-6 and 1.' });
    expect(errs).toContainEqual({ nodeId: 'train', param: 'batchSize', message: 'Batch size must be a whole number between 1 and 512.' });
    expect(errs).toContainEqual({ nodeId: 'head', param: 'activation', message: 'Activation must be one of: relu, elu, tanh, sigmoid, selu.' });
    expect(errs).toContainEqual({ nodeId: 'dataset', param: 'testSplit', message: 'Test split must be a number between 0.05 and 0.5.' });
    expect(errs).toHaveLength(4);
  });

  it('pretrained model source rules', () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ source: 'url', url: '' }, 'url', /Enter the URL/],
      [{ source: 'url', url: 'not a url' }, 'url', /not a valid URL/],
      [{ source: 'url', url: 'ftp://x.org/model.json' }, 'url', /http/],
      [{ source: 'url', url: 'https://x.org/model.bin' }, 'url', /model\.json/],
      [{ source: 'upload', uploadId: '' }, 'uploadId', /Upload a model/],
      [{ source: 'catalog', catalogId: ' ' }, 'catalogId', /Choose a model/],
    ];
    for (const [params, param, message] of cases) {
      const g = pipelineTemplate();
      byId(g, 'model').params = params;
      expect(errorsOf(compileGraph(g))).toEqual([{ nodeId: 'model', param, message: expect.stringMatching(message) }]);
    }
    const ok = pipelineTemplate();
    byId(ok, 'model').params = { source: 'url', url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json' };
    expect(compileGraph(ok).ok).toBe(true);
    byId(ok, 'model').params = { source: 'url', url: '/api/models/x/model.json' };
    expect(compileGraph(ok).ok).toBe(true);
  });

  it('freeze upTo needs a layer; dataset id must be well-formed', () => {
    const g = pipelineTemplate();
    byId(g, 'freeze').params = { mode: 'upTo', upToLayer: '' };
    byId(g, 'dataset').params = { datasetId: 'flowers' };
    const errs = errorsOf(compileGraph(g));
    expect(errs).toContainEqual({ nodeId: 'freeze', param: 'upToLayer', message: expect.stringMatching(/last layer to freeze/) });
    expect(errs).toContainEqual({ nodeId: 'dataset', param: 'datasetId', message: expect.stringMatching(/Unknown dataset "flowers"/) });
  });

  it('early stopping without validation split (set on the Dataset node)', () => {
    const g = withParamOverrides(pipelineTemplate(), [
      { nodeId: 'train', param: 'earlyStoppingPatience', value: 3 },
      { nodeId: 'dataset', param: 'validationSplit', value: 0 },
    ]);
    expect(errorsOf(compileGraph(g))).toEqual([{ nodeId: 'train', param: 'earlyStoppingPatience', message: expect.stringMatching(/validation split/) }]);
  });

  it('zero trainers → graph-level error; two → error on each', () => {
    const g = pipelineTemplate();
    g.nodes = g.nodes.filter((n) => n.id !== 'train');
    g.edges = g.edges.filter((e) => e.source !== 'train' && e.target !== 'train');
    const errs = errorsOf(compileGraph(g));
    expect(errs).toContainEqual({ nodeId: null, message: expect.stringMatching(/add a Train \(or Hyperparameter Tune\) node/) });
    // evaluate has no input: reported too, since there is no pipeline to judge "connected" by.
    expect(errs).toContainEqual(expect.objectContaining({ nodeId: 'evaluate', port: 'trained' }));

    const two = pipelineTemplate();
    two.nodes.push({ id: 'train2', type: 'train', position: { x: 0, y: 0 }, params: {} });
    two.nodes.push({ id: 'tune', type: 'hyperparameter-tune', position: { x: 0, y: 0 }, params: {} });
    const errs2 = errorsOf(compileGraph(two)).filter((e) => /exactly one Train/.test(e.message));
    expect(errs2.map((e) => e.nodeId).sort()).toEqual(['train', 'train2', 'tune']);
  });

  it('nodes not connected to the pipeline → warnings (their own problems too), plan still builds', () => {
    const g = pipelineTemplate();
    g.nodes.push({ id: 'stray-head', type: 'add-head', position: { x: 0, y: 0 }, params: { dropout: 3 } });
    g.nodes.push({ id: 'stray-data', type: 'dataset', position: { x: 0, y: 0 }, params: {} });
    const r = compileGraph(g);
    expect(r.ok).toBe(true);
    const ids = r.warnings.map((w) => w.nodeId);
    expect(ids).toContain('stray-head');
    expect(ids).toContain('stray-data');
    expect(r.warnings).toContainEqual(expect.objectContaining({ nodeId: 'stray-head', param: 'dropout' }));
    expect(r.warnings).toContainEqual(expect.objectContaining({ nodeId: 'stray-head', port: 'model' }));
  });

  it('two Freeze Layers in a chain / two Augment Data in a chain → error at the second', () => {
    const g = pipelineTemplate();
    g.nodes.push({ id: 'freeze2', type: 'freeze-layers', position: { x: 0, y: 0 }, params: {} });
    g.edges = g.edges.filter((e) => !(e.source === 'freeze' && e.target === 'head'));
    g.edges.push({ id: 'f-f2', source: 'freeze', sourceHandle: 'model', target: 'freeze2', targetHandle: 'model' });
    g.edges.push({ id: 'f2-h', source: 'freeze2', sourceHandle: 'model', target: 'head', targetHandle: 'model' });
    expect(errorsOf(compileGraph(g))).toEqual([expect.objectContaining({ nodeId: 'freeze2', port: 'model', message: expect.stringMatching(/already frozen/) })]);
  });

  it('two Evaluate nodes → error on the extra one', () => {
    const g = pipelineTemplate();
    g.nodes.push({ id: 'evaluate2', type: 'evaluate', position: { x: 0, y: 0 }, params: {} });
    g.edges.push({ id: 'e2', source: 'train', sourceHandle: 'trained', target: 'evaluate2', targetHandle: 'trained' });
    expect(errorsOf(compileGraph(g))).toEqual([expect.objectContaining({ nodeId: 'evaluate2' })]);
  });
});

describe('hyperparameter tune', () => {
  it('valid dimensions compile into the tune plan (integer ranges normalised)', () => {
    const g = tuneGraph(
      [
        { nodeId: 'tune', param: 'learningRate', range: { min: 1e-4, max: 1e-2, scale: 'log', steps: 3 } },
        { nodeId: 'head', param: 'hiddenUnits', range: { min: 16, max: 128, scale: 'log', steps: 4 } },
        { nodeId: 'head', param: 'dropout', values: [0, 0.25, 0.5] },
        { nodeId: 'freeze', param: 'count', values: [0, 10] },
        { nodeId: 'augment', param: 'rotation', range: { min: 0, max: 0.5, scale: 'linear', steps: 3 } },
        { nodeId: 'head', param: 'activation', values: ['relu', 'tanh'] },
        { nodeId: 'tune', param: 'batchSize', values: [8, 32] },
        { nodeId: 'augment', param: 'flipVertical', values: [true, false] },
      ],
      { strategy: 'halving', maxTrials: 12, metric: 'val_loss', tuneSeed: 5 },
    );
    const r = compileGraph(g);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.tune).toMatchObject({ strategy: 'halving', maxTrials: 12, maxMinutes: 10, seed: 5, metric: 'val_loss' });
    expect(r.plan.tune!.dimensions).toHaveLength(8);
    expect(r.plan.tune!.dimensions[1]).toEqual({ nodeId: 'head', param: 'hiddenUnits', range: { min: 16, max: 128, scale: 'log', steps: 4, integer: true } });
    expect(r.plan.tune!.dimensions[0]!.range!.integer).toBeUndefined();
    expect(r.plan.nodeIds.train).toBe('tune');
  });

  it('no dimensions → error on the dimensions param', () => {
    expect(errorsOf(compileGraph(tuneGraph([])))).toEqual([
      expect.objectContaining({ nodeId: 'tune', param: 'dimensions', message: expect.stringMatching(/at least one/) }),
    ]);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['missing node', { nodeId: 'ghost', param: 'dropout', values: [0.1] }, /does not exist/],
    ['not upstream', { nodeId: 'evaluate', param: 'misclassifiedCount', values: [1, 2] }, /not upstream/],
    ['unknown param', { nodeId: 'head', param: 'units', values: [1] }, /no setting "units"/],
    ['string param', { nodeId: 'model', param: 'catalogId', values: ['a'] }, /can't be tuned/],
    ['test split is not tunable', { nodeId: 'dataset', param: 'testSplit', values: [0.1, 0.2] }, /can't be tuned/],
    ['value out of range', { nodeId: 'head', param: 'dropout', values: [0.1, 2] }, /2 is not valid for "Dropout".*between 0 and 0.9/],
    ['bad enum value', { nodeId: 'head', param: 'activation', values: ['relu', 'swish'] }, /"swish" is not valid.*one of relu/],
    ['non-integer for integer param', { nodeId: 'head', param: 'hiddenUnits', values: [3.5] }, /whole numbers/],
    ['empty values', { nodeId: 'head', param: 'dropout', values: [] }, /empty/],
    ['both values and range', { nodeId: 'head', param: 'dropout', values: [0.1], range: { min: 0, max: 0.5, scale: 'linear', steps: 2 } }, /either/],
    ['neither', { nodeId: 'head', param: 'dropout' }, /either/],
    ['min >= max', { nodeId: 'head', param: 'dropout', range: { min: 0.5, max: 0.5, scale: 'linear', steps: 2 } }, /min < max/],
    ['log range from 0', { nodeId: 'head', param: 'dropout', range: { min: 0, max: 0.5, scale: 'log', steps: 2 } }, /min > 0/],
    ['range outside bounds', { nodeId: 'tune', param: 'learningRate', range: { min: 1e-3, max: 3, scale: 'log', steps: 2 } }, /within/],
    ['range on enum', { nodeId: 'head', param: 'activation', range: { min: 0, max: 1, scale: 'linear', steps: 2 } }, /choice/],
  ];
  for (const [name, dim, message] of bad) {
    it(`rejects: ${name}`, () => {
      const errs = errorsOf(compileGraph(tuneGraph([{ nodeId: 'tune', param: 'epochs', values: [5, 10] }, dim])));
      expect(errs).toEqual([{ nodeId: 'tune', param: 'dimensions', message: expect.stringMatching(message) }]);
      expect(errs[0]!.message).toMatch(/^Search setting #2:/);
    });
  }

  it('duplicate dimension and validation split 0 are rejected', () => {
    const dup = tuneGraph([
      { nodeId: 'head', param: 'dropout', values: [0.1] },
      { nodeId: 'head', param: 'dropout', values: [0.2] },
    ]);
    expect(errorsOf(compileGraph(dup))).toEqual([expect.objectContaining({ message: expect.stringMatching(/already in the search space/) })]);
    const noVal = tuneGraph([{ nodeId: 'head', param: 'dropout', values: [0.1] }]);
    byId(noVal, 'dataset').params.validationSplit = 0;
    byId(noVal, 'tune').params.earlyStoppingPatience = 0; // early stopping has its own validation-split error
    expect(errorsOf(compileGraph(noVal))).toEqual([expect.objectContaining({ nodeId: 'tune', message: expect.stringMatching(/validation split: set it above 0 on the Dataset node/) })]);
  });

  it('malformed dimensions array is a param error, not a crash', () => {
    const g = tuneGraph([{ nodeId: 3, values: 'x' }]);
    expect(errorsOf(compileGraph(g))).toEqual([expect.objectContaining({ nodeId: 'tune', param: 'dimensions' })]);
  });
});

describe('checkConnection', () => {
  const g = pipelineTemplate();
  const bare = (): GraftGraph => {
    const h = clone(g);
    h.edges = [];
    return h;
  };

  it('accepts a valid connection', () => {
    expect(checkConnection(bare(), { source: 'dataset', sourceHandle: 'data', target: 'train', targetHandle: 'data' })).toBeNull();
    // null handles = the node's only handle
    expect(checkConnection(bare(), { source: 'model', sourceHandle: null, target: 'freeze', targetHandle: null })).toBeNull();
  });

  it('explains incompatible port types', () => {
    expect(checkConnection(bare(), { source: 'model', sourceHandle: 'model', target: 'train', targetHandle: 'data' })).toMatch(
      /^A model output can't feed a dataset input/,
    );
    expect(checkConnection(bare(), { source: 'train', sourceHandle: 'trained', target: 'head', targetHandle: 'model' })).toMatch(
      /^A trained model output can't feed a model input/,
    );
  });

  it('refuses self-connections', () => {
    expect(checkConnection(bare(), { source: 'freeze', sourceHandle: 'model', target: 'freeze', targetHandle: 'model' })).toMatch(/itself/);
  });

  it('refuses cycles', () => {
    const h = bare();
    h.nodes.push({ id: 'freeze2', type: 'freeze-layers', position: { x: 0, y: 0 }, params: {} });
    h.edges.push({ id: 'a', source: 'freeze', sourceHandle: 'model', target: 'freeze2', targetHandle: 'model' });
    expect(checkConnection(h, { source: 'freeze2', sourceHandle: 'model', target: 'freeze', targetHandle: 'model' })).toMatch(/loop/);
  });

  it('refuses a second link into an input', () => {
    expect(checkConnection(g, { source: 'dataset', sourceHandle: 'data', target: 'train', targetHandle: 'data' })).toMatch(/already connected/);
    expect(checkConnection(g, { source: 'augment', sourceHandle: 'data', target: 'train', targetHandle: 'data' })).toMatch(/already connected/);
  });

  it('unknown nodes and handles', () => {
    expect(checkConnection(g, { source: 'ghost', sourceHandle: 'data', target: 'train', targetHandle: 'data' })).toMatch(/no longer exists/);
    expect(checkConnection(bare(), { source: 'dataset', sourceHandle: 'pixels', target: 'train', targetHandle: 'data' })).toMatch(/no such output/);
    expect(checkConnection(bare(), { source: 'dataset', sourceHandle: 'data', target: 'train', targetHandle: 'extra' })).toMatch(/no such input/);
    expect(checkConnection(bare(), { source: 'dataset', sourceHandle: 'data', target: 'train', targetHandle: null })).toMatch(/no such input/);
    expect(checkConnection(bare(), { source: 'evaluate', sourceHandle: null, target: 'train', targetHandle: 'data' })).toMatch(/no outputs/);
  });
});
