/**
 * The head's standardisation (statistics from the training features only, part of the model, so predict and an
 * exported copy apply it identically) and its dropout masks (drawn from the run's training seed: identical runs are
 * identical). Real tfjs training on the tiny CNN and Graft's synthetic shapes.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from '../host-node';
import { runPlan } from '../run';
import type { TrainedModel } from '../host';
import type { RunResult } from '../types';
import { FeatureStore, featureCacheKey } from '../feature-store';
import { saveTinyCnn, testPlan } from '../test-utils';
import { FeatureMoments, buildHead, headOnFeatures, setStandardization } from './head';
import type { HeadPlan } from '../../core/plan';

let modelsDir = '';
const DATASET = 'builtin:shapes-target';
const host = () => createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public') });

beforeAll(async () => {
  modelsDir = await saveTinyCnn();
});

const HEAD: HeadPlan = { pooling: 'gap', hiddenLayers: 1, hiddenUnits: 8, activation: 'relu', dropout: 0.5, standardize: true, outputInit: 'zeros' };

/** Two-pass mean and population variance per column of [n, dim] rows. */
function columnStats(rows: ArrayLike<number>, dim: number) {
  const n = rows.length / dim;
  const mean = Array.from({ length: dim }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += rows[i * dim + j];
    return s / n;
  });
  const variance = mean.map((m, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (rows[i * dim + j] - m) ** 2;
    return s / n;
  });
  return { mean, variance };
}

async function trainedRun(plan: ReturnType<typeof testPlan>, store?: FeatureStore): Promise<{ result: RunResult; model: tf.LayersModel }> {
  let trained: TrainedModel | null = null;
  const result = await runPlan(plan, host(), { onEvent: () => {}, featureStore: store, onTrainedModel: (t) => (trained = t) });
  return { result, model: (trained as unknown as TrainedModel).model };
}

