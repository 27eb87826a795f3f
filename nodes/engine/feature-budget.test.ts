/**
 * The current run's trunk features are bounded by bytes, like its pixels: a flatten head on a large feature map whose
 * features do not fit the budget trains with full forward passes (the frozen trunk runs every epoch, images decoded
 * as needed) instead of holding them all, and a run forced onto the cached path fails with a clear out-of-memory
 * error. Real tfjs (WASM), a real tiny CNN, no mocks; tf.memory() is back to its start after every run.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { featureRowsBytes, FeatureStore } from './feature-store';
import { RunError, type RunEvent } from './types';
import { saveTinyCnn, testPlan } from './test-utils';
import type { Plan } from '../core/plan';

let modelsDir = '';

beforeAll(async () => {
  modelsDir = await saveTinyCnn();
}, 120_000);

const host = () => createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public') });

/** tiny-cnn cut after its first block (16×16×8 = 2,048 features per image), flattened: large features per image. */
function flattenPlan(): Plan {
  const plan = testPlan({ model: 'tiny-cnn', datasetId: 'builtin:shapes-target', epochs: 2 });
  plan.dataset.maxImagesPerClass = 10;
  plan.classifier.model.truncateAt = 'pool1';
  plan.classifier.head.pooling = 'flatten';
  return plan;
}

async function run(plan: Plan, options: { featureBytes?: number; forcePath?: 'cached'; featureStore?: FeatureStore } = {}) {
  const events: RunEvent[] = [];
  const result = await runPlan(plan, host(), { onEvent: (e) => events.push(e), ...options });
  const extracted = events.some((e) => e.type === 'progress' && e.phase === 'features');
  return { result, extracted };
}

describe('trunk features bounded by bytes', () => {
  it('features over the budget train with full passes, give a result and keep nothing in the store', async () => {
    await tf.ready();
    const before = tf.memory().numTensors;

    // Within the default budget the same plan caches its features (the budget below is what changes the path).
    const cached = await run(flattenPlan());
    expect(cached.result.path).toBe('cached');
    expect(cached.extracted).toBe(true);
    expect(tf.memory().numTensors).toBe(before);

    const rows = cached.result.splitSizes.train + cached.result.splitSizes.validation + cached.result.splitSizes.test;
    const needed = featureRowsBytes(rows, 16 * 16 * 8);
    const store = new FeatureStore();
    const bounded = await run(flattenPlan(), { featureBytes: Math.floor(needed / 2), featureStore: store });
    expect(bounded.result.path).toBe('full');
    expect(bounded.extracted).toBe(false);
    expect(bounded.result.pathReason).toMatch(/trunk features of this run would take [\d.]+ [KM]B \(\d+ images × 2048 features\)/);
    expect(bounded.result.pathReason).toMatch(/full forward passes through the frozen trunk/);
    expect(bounded.result.epochs).toHaveLength(2);
    expect(bounded.result.evaluation.testSize).toBe(cached.result.evaluation.testSize);
    expect(Number.isFinite(bounded.result.evaluation.accuracy)).toBe(true);
    expect(store.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);

  it('a run forced onto the cached path fails with a clear out-of-memory error', async () => {
    await tf.ready();
    const before = tf.memory().numTensors;
    const error = await run(flattenPlan(), { featureBytes: 1024, forcePath: 'cached' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).kind).toBe('out-of-memory');
    expect((error as RunError).message).toMatch(/more than the 1 KB a run may keep in memory: the cached path cannot hold them; pooling in the head node/);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
