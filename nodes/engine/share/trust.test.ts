/**
 * Real tfjs training on a tiny CNN: repeated runs give per-seed results and a spread; the share package holds only
 * what differs from the base model and rebuilds the classifier bit-exactly.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs';
import { createNodeHost, tf } from '../host-node';
import { runPlan } from '../run';
import type { TrainedModel } from '../host';
import { saveTinyCnn, testPlan } from '../test-utils';
import { runRepeated, repeatSeeds } from '../repeat';
import { FeatureStore } from '../feature-store';
import { packTrainedModel, unpackTrainedModel } from './trained-package';
import { readPackage, type RunRecord } from './package-format';

let modelsDir = '';
const DATASET = 'builtin:shapes-target';
beforeAll(async () => {
  modelsDir = await saveTinyCnn();
});
const host = () => createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public') });

const record: RunRecord = {
  datasetId: DATASET,
  splitSeed: 42,
  trainSeed: 1,
  splitFingerprint: 'x',
  backend: 'wasm',
  tfjsVersion: tf.version_core,
  accuracy: 0.5,
  loss: 1,
  testSize: 4,
  correct: '1010',
  epochs: 2,
  trainedAt: 1,
};

async function allWeightBytes(model: tfjs.LayersModel): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const w of model.weights) {
    const d = (await w.read().data()) as Float32Array;
    out.set(w.originalName, new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
  }
  return out;
}

const countWeights = (t: TrainedModel) => new Set(t.model.weights.map((w) => w.originalName)).size;

async function trainOnce(freeze: 'all' | 'none'): Promise<TrainedModel> {
  const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: freeze === 'none' ? 1 : 2 });
  // Fine-tuning runs full passes on the CPU backend: keep it small.
  if (freeze === 'none') plan.dataset.maxImagesPerClass = 12;
  plan.classifier.model.freeze = freeze === 'all' ? { mode: 'all' } : { mode: 'none' };
  let trained: TrainedModel | null = null;
  await runPlan(plan, host(), { onEvent: () => {}, onTrainedModel: (t) => (trained = t) });
  if (!trained) throw new Error('no trained model');
  return trained;
}

describe('trained-model share package', () => {
  it.each(['all', 'none'] as const)('round-trips bit-exactly (freeze %s) and stores only weights that differ from the base', async (freeze) => {
    const h = host();
    const trained = await trainOnce(freeze);
    const before = tf.memory().numTensors;
    const kept = countWeights(trained); // the trained model's own variables, disposed at the end
    const source = { kind: 'catalog' as const, id: 'tiny-cnn' };
    const base = await h.loadModel(source);
    const packed = await packTrainedModel(tf, { ...trained, base: { source, model: base }, run: record });
    base.dispose();
    const meta = readPackage(packed.bytes).meta;
    if (freeze === 'all') {
      // Frozen trunk: every conv/BN weight comes from the base; only the head is stored.
      expect(meta.fromBase).toEqual(expect.arrayContaining(['conv1/kernel', 'bn2/moving_variance']));
      expect(meta.base).toEqual(source);
    } else {
      // Fine-tuned: trained conv kernels changed, so they travel in the package.
      expect(meta.fromBase).not.toContain('conv1/kernel');
    }
    expect(packed.storedWeights + packed.fromBase).toBe(trained.model.weights.length);
    expect(meta.run).toEqual(record);

    const { model: restored } = await unpackTrainedModel(tf, packed.bytes, (s) => h.loadModel(s));
    const a = await allWeightBytes(trained.model);
    const b = await allWeightBytes(restored);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, bytes] of a) expect(Buffer.compare(Buffer.from(bytes), Buffer.from(b.get(name)!)), name).toBe(0);
    const [pa, pb] = tf.tidy(() => {
      const x = tf.randomUniform([2, ...trained.inputSize, 3], -1, 1, 'float32', 5);
      return [(trained.model.predict(x) as tfjs.Tensor).dataSync(), (restored.predict(x) as tfjs.Tensor).dataSync()];
    });
    expect(Array.from(pb)).toEqual(Array.from(pa));
    restored.dispose();
    trained.model.dispose();
    expect(tf.memory().numTensors).toBe(before - kept);
  }, 120_000);

  it('refuses malformed packages with a clear message', () => {
    expect(() => readPackage(new Uint8Array([1, 2, 3]))).toThrow(/zip/);
  });
});

describe('repeat with N seeds', () => {
  it('runs the plan once per seed, reports each run and a spread, and leaks no tensors', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 2 });
    const before = tf.memory().numTensors;
    const store = new FeatureStore();
    const seen: number[] = [];
    const summary = await runRepeated(plan, host(), runPlan, { count: 3, featureStore: store, onRun: (i) => seen.push(i) });
    expect(seen).toEqual([0, 1, 2]);
    expect(summary.runs.map((r) => r.splitSeed)).toEqual(repeatSeeds(plan, 3).map((s) => s.splitSeed));
    expect(new Set(summary.runs.map((r) => r.splitFingerprint)).size).toBe(3); // three different test sets
    for (const r of summary.runs) {
      expect(r.correct).toMatch(/^[01]+$/);
      expect(r.correct!.length).toBe(r.testSize);
      expect(r.accuracy).toBeCloseTo([...r.correct!].filter((c) => c === '1').length / r.testSize, 10);
    }
    const accs = summary.runs.map((r) => r.accuracy!);
    expect(summary.spread.mean).toBeCloseTo(accs.reduce((s, a) => s + a, 0) / 3, 10);
    expect(summary.spread.n).toBe(3);
    expect(tf.memory().numTensors).toBe(before);

    // Re-running on a split it already saw reuses the stored trunk features.
    const hits = store.hits;
    const again = await runRepeated(plan, host(), runPlan, { count: 1, featureStore: store });
    expect(store.hits).toBe(hits + 1);
    expect(again.runs[0].splitFingerprint).toBe(summary.runs[0].splitFingerprint);
  }, 180_000);
});
