/**
 * Every compile error and warning a user can meet, word for word and located (node, port, param, link): the editor
 * shows these texts on the nodes, so a changed word, a lost location or a missing error is a regression. Broken
 * graphs: messages.cases.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkConnection, compileGraph, withParamOverrides } from './index';
import { minimalTemplate } from '../templates';
import type { GraftGraph } from '../core/graph';
import { MINIMAL_CASES, TUNE_CASES, brokenMinimal, brokenTune } from './messages.cases';

const EXPECTED: Record<string, { ok: boolean; errors?: unknown[]; warnings?: unknown[]; dimensions?: unknown[] }> = {
  "duplicate node id": {
    ok: false,
    errors: [
      {"nodeId": "head", "message": "Two nodes share the id \"head\"; every node needs its own id."},
    ],
    warnings: [],
  },
  "unknown node type": {
    ok: false,
    errors: [
      {"nodeId": "x", "message": "Unknown node type \"quantum-layer\". It may come from a newer Graft; delete it or replace it."},
    ],
    warnings: [],
  },
  "duplicate edge id": {
    ok: false,
    errors: [
      {"nodeId": "train", "edgeId": "dataset.data->train.data", "message": "Two links share the id \"dataset.data->train.data\"."},
    ],
    warnings: [],
  },
  "edge to a missing node": {
    ok: false,
    errors: [
      {"edgeId": "ghost.data->train.data", "nodeId": "train", "message": "A link points to a node that does not exist (\"ghost\"). Delete the link."},
    ],
    warnings: [],
  },
  "edge from a missing node to a missing node": {
    ok: false,
    errors: [
      {"edgeId": "ghost.data->phantom.data", "nodeId": null, "message": "A link points to a node that does not exist (\"ghost\"). Delete the link."},
    ],
    warnings: [],
  },
  "edge into a missing node": {
    ok: false,
    errors: [
      {"edgeId": "dataset.data->ghost.data", "nodeId": "dataset", "message": "A link points to a node that does not exist (\"ghost\"). Delete the link."},
    ],
    warnings: [],
  },
  "no such output": {
    ok: false,
    errors: [
      {"edgeId": "dataset.pixels->train.data", "nodeId": "dataset", "port": "pixels", "message": "Dataset has no output \"pixels\". Delete the link."},
    ],
    warnings: [],
  },
  "no such input": {
    ok: false,
    errors: [
      {"edgeId": "dataset.data->train.images", "nodeId": "train", "port": "images", "message": "Train has no input \"images\". Delete the link."},
    ],
    warnings: [],
  },
  "self link": {
    ok: false,
    errors: [
      {"edgeId": "freeze.model->freeze.model", "nodeId": "freeze", "port": "model", "message": "Freeze Layers is linked to itself. Delete the link."},
    ],
    warnings: [],
  },
  "type mismatch": {
    ok: false,
    errors: [
      {"edgeId": "model.model->train.data", "nodeId": "train", "port": "data", "message": "A model output can't feed a dataset input: Train's Data input takes labelled images, from Dataset or Augment Data."},
      {"nodeId": "train", "port": "data", "message": "Train needs a Data input — connect Dataset or Augment Data."},
    ],
    warnings: [
      {"nodeId": "dataset", "message": "Dataset is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "type mismatch into a classifier input": {
    ok: false,
    errors: [
      {"edgeId": "dataset.data->train.classifier", "nodeId": "train", "port": "classifier", "message": "A dataset output can't feed a classifier input: Train's Classifier input takes a trunk with a classification head, ready to train, from Add Head."},
      {"nodeId": "train", "port": "classifier", "message": "Train needs a Classifier input — connect Add Head."},
    ],
    warnings: [
      {"nodeId": "model", "message": "Pretrained Model is not connected to the pipeline, so it is ignored when running."},
      {"nodeId": "freeze", "message": "Freeze Layers is not connected to the pipeline, so it is ignored when running."},
      {"nodeId": "head", "message": "Add Head is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "two links into one input": {
    ok: false,
    errors: [
      {"nodeId": "train", "port": "data", "edgeId": "dataset2.data->train.data", "message": "Train's Data input already has a link; an input takes only one. Remove one of them."},
    ],
    warnings: [
      {"nodeId": "dataset2", "message": "Dataset is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "missing dataset input": {
    ok: false,
    errors: [
      {"nodeId": "train", "port": "data", "message": "Train needs a Data input — connect Dataset or Augment Data."},
    ],
    warnings: [
      {"nodeId": "dataset", "message": "Dataset is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "missing model input upstream": {
    ok: false,
    errors: [
      {"nodeId": "freeze", "port": "model", "message": "Freeze Layers needs a Model input — connect Pretrained Model or Freeze Layers."},
    ],
    warnings: [
      {"nodeId": "model", "message": "Pretrained Model is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "a loop": {
    ok: false,
    errors: [
      {"nodeId": "f2", "message": "My freeze is part of a loop; data must flow one way. Remove a link in the loop."},
      {"nodeId": "f1", "message": "Freeze Layers is part of a loop; data must flow one way. Remove a link in the loop."},
    ],
    warnings: [
      {"nodeId": "f1", "message": "Freeze Layers is not connected to the pipeline, so it is ignored when running."},
      {"nodeId": "f2", "message": "My freeze is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "no trainer": {
    ok: false,
    errors: [
      {"nodeId": "evaluate", "port": "trained", "message": "Evaluate needs a Trained model input — connect Train or Hyperparameter Tune."},
      {"nodeId": null, "message": "Nothing to run: add a Train (or Hyperparameter Tune) node and connect a Dataset and an Add Head classifier to it."},
    ],
    warnings: [],
  },
  "two trainers": {
    ok: false,
    errors: [
      {"nodeId": "train2", "port": "data", "message": "Train needs a Data input — connect Dataset or Augment Data."},
      {"nodeId": "train2", "port": "classifier", "message": "Train needs a Classifier input — connect Add Head."},
      {"nodeId": "train", "message": "A pipeline has exactly one Train or Hyperparameter Tune node; this graph has 2. Delete the extra ones."},
      {"nodeId": "train2", "message": "A pipeline has exactly one Train or Hyperparameter Tune node; this graph has 2. Delete the extra ones."},
    ],
    warnings: [],
  },
  "no evaluate": {
    ok: true,
    errors: [],
    warnings: [
      {"nodeId": "train", "port": "trained", "message": "Connect an Evaluate node to measure accuracy on the held-out test images."},
    ],
  },
  "two evaluates": {
    ok: false,
    errors: [
      {"nodeId": "ev2", "message": "Only one Evaluate node can be connected to the trained model; delete the extra one."},
    ],
    warnings: [],
  },
  "a stray node with bad params": {
    ok: true,
    errors: [],
    warnings: [
      {"nodeId": "stray", "param": "hiddenUnits", "message": "Hidden units must be a whole number between 1 and 2048."},
      {"nodeId": "stray", "port": "model", "message": "Add Head needs a Trunk input — connect Pretrained Model or Freeze Layers."},
      {"nodeId": "stray", "message": "Add Head is not connected to the pipeline, so it is ignored when running."},
    ],
  },
  "bad param in the pipeline": {
    ok: false,
    errors: [
      {"nodeId": "train", "param": "learningRate", "message": "Learning rate must be a number between 1e-6 and 1."},
      {"nodeId": "train", "param": "epochs", "message": "Epochs must be a whole number between 1 and 500."},
    ],
    warnings: [],
  },
  "early stopping without validation": {
    ok: false,
    errors: [
      {"nodeId": "train", "param": "earlyStoppingPatience", "message": "Early stopping watches the validation loss: set a validation split above 0 on the Dataset node (or patience to 0)."},
    ],
    warnings: [],
  },
  "empty graph": {
    ok: false,
    errors: [
      {"nodeId": null, "message": "The graph is empty. Start from a template, or add Dataset, Pretrained Model, Add Head and Train nodes and connect them."},
    ],
    warnings: [],
  },
  "tune: no dimensions": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Choose at least one setting to search over (e.g. the learning rate or the head's hidden units)."},
    ],
    warnings: [],
  },
  "tune: missing node": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: node \"nope\" does not exist."},
    ],
    warnings: [],
  },
  "tune: node not upstream": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: Evaluate is not upstream of this Hyperparameter Tune node, so changing it would not affect training."},
    ],
    warnings: [],
  },
  "tune: no such setting": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: Add Head has no setting \"colour\"."},
    ],
    warnings: [],
  },
  "tune: not tunable": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: Dataset's \"Dataset\" can't be tuned."},
    ],
    warnings: [],
  },
  "tune: twice": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #2: Add Head's \"Hidden units\" is already in the search space."},
    ],
    warnings: [],
  },
  "tune: values and range": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: give either a list of values or a range for Add Head's \"Hidden units\"."},
    ],
    warnings: [],
  },
  "tune: neither values nor range": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: give either a list of values or a range for Add Head's \"Hidden units\"."},
    ],
    warnings: [],
  },
  "tune: empty values": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: the list of values for \"Hidden units\" is empty."},
    ],
    warnings: [],
  },
  "tune: bad numbers": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: 5, -1 are not valid for \"Learning rate\" (expected numbers between 0.000001 and 1)."},
    ],
    warnings: [],
  },
  "tune: bad whole number": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: 2.5 is not valid for \"Hidden units\" (expected whole numbers between 1 and 2048)."},
    ],
    warnings: [],
  },
  "tune: bad enum": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: \"lion\" is not valid for \"Optimizer\" (expected one of adam, sgd, rmsprop)."},
    ],
    warnings: [],
  },
  "tune: bad boolean": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: \"yes\" is not valid for \"Flip left–right\" (expected true or false)."},
    ],
    warnings: [],
  },
  "tune: range on a choice": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: \"Optimizer\" is a choice, not a number: list the values instead of a range."},
    ],
    warnings: [],
  },
  "tune: range min >= max": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: the range for \"Learning rate\" needs min < max."},
    ],
    warnings: [],
  },
  "tune: log range from 0": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: a log-scale range for \"Dropout\" needs min > 0."},
    ],
    warnings: [],
  },
  "tune: range outside the field": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: the range for \"Dropout\" must stay within 0…0.9."},
    ],
    warnings: [],
  },
  "tune: integer range without a whole number": {
    ok: false,
    errors: [
      {"nodeId": "tune", "param": "dimensions", "message": "Search setting #1: the range for \"Learning rate\" contains no whole number."},
    ],
    warnings: [],
  },
  "tune: good values and ranges": {
    ok: true,
    warnings: [],
    dimensions: [
      {"nodeId": "tune", "param": "learningRate", "range": {"min": 0.0001, "max": 0.1, "scale": "log", "steps": 4}},
      {"nodeId": "head", "param": "hiddenUnits", "range": {"min": 7.5, "max": 64, "scale": "linear", "steps": 4, "integer": true}},
      {"nodeId": "head", "param": "dropout", "range": {"min": 0, "max": 0.5, "scale": "linear", "steps": 3}},
      {"nodeId": "tune", "param": "optimizer", "values": ["adam", "sgd"]},
    ],
  },
};

describe('compiler messages', () => {
  it.each(MINIMAL_CASES)('%s', (name, change) => {
    const r = compileGraph(brokenMinimal(change));
    const expected = EXPECTED[name]!;
    expect(r.ok).toBe(expected.ok);
    expect(r.errors).toEqual(expected.errors);
    expect(r.warnings).toEqual(expected.warnings);
  });

  it.each(TUNE_CASES)('tune: %s', (name, dimensions) => {
    const r = compileGraph(brokenTune(dimensions));
    const expected = EXPECTED[`tune: ${name}`]!;
    expect(r.ok).toBe(expected.ok);
    if (expected.dimensions) expect(r.plan?.tune?.dimensions).toEqual(expected.dimensions);
    else expect(r.errors).toEqual(expected.errors);
    expect(r.warnings).toEqual(expected.warnings);
  });
});

describe('checkConnection (refusals while dragging a link)', () => {
  const CASES: Array<[string, string | null, string, string | null, string | null]> = [
    ["ghost", "data", "train", "data", "That node no longer exists."],
    ["dataset", "data", "ghost", "data", "That node no longer exists."],
    ["odd", null, "train", "data", "Unknown node type \"nope\"."],
    ["dataset", "data", "odd", null, "Unknown node type \"nope\"."],
    ["dataset", "nope", "train", "data", "Dataset has no such output."],
    ["dataset", null, "train", null, "Train has no such input."],
    ["evaluate", null, "train", "data", "Evaluate has no outputs."],
    ["dataset", "data", "model", null, "Pretrained Model has no inputs."],
    ["dataset", "data", "train", "nope", "Train has no such input."],
    ["freeze", "model", "freeze", "model", "A node can't connect to itself."],
    ["model", "model", "train", "data", "A model output can't feed a dataset input: Train's Data input takes labelled images, from Dataset or Augment Data."],
    ["dataset", "data", "train", "data", "These ports are already connected."],
    ["d2", "data", "train", "data", "Train's Data input is already connected; an input takes one link. Remove the existing link first."],
    ["head", "classifier", "train", "classifier", "These ports are already connected."],
    ["freeze", "model", "f2", "model", null],
    ["f2", null, "head", "model", "Add Head's Trunk input is already connected; an input takes one link. Remove the existing link first."],
    ["d2", null, "train", "data", "Train's Data input is already connected; an input takes one link. Remove the existing link first."],
  ];

  it.each(CASES)('%s.%s → %s.%s', (source, sourceHandle, target, targetHandle, expected) => {
    const g = minimalTemplate();
    g.nodes.push(
      { id: 'd2', type: 'dataset', position: { x: 0, y: 0 }, params: {} },
      { id: 'odd', type: 'nope', position: { x: 0, y: 0 }, params: {} },
      { id: 'f2', type: 'freeze-layers', position: { x: 0, y: 0 }, params: {} },
    );
    expect(checkConnection(g, { source, sourceHandle, target, targetHandle })).toBe(expected);
  });

  it('refuses a link that closes a loop (through a chain), and never throws', () => {
    const g = minimalTemplate();
    for (const id of ['f2', 'f3', 'f4']) g.nodes.push({ id, type: 'freeze-layers', position: { x: 0, y: 0 }, params: {} });
    g.edges.push(
      { id: 'a', source: 'f2', sourceHandle: 'model', target: 'f3', targetHandle: 'model' },
      { id: 'b', source: 'f3', sourceHandle: 'model', target: 'f4', targetHandle: 'model' },
    );
    expect(checkConnection(g, { source: 'f4', sourceHandle: 'model', target: 'f2', targetHandle: 'model' })).toBe(
      'That would create a loop: data must flow one way through the pipeline.',
    );
    expect(checkConnection(g, { source: 'f3', sourceHandle: 'model', target: 'head', targetHandle: 'model' })).toMatch(/already connected/);
    expect(checkConnection(null as unknown as GraftGraph, { source: 'a', sourceHandle: null, target: 'b', targetHandle: null })).toBe('That connection is not possible.');
  });
});

describe('withParamOverrides', () => {
  it('replaces only the named params of the named nodes, without touching the input graph', () => {
    const g = minimalTemplate();
    const same = withParamOverrides(g, []);
    expect(same).toBe(g);
    const out = withParamOverrides(g, [
      { nodeId: 'train', param: 'learningRate', value: 0.5 },
      { nodeId: 'train', param: 'epochs', value: 3 },
      { nodeId: 'head', param: 'hiddenUnits', value: 7 },
    ]);
    const params = (graph: GraftGraph, id: string) => graph.nodes.find((n) => n.id === id)!.params;
    expect(params(out, 'train')).toEqual({ ...params(g, 'train'), learningRate: 0.5, epochs: 3 });
    expect(params(out, 'head')).toEqual({ ...params(g, 'head'), hiddenUnits: 7 });
    expect(out.nodes.find((n) => n.id === 'dataset')).toBe(g.nodes.find((n) => n.id === 'dataset'));
    expect(params(g, 'train').learningRate).not.toBe(0.5);
    expect(out.edges).toBe(g.edges);
  });
});
