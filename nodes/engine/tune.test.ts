/**
 * Hyperparameter search through the real engine (tfjs on the Node host) on Graft's built-in shapes task.
 * Uses Graft's own pretrained graft-shapes-cnn when it is in public/models; otherwise the same architecture with
 * seeded random weights saved to a temp folder (same code path, weaker features).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { FeatureStore } from './feature-store';
import { trialMetric } from './tune';
import { planTrial, searchTrials } from '../compiler/trial-plan';
import { RunError, type RunEvent, type RunResult, type TrialRecord } from './types';
import type { TrainedModel } from './host';
import { buildShapesCnn } from '../pretrained-model/shapes-cnn';
import { fileSaveHandler } from './host-node/tfjs-file-io';
import { compileGraph } from '../compiler';
import { minimalTemplate } from '../templates';
import type { GraftGraph } from '../core/graph';
import type { Plan } from '../core/plan';

const SHAPES_CNN = path.resolve('public/models/graft-shapes-cnn/model.json');
const useShapesCnn = fs.existsSync(SHAPES_CNN);
const MODEL_ID = useShapesCnn ? 'graft-shapes-cnn' : 'shapes-cnn-random';
let modelsDir = '';

beforeAll(async () => {
  if (useShapesCnn) {
    modelsDir = path.resolve('models-none');
    return;
  }
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-tune-'));
  if (!(await activateBackend('wasm'))) await activateBackend('cpu');
  const model = buildShapesCnn(5, 1);
  await model.save(fileSaveHandler(path.join(modelsDir, MODEL_ID)));
  model.dispose();
});

function host() {
  return createNodeHost({ modelsDir, publicDir: path.resolve('public') });
}

/** The minimal template with Train replaced by Hyperparameter Tune (id 'tune'). Runs are deterministic: every
 * random draw, dropout masks included, comes from the plan's seeds. */
function searchGraph(tuneParams: Record<string, unknown>, dimensions: unknown[]): GraftGraph {
  const g = minimalTemplate();
  g.nodes = g.nodes.map((n) => {
    if (n.id === 'dataset') return { ...n, params: { ...n.params, datasetId: 'builtin:shapes-target' } };
    if (n.id === 'model') return { ...n, params: { ...n.params, catalogId: MODEL_ID } };
    if (n.id === 'train') {
      return { id: 'tune', type: 'hyperparameter-tune', position: n.position, params: { ...n.params, epochs: 6, ...tuneParams, dimensions } };
    }
    return n;
  });
  g.edges = g.edges.map((e) => ({
    ...e,
    id: e.id.replace(/\btrain\b/g, 'tune'),
    source: e.source === 'train' ? 'tune' : e.source,
    target: e.target === 'train' ? 'tune' : e.target,
  }));
  return g;
}

