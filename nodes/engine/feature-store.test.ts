/**
 * The feature store: a hit returns exactly the stored features (a run on reused features trains and evaluates
 * exactly like a run that computed them), recency and the byte budget, and a cache key that changes with what
 * changes features and only with that.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureStore, cachedFeaturesBytes, featureCacheKey, type CachedFeatures } from './feature-store';
import { createNodeHost } from './host-node';
import { DiskFeatureCache } from './host-node/feature-disk-cache';
import { runPlan } from './run';
import { saveTinyCnn, testPlan } from './test-utils';
import type { RunEvent, RunResult } from './types';
import type { Plan } from '../core/plan';

function entry(seed: number, rows = 2, dim = 3): CachedFeatures {
  const rowsOf = (k: number) => ({
    features: Float32Array.from({ length: rows * dim }, (_, i) => seed * 100 + k * 10 + i + 0.5),
    kept: Array.from({ length: rows }, (_, i) => i + k),
  });
  return { featureDim: dim, trainViews: [rowsOf(1), rowsOf(2)], validation: rowsOf(3), test: rowsOf(4), featureBackend: 'wasm' };
}

describe('FeatureStore', () => {
  it('a hit returns the stored features, values included; a miss returns undefined; both are counted', () => {
    const store = new FeatureStore();
    const stored = entry(1);
    const copy = structuredClone(stored);
    store.set('k', stored);
    expect(store.get('other')).toBeUndefined();
    const hit = store.get('k')!;
    expect(hit).toEqual(copy);
    expect(Array.from(hit.trainViews[1].features)).toEqual(Array.from(copy.trainViews[1].features));
    expect(Array.from(hit.validation.features)).toEqual(Array.from(copy.validation.features));
    expect(Array.from(hit.test!.features)).toEqual(Array.from(copy.test!.features));
    expect([store.hits, store.misses]).toEqual([1, 1]);
    // has() neither counts nor refreshes.
    expect(store.has('k')).toBe(true);
    expect(store.has('other')).toBe(false);
    expect([store.hits, store.misses]).toEqual([1, 1]);
  });

  it('counts bytes (floats + 8 per kept index) and evicts least recently used entries to fit the budget', () => {
    const one = cachedFeaturesBytes(entry(1));
    // 4 row sets × (6 floats × 4 bytes + 2 indices × 8 bytes)
    expect(one).toBe(4 * (6 * 4 + 2 * 8));
    expect(cachedFeaturesBytes({ ...entry(1), test: null })).toBe(3 * (6 * 4 + 2 * 8));
    const store = new FeatureStore(3 * one);
    store.set('a', entry(1));
    store.set('b', entry(2));
    store.set('c', entry(3));
    expect([store.size, store.totalBytes]).toEqual([3, 3 * one]);
    store.get('a'); // a is now the most recent: b goes first
    store.set('d', entry(4));
    expect(['a', 'b', 'c', 'd'].map((k) => store.has(k))).toEqual([true, false, true, true]);
    expect(store.totalBytes).toBe(3 * one);
    // Replacing a key does not double count.
    store.set('d', entry(5));
    expect([store.size, store.totalBytes]).toEqual([3, 3 * one]);
    expect(store.get('d')!.validation.features[0]).toBe(entry(5).validation.features[0]);
    // An entry larger than the whole budget is not stored (and does not evict anything).
    store.set('huge', entry(6, 40));
    expect([store.has('huge'), store.size]).toEqual([false, 3]);
    // …but replacing an existing key with a too-large value drops the old value.
    store.set('a', entry(7, 40));
    expect([store.has('a'), store.size, store.totalBytes]).toEqual([false, 2, 2 * one]);
    store.clear();
    expect([store.size, store.totalBytes]).toEqual([0, 0]);
  });

  it('a budget that fits exactly one entry keeps the newest', () => {
    const one = cachedFeaturesBytes(entry(1));
    const store = new FeatureStore(one);
    store.set('a', entry(1));
    store.set('b', entry(2));
    expect([store.has('a'), store.has('b'), store.totalBytes]).toEqual([false, true, one]);
  });
});

describe('FeatureStore over a persistent backing (a real cache folder)', () => {
  const made: string[] = [];
  const folder = () => (made.push(fs.mkdtempSync(path.join(os.tmpdir(), 'graft-fstore-'))), made.at(-1)!);
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const floats = (c: CachedFeatures | undefined) => c && [...c.trainViews, c.validation, c.test!].map((r) => [Array.from(r.features), r.kept]);

  it('lookup: memory first, then the backing (a backing hit returns the stored values and stays in memory)', async () => {
    const dir = folder();
    await new FeatureStore(1e6, new DiskFeatureCache(dir)).save('k', entry(3));
    const store = new FeatureStore(1e6, new DiskFeatureCache(dir)); // a new process over the same folder
    expect(await store.lookup('missing')).toBeUndefined();
    expect([store.hits, store.misses, store.size]).toEqual([0, 1, 0]);
    expect(floats(await store.lookup('k'))).toEqual(floats(entry(3)));
    expect([store.hits, store.misses, store.has('k')]).toEqual([1, 1, true]);
    fs.rmSync(dir, { recursive: true }); // the second lookup is served from memory
    expect(floats(await store.lookup('k'))).toEqual(floats(entry(3)));
    expect([store.hits, store.misses]).toEqual([2, 1]);
  });

  it('contains: true for memory or backing entries (loading a backing entry into memory), counts nothing', async () => {
    const dir = folder();
    const memoryOnly = new FeatureStore();
    memoryOnly.set('m', entry(1));
    expect([await memoryOnly.contains('m'), await memoryOnly.contains('x')]).toEqual([true, false]);
    await new FeatureStore(1e6, new DiskFeatureCache(dir)).save('k', entry(2));
    const store = new FeatureStore(1e6, new DiskFeatureCache(dir));
    expect([await store.contains('k'), await store.contains('x')]).toEqual([true, false]);
    expect([store.has('k'), store.has('x'), store.hits, store.misses]).toEqual([true, false, 0, 0]);
  });

  it('a failing backing only loses persistence; clearAll empties memory and the backing', async () => {
    const file = path.join(folder(), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const broken = new FeatureStore(1e6, new DiskFeatureCache(file)); // every write fails (ENOTDIR)
    await broken.save('k', entry(1));
    expect(floats(await broken.lookup('k'))).toEqual(floats(entry(1)));
    expect(await new FeatureStore(1e6, new DiskFeatureCache(file)).lookup('k')).toBeUndefined();

    const dir = folder();
    const store = new FeatureStore(1e6, new DiskFeatureCache(dir));
    await store.save('k', entry(1));
    await store.clearAll();
    expect([store.size, store.totalBytes]).toEqual([0, 0]);
    expect(await new FeatureStore(1e6, new DiskFeatureCache(dir)).lookup('k')).toBeUndefined();
    const memoryOnly = new FeatureStore();
    memoryOnly.set('k', entry(1));
    await memoryOnly.clearAll();
    expect(memoryOnly.size).toBe(0);
  });

  it('findByPlanKey finds an entry by its plan alone, whatever its image/weight identity', () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: 'builtin:shapes-target' });
    const other = structuredClone(plan);
    other.classifier.model.truncateAt = 'conv1';
    const identity = { images: 'img-hash', weights: 'w-hash', truncateAt: 'relu1', scaling: 'unit' };
    const store = new FeatureStore();
    store.set(featureCacheKey(other, { identity }), entry(1));
    store.set(featureCacheKey(plan, { identity }), entry(2));
    expect(floats(store.findByPlanKey(featureCacheKey(plan)))).toEqual(floats(entry(2)));
    expect(floats(store.findByPlanKey(featureCacheKey(other)))).toEqual(floats(entry(1)));
    expect(store.findByPlanKey(featureCacheKey(plan, { featureBackend: 'cpu' }))).toBeUndefined();
    // The entry keeps its identity (findByPlanKey does not rewrite stored keys).
    expect(store.has(featureCacheKey(plan, { identity }))).toBe(true);
  });
});

describe('featureCacheKey', () => {
  const base = testPlan({ model: 'tiny-cnn', datasetId: 'builtin:shapes-target' });
  const key = (change: (p: Plan) => void, opts?: Parameters<typeof featureCacheKey>[1]) => {
    const p = structuredClone(base);
    change(p);
    return featureCacheKey(p, opts);
  };
  const plain = key(() => {});

  it('ignores head, optimiser and schedule settings (trials over them share features)', () => {
    for (const change of [
      (p: Plan) => void (p.train.learningRate = 0.5),
      (p: Plan) => void (p.train.batchSize = 3),
      (p: Plan) => void (p.train.epochs = 99),
      (p: Plan) => void (p.train.optimizer = 'sgd'),
      (p: Plan) => void (p.classifier.head.hiddenUnits = 7),
      (p: Plan) => void (p.classifier.head.dropout = 0.4),
      (p: Plan) => void (p.train.seed = 1234), // no augmentation, pretrained weights: the seed does not matter
    ]) {
      expect(key(change)).toBe(plain);
    }
  });

  it('changes with the dataset, split, model, freezing, pooling, backend and (when it matters) the seed', () => {
    const changes: Array<[string, string]> = [
      ['dataset', key((p) => void (p.dataset.datasetId = 'builtin:other'))],
      ['testSplit', key((p) => void (p.dataset.testSplit = 0.31))],
      ['splitSeed', key((p) => void (p.dataset.splitSeed = 77))],
      ['maxImagesPerClass', key((p) => void (p.dataset.maxImagesPerClass = 3))],
      ['validationSplit', key((p) => void (p.train.validationSplit = 0.33))],
      ['source', key((p) => void (p.classifier.model.source = { kind: 'catalog', id: 'other' }))],
      ['truncateAt', key((p) => void (p.classifier.model.truncateAt = 'conv1'))],
      ['inputScaling', key((p) => void (p.classifier.model.inputScaling = 'raw255'))],
      ['weights', key((p) => void (p.classifier.model.weights = 'random'))],
      ['randomTrunk', key(() => {}, { randomTrunk: true })],
      ['freeze', key((p) => void (p.classifier.model.freeze = { mode: 'firstN', count: 2 }))],
      ['pooling', key((p) => void (p.classifier.head.pooling = p.classifier.head.pooling === 'gap' ? 'gmp' : 'gap'))],
      ['backend', key(() => {}, { featureBackend: 'cpu' })],
    ];
    for (const [what, k] of changes) expect(k, what).not.toBe(plain);
    // The training seed counts once it drives random trunk weights.
    const random = (seed: number) => key((p) => void ((p.classifier.model.weights = 'random'), (p.train.seed = seed)));
    expect(random(1)).not.toBe(random(2));
    const randomTrunk = (seed: number) => key((p) => void (p.train.seed = seed), { randomTrunk: true });
    expect(randomTrunk(1)).not.toBe(randomTrunk(2));
  });

  it('with augmentation: the augmentation settings and the training seed are part of the key', () => {
    const augmented = testPlan({ model: 'tiny-cnn', datasetId: 'builtin:shapes-target', augment: true });
    expect(augmented.dataset.augment).not.toBeNull();
    const k = (change: (p: Plan) => void) => {
      const p = structuredClone(augmented);
      change(p);
      return featureCacheKey(p);
    };
    const same = k(() => {});
    expect(same).not.toBe(plain);
    expect(k((p) => void (p.train.seed = 99))).not.toBe(same);
    expect(k((p) => void (p.dataset.augment!.rotation = (p.dataset.augment!.rotation || 0) + 5))).not.toBe(same);
    // Augmentation switched off entirely = no augmentation.
    const off = k((p) => void (p.dataset.augment = null));
    expect(off).toBe(key(() => {}));
  });
});

describe('a run on stored features', () => {
  let modelsDir = '';
  beforeAll(async () => {
    modelsDir = await saveTinyCnn();
  });

  it('trains and evaluates exactly like the run that computed them, without recomputing', async () => {
    const host = createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public') });
    const plan = testPlan({ model: 'tiny-cnn', datasetId: 'builtin:shapes-target', epochs: 3 });
    const store = new FeatureStore();
    const view = (r: RunResult) => ({
      epochs: r.epochs.map(({ loss, valLoss, accuracy }) => ({ loss, valLoss, accuracy })),
      evaluation: { ...r.evaluation, misclassified: r.evaluation.misclassified.map((m) => ({ ...m, thumbnail: null })) },
    });
    const computed = await runPlan(plan, host, { onEvent: () => {}, featureStore: store });
    expect([store.misses, store.hits, store.size]).toEqual([1, 0, 1]);

    const events: RunEvent[] = [];
    const reused = await runPlan(plan, host, { onEvent: (e) => events.push(e), featureStore: store });
    expect([store.misses, store.hits]).toEqual([1, 1]);
    expect(events).toContainEqual({ type: 'status', message: 'Trunk features reused from cache: nothing to extract.' });
    // No trunk pass and no image decoding on a hit (the model's own 'model' phase does not count).
    expect(events.some((e) => e.type === 'progress' && e.phase === 'features')).toBe(false);
    expect(events.some((e) => e.type === 'progress' && e.phase === 'loading')).toBe(false);
    expect(view(reused)).toEqual(view(computed));
    // And both equal a run without any store (the stored features are the real ones).
    const fresh = await runPlan(plan, host, { onEvent: () => {} });
    expect(view(fresh)).toEqual(view(computed));
    // Real features: the test images get different probabilities (zero features would give one row for all).
    const rows = new Set(computed.evaluation.predictions.map((p) => p.probabilities.map((v) => v.toFixed(4)).join()));
    expect(rows.size).toBeGreaterThan(computed.evaluation.predictions.length / 2);
  });
});
