/**
 * The engine's shared rules and seams: the one early-stopping rule (engine + tuner agree on the kept epoch), the one
 * override path (a tuned graph with a dataset override trains on the override), the split fingerprint and the
 * per-image test predictions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { trialMetric } from './tune';
import { planTrial } from '../compiler/trial-plan';
import { compileGraph } from '../compiler';
import { minimalTemplate } from '../templates';
import { EarlyStoppingRule, monitoredLoss } from './rules/early-stopping';
import { applyPlanOverrides } from './overrides';
import { splitFingerprint } from '../dataset/fingerprint';
import { saveTinyCnn } from './test-utils';
import { writeShapesFolder, type WrittenDataset } from './test-datasets';
import type { GraftGraph } from '../core/graph';
import type { Plan } from '../core/plan';
import type { RunEvent } from './types';

let modelsDir = '';
let folder: WrittenDataset;

beforeAll(async () => {
  modelsDir = await saveTinyCnn();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-override-'));
  folder = await writeShapesFolder(dir, { perClass: 10, classes: [0, 1, 2], rename: ['alpha', 'beta', 'gamma'] });
}, 120_000);

function compile(graph: GraftGraph): Plan {
  const result = compileGraph(graph);
  if (!result.ok) throw new Error(`does not compile: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

function graph(tune: boolean): GraftGraph {
  const g = minimalTemplate();
  g.nodes = g.nodes.map((n) => {
    if (n.id === 'dataset') return { ...n, params: { ...n.params, datasetId: 'builtin:shapes-target' } };
    if (n.id === 'model') return { ...n, params: { ...n.params, catalogId: 'tiny-cnn' } };
    if (n.id === 'head') return { ...n, params: { ...n.params, dropout: 0 } };
    if (n.id === 'train' && tune) {
      const dimensions = [{ nodeId: 'tune', param: 'learningRate', values: [0.01, 0.001] }];
      return { id: 'tune', type: 'hyperparameter-tune', position: n.position, params: { ...n.params, epochs: 2, strategy: 'grid', dimensions } };
    }
    if (n.id === 'train') return { ...n, params: { ...n.params, epochs: 2 } };
    return n;
  });
  if (tune) {
    g.edges = g.edges.map((e) => ({
      ...e,
      id: e.id.replace(/\btrain\b/g, 'tune'),
      source: e.source === 'train' ? 'tune' : e.source,
      target: e.target === 'train' ? 'tune' : e.target,
    }));
  }
  return g;
}

describe('early stopping: one rule', () => {
  it('needs an improvement larger than min delta and stops after `patience` epochs without one', () => {
    const rule = new EarlyStoppingRule(2);
    expect(rule.update(1, 1.0)).toBe('improved');
    expect(rule.update(2, 0.99995)).toBe('wait'); // within 1e-4: not an improvement
    expect(rule.update(3, 0.5)).toBe('improved');
    expect(rule.update(4, 0.6)).toBe('wait');
    expect(rule.update(5, 0.5)).toBe('stop');
    expect(rule.bestEpoch).toBe(3);
    expect(monitoredLoss({ loss: 2, valLoss: null })).toBe(2);
    expect(monitoredLoss({ loss: 2, valLoss: 1 })).toBe(1);
  });

  it("the tuner's metric is the kept epoch's, not the best value seen", () => {
    const epochs = [
      { epoch: 1, loss: 1, accuracy: 0.5, valLoss: 0.9, valAccuracy: 0.5, ms: 1 },
      { epoch: 2, loss: 1, accuracy: 0.5, valLoss: 0.8, valAccuracy: 0.6, ms: 1 },
      { epoch: 3, loss: 1, accuracy: 0.5, valLoss: 0.85, valAccuracy: 0.9, ms: 1 },
    ];
    const result = { epochs, keptEpoch: 2 } as Parameters<typeof trialMetric>[0];
    expect(trialMetric(result, 'val_accuracy')).toBe(0.6);
    expect(trialMetric({ ...result, keptEpoch: 3 }, 'val_loss')).toBe(0.85);
  });
});

describe('plan overrides', () => {
  it('apply dataset, seeds and epochs without mutating the plan', () => {
    const plan = compile(graph(false));
    const out = applyPlanOverrides(plan, { dataset: '/data/x', splitSeed: 7, trainSeed: 9, epochs: 3 });
    expect([out.dataset.datasetId, out.dataset.splitSeed, out.train.seed, out.train.epochs]).toEqual(['/data/x', 7, 9, 3]);
    expect(plan.dataset.datasetId).toBe('builtin:shapes-target');
    expect(applyPlanOverrides(plan, {})).toBe(plan);
    expect(() => applyPlanOverrides(plan, { splitSeed: -1 })).toThrow();
  });

  it('a tuned graph with a dataset override trains and evaluates every trial on the override', async () => {
    const plan = compile(graph(true));
    expect(plan.tune).not.toBeNull();
    const events: RunEvent[] = [];
    const before = tf.memory().numTensors;
    const result = await runPlan(plan, createNodeHost({ modelsDir }), {
      onEvent: (e) => events.push(e),
      overrides: { dataset: folder.dir },
      planTrial,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.tune?.trials.every((t) => t.status === 'done')).toBe(true);
    expect(result.labels).toEqual(['alpha', 'beta', 'gamma']);
    expect(result.evaluation.labels).toEqual(['alpha', 'beta', 'gamma']);
    // Every trial opened the override (the dataset node reports 3 classes, never the built-in 4).
    const datasetMessages = events.flatMap((e) => (e.type === 'node' && e.nodeId === 'dataset' && e.state === 'done' ? [e.message ?? ''] : []));
    expect(datasetMessages.length).toBeGreaterThan(0);
    for (const m of datasetMessages) expect(m).toContain('in 3 classes');
    // The fingerprint and predictions name the override's files.
    const ids = result.evaluation.predictions.map((p) => p.id);
    expect(ids.length).toBe(result.evaluation.testSize);
    for (const id of ids) expect(folder.files).toContain(id);
    expect(result.splitFingerprint).toBe(splitFingerprint(ids));
  }, 300_000);
});

describe('split fingerprint and predictions', () => {
  it('fingerprint: order-free, sensitive to membership', () => {
    expect(splitFingerprint(['a/1.png', 'b/2.png'])).toBe(splitFingerprint(['b/2.png', 'a/1.png']));
    expect(splitFingerprint(['a/1.png', 'b/2.png'])).not.toBe(splitFingerprint(['a/1.png', 'b/3.png']));
    expect(splitFingerprint([])).toMatch(/^[0-9a-f]{12}$/);
  });

  it('a run reports one prediction per test image, consistent with the accuracy and confusion matrix', async () => {
    const plan = compile(graph(false));
    const result = await runPlan(plan, createNodeHost({ modelsDir }), { onEvent: () => {} });
    const { predictions, accuracy, confusionMatrix, testSize } = result.evaluation;
    expect(predictions.length).toBe(testSize);
    predictions.forEach((p, i) => {
      expect(p.index).toBe(i);
      expect(p.probabilities.length).toBe(result.labels.length);
      expect(p.predictedClass).toBe(p.probabilities.indexOf(Math.max(...p.probabilities)));
    });
    const correct = predictions.filter((p) => p.predictedClass === p.trueClass).length;
    expect(correct / testSize).toBeCloseTo(accuracy, 10);
    for (const p of predictions) expect(confusionMatrix[p.trueClass][p.predictedClass]).toBeGreaterThan(0);
    expect(result.splitFingerprint).toBe(splitFingerprint(predictions.map((p) => p.id)));
    // Early stopping is on by default, so the run keeps its best epoch by validation loss (not necessarily the last).
    const byValLoss = new EarlyStoppingRule(plan.train.earlyStoppingPatience);
    for (const e of result.epochs) byValLoss.update(e.epoch, e.valLoss!);
    expect(result.keptEpoch).toBe(byValLoss.bestEpoch);
    // Another split seed → another test set.
    const other = await runPlan(plan, createNodeHost({ modelsDir }), { onEvent: () => {}, overrides: { splitSeed: plan.dataset.splitSeed + 1 } });
    expect(other.splitFingerprint).not.toBe(result.splitFingerprint);
  }, 300_000);
});

describe('error mapping: one out-of-memory rule', () => {
  it('maps allocation failures to out-of-memory on the train node and keeps RunErrors', async () => {
    const { toRunError, isOutOfMemory } = await import('./errors');
    const { RunError } = await import('./types');
    expect(isOutOfMemory(new Error('Failed to allocate 1GB'))).toBe(true);
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(new Error('shape mismatch'))).toBe(false);
    const oom = toRunError(new Error('WebGL CONTEXT_LOST'), 'train');
    expect([oom.kind, oom.nodeId]).toEqual(['out-of-memory', 'train']);
    expect(toRunError(new Error('boom')).kind).toBe('internal');
    const kept = new RunError('x', 'dataset', 'dataset');
    expect(toRunError(kept)).toBe(kept);
  });
});