function compile(graph: GraftGraph): Plan {
  const result = compileGraph(graph);
  if (!result.ok) throw new Error(`does not compile: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

/** The same pipeline as a plain Train node with the template's default training/head settings. */
function defaultPlan(): Plan {
  const g = minimalTemplate();
  g.nodes = g.nodes.map((n) => {
    if (n.id === 'dataset') return { ...n, params: { ...n.params, datasetId: 'builtin:shapes-target' } };
    if (n.id === 'model') return { ...n, params: { ...n.params, catalogId: MODEL_ID } };
    if (n.id === 'train') return { ...n, params: { ...n.params, epochs: 6 } };
    return n;
  });
  return compile(g);
}

// The default learning rate (0.001) and hidden units (64) are among the searched values: a fair ≥ comparison.
const DIMENSIONS = [
  { nodeId: 'tune', param: 'learningRate', values: [0.001, 0.01, 0.0001] },
  { nodeId: 'head', param: 'hiddenUnits', values: [64, 16] },
];

function trialsOf(events: RunEvent[]): Map<number, TrialRecord> {
  const latest = new Map<number, TrialRecord>();
  for (const e of events) if (e.type === 'trial') latest.set(e.trial.id, e.trial);
  return latest;
}

describe('hyperparameter search on the real engine', () => {
  it('runs every grid trial, shares trunk features, and each trial equals a plain training of its config', async () => {
    const plan = compile(searchGraph({ strategy: 'grid', maxTrials: 20 }, DIMENSIONS));
    expect(plan.tune?.dimensions).toHaveLength(2);
    const events: RunEvent[] = [];
    const store = new FeatureStore();
    const result = await runPlan(plan, host(), { planTrial, onEvent: (e) => events.push(e), featureStore: store });

    const tuneSummary = result.tune!;
    expect(tuneSummary.trials).toHaveLength(6);
    expect(tuneSummary.trials.every((t) => t.status === 'done' && t.metric !== null && t.epochs === 6)).toBe(true);
    // One feature computation, five reuses: the search only varied head/optimiser settings.
    expect(store.misses).toBe(1);
    expect(store.hits).toBe(5);
    expect(store.size).toBe(1);

    // Live events: each trial was announced pending, then running, then done; one final 'done' event.
    const streamed = trialsOf(events);
    expect([...streamed.values()].map((t) => t.status)).toEqual(Array(6).fill('done'));
    const statusesOf1 = events.filter((e) => e.type === 'trial' && e.trial.id === 1).map((e) => (e as { trial: TrialRecord }).trial.status);
    expect(statusesOf1).toEqual(['pending', 'running', 'done']);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('done');
    expect(events.some((e) => e.type === 'epoch' && e.trialId === 3)).toBe(true);

    // The winner has the best validation accuracy, and its test evaluation is the run's evaluation.
    const best = tuneSummary.trials.find((t) => t.id === tuneSummary.bestTrialId)!;
    const maxMetric = Math.max(...tuneSummary.trials.map((t) => t.metric!));
    expect(best.metric).toBe(maxMetric);
    expect(result.evaluation.testSize).toBe(result.splitSizes.test);
    expect(result.splitSizes.test).toBe(24); // 4 shapes × 30 images × 20 % test split
    expect(trialMetric(result, 'val_accuracy')).toBeCloseTo(best.metric!, 10);

    // Trials are real trainings of their configuration: the first trial (it computed the features) and a later
    // one (it reused them from the store) each give exactly what a plain Train node with that config gives.
    const configPlan = (lr: number, units: number) => {
      const p = defaultPlan();
      p.train.learningRate = lr;
      p.classifier.head.hiddenUnits = units;
      return p;
    };
    const baseline = await runPlan(configPlan(0.001, 64), host(), { onEvent: () => {} });
    const baselineVal = trialMetric(baseline, 'val_accuracy')!;
    const defaultTrial = tuneSummary.trials.find(
      (t) => t.config['tune.learningRate'] === 0.001 && t.config['head.hiddenUnits'] === 64,
    )!;
    expect(defaultTrial.id).toBe(1);
    expect(defaultTrial.metric).toBeCloseTo(baselineVal, 5);
    const winnerAlone = await runPlan(configPlan(best.config['tune.learningRate'] as number, best.config['head.hiddenUnits'] as number), host(), { onEvent: () => {} });
    expect(best.metric!).toBeCloseTo(trialMetric(winnerAlone, 'val_accuracy')!, 5);
    // The run's evaluation is the winner's model on the test split (not the last trial's, not the default's).
    expect(result.evaluation.accuracy).toBeCloseTo(winnerAlone.evaluation.accuracy, 5);
    expect(result.evaluation.confusionMatrix).toEqual(winnerAlone.evaluation.confusionMatrix);
    const reusedTrial = tuneSummary.trials.find((t) => t.id === (best.id === 1 ? 2 : best.id === 2 ? 3 : 2))!;
    const reusedAlone = await runPlan(
      configPlan(reusedTrial.config['tune.learningRate'] as number, reusedTrial.config['head.hiddenUnits'] as number),
      host(),
      { onEvent: () => {} },
    );
    expect(reusedTrial.metric).toBeCloseTo(trialMetric(reusedAlone, 'val_accuracy')!, 5);
    // The search is not flat: the configurations really differ.
    expect(new Set(tuneSummary.trials.map((t) => t.metric!.toFixed(4))).size).toBeGreaterThan(1);
    console.log(
      `[tune] model=${MODEL_ID} default val=${baselineVal.toFixed(3)} test=${baseline.evaluation.accuracy.toFixed(3)}; ` +
        `best trial ${best.id} (${JSON.stringify(best.config)}) val=${best.metric!.toFixed(3)} test=${result.evaluation.accuracy.toFixed(3)}`,
    );
  });

  it('is reproducible for a search seed and samples differently for another (random search)', async () => {
    const dims = [
      { nodeId: 'tune', param: 'learningRate', range: { min: 0.0003, max: 0.03, scale: 'log', steps: 3 } },
      { nodeId: 'head', param: 'hiddenUnits', values: [16, 32, 64] },
    ];
    const run = async (seed: number) => {
      const plan = compile(searchGraph({ strategy: 'random', maxTrials: 3, tuneSeed: seed, epochs: 3 }, dims));
      return runPlan(plan, host(), { planTrial, onEvent: () => {} });
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    const view = (r: RunResult) => r.tune!.trials.map((t) => ({ config: t.config, metric: t.metric }));
    expect(view(a)).toEqual(view(b));
    expect(a.tune!.bestTrialId).toBe(b.tune!.bestTrialId);
    expect(a.tune!.trials.map((t) => t.config)).not.toEqual(c.tune!.trials.map((t) => t.config));
    for (const t of a.tune!.trials) {
      const lr = t.config['tune.learningRate'] as number;
      expect(lr).toBeGreaterThanOrEqual(0.0003);
      expect(lr).toBeLessThanOrEqual(0.03);
    }
  });

  it('successive halving stops weak trials early and trains the survivor to the full budget', async () => {
    const plan = compile(
      searchGraph({ strategy: 'halving', maxTrials: 9, epochs: 9 }, [
        { nodeId: 'tune', param: 'learningRate', values: [0.00001, 0.0001, 0.001, 0.01, 0.03] },
        { nodeId: 'tune', param: 'optimizer', values: ['adam', 'sgd'] },
      ]),
    );
    const result = await runPlan(plan, host(), { planTrial, onEvent: () => {} });
    const trials = result.tune!.trials;
    expect(trials).toHaveLength(9);
    const done = trials.filter((t) => t.status === 'done');
    const stopped = trials.filter((t) => t.status === 'stopped');
    expect(done).toHaveLength(1);
    expect(stopped.length).toBe(8);
    expect(done[0]!.epochs).toBe(9);
    expect(done[0]!.id).toBe(result.tune!.bestTrialId);
    // Rungs of 1, 3 and 9 epochs: most trials stopped after 1 epoch, the promoted ones after 3.
    expect(stopped.filter((t) => t.epochs === 1)).toHaveLength(6);
    expect(stopped.filter((t) => t.epochs === 3)).toHaveLength(2);
    expect(result.evaluation.testSize).toBe(result.splitSizes.test);
    expect(result.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(result.splitSizes.test);
  });

  it('hands over only the winner, and cancelling mid-search stops cleanly without leaking tensors', async () => {
    const plan = compile(searchGraph({ strategy: 'grid', maxTrials: 6, epochs: 3 }, DIMENSIONS));
    // Winner handed over once; every other trial's model disposed.
    const before = tf.memory().numTensors;
    const handed: TrainedModel[] = [];
    const result = await runPlan(plan, host(), { planTrial, onEvent: () => {}, onTrainedModel: (m) => handed.push(m) });
    expect(handed).toHaveLength(1);
    const probs = tf.tidy(() => handed[0]!.model.predict(tf.zeros([1, ...handed[0]!.inputSize, 3])) as tf.Tensor);
    expect(probs.shape).toEqual([1, result.labels.length]);
    probs.dispose();
    handed[0]!.model.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const controller = new AbortController();
    const events: RunEvent[] = [];
    let error: unknown = null;
    try {
      await runPlan(plan, host(), { planTrial,
        signal: controller.signal,
        onTrainedModel: (m) => m.model.dispose(),
        onEvent: (e) => {
          events.push(e);
          // Cancel while the second trial trains.
          if (e.type === 'epoch' && e.trialId === 2) controller.abort();
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).kind).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'cancelled' });
    const trials = trialsOf(events);
    expect(trials.get(1)?.status).toBe('done');
    expect(trials.get(2)?.status).toBe('stopped');
    expect(trials.get(3)?.status).toBe('stopped');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops launching trials when the time budget is used up, keeping the best finished one', async () => {
    const plan = compile(searchGraph({ strategy: 'grid', epochs: 2 }, DIMENSIONS));
    // Below the node's 0.5-minute minimum on purpose: the budget is gone once the first trial has finished.
    plan.tune!.maxMinutes = 0.0001;
    const result = await runPlan(plan, host(), { planTrial, onEvent: () => {} });
    const trials = result.tune!.trials;
    expect(trials[0]!.status).toBe('done');
    expect(result.tune!.bestTrialId).toBe(1);
    for (const t of trials.slice(1)) {
      expect(t.status).toBe('stopped');
      expect(t.error).toMatch(/Not run: time budget/);
    }
    expect(result.evaluation.testSize).toBe(result.splitSizes.test);
    expect(result.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(result.splitSizes.test);
  });

  it('lists the trials of a search as recompiled plans', () => {
    const plan = compile(searchGraph({ strategy: 'grid' }, DIMENSIONS));
    const trials = searchTrials(plan);
    expect(trials).toHaveLength(6);
    expect(trials[1]!.plan.classifier.head.hiddenUnits).toBe(16);
    expect(trials[2]!.plan.train.learningRate).toBe(0.01);
    expect(trials.every((t) => t.plan.tune === null)).toBe(true);
  });
});
