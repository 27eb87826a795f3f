/**
 * Features that outlive a run: a FeatureStore backed by a folder (the CLI's --cache-dir). A second run in a fresh
 * store (as a new process would be) that changes only head / optimizer / learning rate / batch size / epochs reuses
 * the features and extracts nothing; changed image content or a changed cut never reuse stale features; the folder
 * stays within its byte budget (least recently used entries go first). Real tfjs, real files, no mocks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { FeatureStore, featureCacheKey } from './feature-store';
import { DiskFeatureCache } from './host-node/feature-disk-cache';
import { imagesIdentity } from './feature-key';
import { openFolderDataset } from '../dataset/folder-node';
import { saveTinyCnn, testPlan } from './test-utils';
import { writeShapesFolder, type WrittenDataset } from './test-datasets';
import type { Plan } from '../core/plan';
import type { RunEvent } from './types';

let modelsDir = '';
let folder: WrittenDataset;

beforeAll(async () => {
  modelsDir = await saveTinyCnn();
  folder = await writeShapesFolder(fs.mkdtempSync(path.join(os.tmpdir(), 'graft-fcache-')), { perClass: 8, classes: [0, 1, 2] });
}, 120_000);

const host = () => createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public') });

function plan(change: (p: Plan) => void = () => {}): Plan {
  const p = testPlan({ model: 'tiny-cnn', datasetId: folder.dir, epochs: 2 });
  change(p);
  return p;
}

/** Run with a fresh in-memory store over the cache folder; returns the result and whether features were extracted. */
async function run(cacheDir: string, p: Plan) {
  const events: RunEvent[] = [];
  const store = new FeatureStore(64 * 1024 * 1024, new DiskFeatureCache(cacheDir));
  const result = await runPlan(p, host(), { onEvent: (e) => events.push(e), featureStore: store });
  const extracted = events.some((e) => e.type === 'progress' && e.phase === 'features' && e.done > 0);
  return { result, extracted };
}

describe('persistent feature cache (Node, --cache-dir)', () => {
  it('a second run changing only head/optimizer/LR/batch/epochs reuses the features; changed images or cut do not', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-fcache-dir-'));
    await tf.ready();
    const before = tf.memory().numTensors;

    const first = await run(cacheDir, plan());
    expect(first.result.path).toBe('cached');
    expect(first.result.featuresReused).toBe(false);
    expect(first.extracted).toBe(true);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.features'))).toHaveLength(1);

    const second = await run(
      cacheDir,
      plan((p) => {
        p.train.learningRate = p.train.learningRate / 3;
        p.train.optimizer = 'rmsprop';
        p.train.batchSize = 8;
        p.train.epochs = 3;
        p.classifier.head.hiddenLayers = 1;
        p.classifier.head.hiddenUnits = 16;
      }),
    );
    expect(second.result.featuresReused).toBe(true);
    expect(second.extracted).toBe(false);
    expect(second.result.pathReason).toMatch(/features reused from cache/);
    expect(second.result.epochs).toHaveLength(3);
    expect(second.result.splitFingerprint).toBe(first.result.splitFingerprint);
    // Callers that know only the plan (bench/trust-probe.ts) find the entry without the image/weight identity.
    const memory = new FeatureStore(64 * 1024 * 1024, new DiskFeatureCache(cacheDir));
    await runPlan(plan(), host(), { onEvent: () => {}, featureStore: memory });
    expect(memory.findByPlanKey(featureCacheKey(plan(), { featureBackend: 'wasm' }))?.featureDim).toBeGreaterThan(0);
    expect(memory.findByPlanKey(featureCacheKey(plan((p) => (p.classifier.model.truncateAt = 'relu1')), { featureBackend: 'wasm' }))).toBeUndefined();

    // A different cut shapes different features.
    const otherCut = await run(cacheDir, plan((p) => (p.classifier.model.truncateAt = 'relu1')));
    expect(otherCut.result.featuresReused).toBe(false);
    expect(otherCut.extracted).toBe(true);

    // Same file names, one image's content changed: no stale features.
    const victim = path.join(folder.dir, folder.files[0]);
    const other = path.join(folder.dir, folder.files[folder.files.length - 1]);
    const original = fs.readFileSync(victim);
    fs.copyFileSync(other, victim);
    try {
      const changed = await run(cacheDir, plan());
      expect(changed.result.featuresReused).toBe(false);
      expect(changed.extracted).toBe(true);
    } finally {
      fs.writeFileSync(victim, original);
    }
    // Restored content: the first entry is found again.
    const restored = await run(cacheDir, plan((p) => (p.train.epochs = 1)));
    expect(restored.result.featuresReused).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it('the image identity follows content, not names', async () => {
    const source = await openFolderDataset(folder.dir);
    const all = source.items.map((_, i) => i);
    const a = await imagesIdentity(folder.dir, source, all);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await imagesIdentity(folder.dir, source, all)).toBe(a);
    expect(await imagesIdentity(folder.dir, source, all.slice(1))).not.toBe(a);
    const victim = path.join(folder.dir, folder.files[1]);
    const original = fs.readFileSync(victim);
    fs.writeFileSync(victim, Buffer.concat([original, Buffer.from([0])])); // one byte more, same name
    try {
      expect(await imagesIdentity(folder.dir, source, all)).not.toBe(a);
    } finally {
      fs.writeFileSync(victim, original);
    }
  });

  it('stays within its byte budget, evicting the least recently used entry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-fcache-lru-'));
    const entry = (n: number) => ({
      featureDim: 4,
      trainViews: [{ features: new Float32Array(4 * n).fill(n), kept: Array.from({ length: n }, (_, i) => i) }],
      validation: { features: new Float32Array(4), kept: [0] },
      test: null,
      featureBackend: 'wasm' as const,
    });
    const probe = new DiskFeatureCache(dir);
    await probe.write('size-probe', entry(100));
    const oneEntry = await probe.sizeBytes();
    await probe.clear();
    const cache = new DiskFeatureCache(dir, Math.floor(oneEntry * 2.5));
    await cache.write('a', entry(100));
    await new Promise((r) => setTimeout(r, 20));
    await cache.write('b', entry(100));
    await new Promise((r) => setTimeout(r, 20));
    expect((await cache.read('a'))?.trainViews[0].features[0]).toBe(100); // touch a: b is now the oldest
    await new Promise((r) => setTimeout(r, 20));
    await cache.write('c', entry(100));
    expect(await cache.sizeBytes()).toBeLessThanOrEqual(Math.floor(oneEntry * 2.5));
    expect(await cache.read('b')).toBeUndefined();
    expect(await cache.read('a')).toBeDefined();
    const c = await cache.read('c');
    expect(c?.trainViews[0].kept).toHaveLength(100);
    expect(c?.validation.kept).toEqual([0]);
    await cache.clear();
    expect(await cache.sizeBytes()).toBe(0);
  });
});