describe('FeatureMoments', () => {
  it('streams batches to the two-pass mean and variance; a constant feature is centred, not amplified', () => {
    const dim = 3;
    const rows = Float32Array.from({ length: 40 * dim }, (_, k) => (k % dim === 2 ? 7 : 1000 + Math.sin(k) * (1 + (k % dim))));
    const whole = new FeatureMoments(dim);
    whole.add(rows);
    const streamed = new FeatureMoments(dim);
    for (let from = 0; from < 40; from += 7) streamed.add(rows.subarray(from * dim, Math.min(40, from + 7) * dim));
    const expected = columnStats(rows, dim);
    for (const m of [whole.result(), streamed.result()]) {
      for (let j = 0; j < 2; j++) {
        expect(m.mean[j]).toBeCloseTo(expected.mean[j], 3);
        expect(m.variance[j] / expected.variance[j]).toBeCloseTo(1, 4);
      }
      expect(m.mean[2]).toBe(7);
      expect(m.variance[2]).toBe(1);
    }
    expect(streamed.count).toBe(40);
  });

  it('the standardiser maps training features to mean 0, sd 1 in training and inference mode alike', () => {
    const before = tf.memory().numTensors;
    const head = buildHead(tf, HEAD, [4], 3, 1);
    const model = headOnFeatures(tf, head);
    const rows = Float32Array.from({ length: 50 * 4 }, (_, k) => 3 + 2 * Math.cos(k * 1.7) * (1 + (k % 4)));
    const moments = new FeatureMoments(4);
    moments.add(rows);
    setStandardization(tf, head, moments);
    const x = tf.tensor2d(rows, [50, 4]);
    for (const training of [false, true]) {
      const y = head.standardizer!.apply(x, { training }) as tf.Tensor;
      const { mean, variance } = columnStats(y.dataSync(), 4);
      for (let j = 0; j < 4; j++) {
        expect(mean[j]).toBeCloseTo(0, 4);
        expect(variance[j]).toBeGreaterThan(0.99); // ε = 1e-3 against variances of ~2–32
        expect(variance[j]).toBeLessThanOrEqual(1);
      }
      y.dispose();
    }
    x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('standardisation inside the trained model', () => {
  it('uses the training features only, is saved with the model and predicts identically after a round trip', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 2 });
    expect(plan.classifier.head.standardize).toBe(true); // the default
    const store = new FeatureStore();
    const { result, model } = await trainedRun(plan, store);
    const features = store.findByPlanKey(featureCacheKey(plan, { featureBackend: result.featureBackend ?? result.backend }))!;
    const dim = features.featureDim;
    const train = columnStats(features.trainViews[0].features, dim);
    const everything = new Float32Array([...features.trainViews[0].features, ...features.validation.features, ...features.test!.features]);
    const all = columnStats(everything, dim);

    const layer = model.getLayer('head_standardize');
    expect(layer.getClassName()).toBe('BatchNormalization');
    expect(layer.trainableWeights).toHaveLength(0);
    const [gamma, beta, mean, variance] = layer.getWeights().map((w) => Array.from(w.dataSync()));
    expect(new Set(gamma)).toEqual(new Set([1]));
    expect(new Set(beta)).toEqual(new Set([0]));
    let differsFromAll = 0;
    for (let j = 0; j < dim; j++) {
      expect(mean[j]).toBeCloseTo(train.mean[j], 4);
      if (train.variance[j] > 0) expect(variance[j] / train.variance[j]).toBeCloseTo(1, 3);
      if (Math.abs(all.mean[j] - train.mean[j]) > 1e-3) differsFromAll++;
    }
    expect(differsFromAll).toBeGreaterThan(0); // validation/test images would have moved the statistics

    // Exported and loaded back: the same layers, weights and predictions, bit for bit.
    const images = tf.randomUniform([3, ...(model.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 5);
    const direct = model.predict(images) as tf.Tensor;
    const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve) => {
      void model.save(tf.io.withSaveHandler(async (a) => (resolve(a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const again = loaded.predict(images) as tf.Tensor;
    expect(Array.from(again.dataSync())).toEqual(Array.from(direct.dataSync()));
    expect(Array.from(loaded.getLayer('head_standardize').getWeights()[2].dataSync())).toEqual(mean.map(Math.fround));
    tf.dispose([images, direct, again]);
    loaded.dispose();
    model.dispose();
  });

  it('full passes measure the same statistics chunk by chunk as the cached path does from all its rows', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: 'builtin:shapes-target-large', epochs: 1 });
    const store = new FeatureStore();
    const cached = await trainedRun(plan, store);
    const features = store.findByPlanKey(featureCacheKey(plan, { featureBackend: cached.result.featureBackend ?? cached.result.backend }))!;
    expect(features.trainViews[0].kept.length).toBeGreaterThan(2 * 128); // more than two chunks of 8 batches of 16
    let trained: TrainedModel | null = null;
    const full = await runPlan(plan, host(), { onEvent: () => {}, forcePath: 'full', onTrainedModel: (t) => (trained = t) });
    expect(full.path).toBe('full');
    const model = (trained as unknown as TrainedModel).model;
    const expected = columnStats(features.trainViews[0].features, features.featureDim);
    const [, , mean, variance] = model.getLayer('head_standardize').getWeights().map((w) => Array.from(w.dataSync()));
    for (let j = 0; j < features.featureDim; j++) {
      expect(mean[j]).toBeCloseTo(expected.mean[j], 3);
      if (expected.variance[j] > 1e-6) expect(variance[j] / expected.variance[j]).toBeCloseTo(1, 2);
    }
    model.dispose();
    cached.model.dispose();
  });

  it('the output layer starts at zero (every class equally likely) unless "glorot" is asked for', () => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 9);
    for (const outputInit of ['zeros', 'glorot'] as const) {
      const model = headOnFeatures(tf, buildHead(tf, { ...HEAD, dropout: 0, outputInit }, [6], 3, 1));
      const p = model.predict(x) as tf.Tensor;
      const values = Array.from(p.dataSync());
      if (outputInit === 'zeros') for (const v of values) expect(v).toBeCloseTo(1 / 3, 6);
      else expect(values.some((v) => Math.abs(v - 1 / 3) > 1e-3)).toBe(true);
      p.dispose();
      model.dispose();
    }
    x.dispose();
  });

  it('graphs saved before it existed keep training without it', async () => {
    const { migrateGraph } = await import('../../graph-file');
    const { pipelineTemplate } = await import('../../templates');
    const graph = pipelineTemplate();
    const head = graph.nodes.find((n) => n.type === 'add-head')!;
    const { standardize: _absent, outputInit: _absentToo, ...oldParams } = head.params as Record<string, unknown>;
    const old = { ...graph, nodes: graph.nodes.map((n) => (n === head ? { ...n, v: undefined, params: oldParams } : n)) };
    const migrated = migrateGraph(old).nodes.find((n) => n.type === 'add-head')!;
    expect(migrated.params.standardize).toBe(false);
    expect(migrated.params.outputInit).toBe('glorot');
    expect(head.params.standardize).toBe(true);
    expect(head.params.outputInit).toBe('zeros');
  });
});

describe('dropout masks come from the training seed', () => {
  it('identical runs with dropout are identical; another training seed differs', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 3 });
    plan.classifier.head = { ...plan.classifier.head, dropout: 0.5 };
    const runs = [];
    for (const seed of [1, 1, 2]) {
      const p = structuredClone(plan);
      p.train.seed = seed;
      const { result, model } = await trainedRun(p);
      runs.push({ losses: result.epochs.map((e) => e.loss), weights: model.getWeights().map((w) => Array.from(w.dataSync())) });
      model.dispose();
    }
    expect(runs[1].losses).toEqual(runs[0].losses);
    expect(runs[1].weights).toEqual(runs[0].weights);
    expect(runs[2].losses).not.toEqual(runs[0].losses);
  });

  it('each training step draws a fresh mask, inference uses none, and the layer keeps no seed', () => {
    const head = buildHead(tf, { ...HEAD, standardize: false }, [16], 2, 3);
    const dropout = head.layers.find((l) => l.getClassName() === 'Dropout')!;
    const x = tf.ones([4, 16]);
    const [a, b] = [0, 1].map(() => dropout.apply(x, { training: true }) as tf.Tensor);
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    const inference = dropout.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(inference.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(dropout.getConfig().seed).toBeUndefined();
    // The same head built again with the same seed draws the same masks.
    const twin = buildHead(tf, { ...HEAD, standardize: false }, [16], 2, 3).layers.find((l) => l.getClassName() === 'Dropout')!;
    const c = twin.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, c, inference]);
  });
});
