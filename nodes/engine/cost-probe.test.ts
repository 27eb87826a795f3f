/**
 * Cost before cost (cost-probe.ts), in Node with real tfjs: the estimate comes from timing the plan's trainable part,
 * the run that follows reuses Auto's measurement instead of probing again, and no tensor leaks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { testPlan } from './test-utils';
import { clearBackendProbeCache } from './backend-probe';
import { probeRunCost } from './cost-probe';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

describe('probeRunCost', () => {
  beforeEach(() => clearBackendProbeCache());

  it.skipIf(!fs.existsSync(builtinModel))('estimates a fine-tuning run from measured batches; the run reuses the measurement', async () => {
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 6 });
    plan.classifier.model.freeze = { mode: 'upTo', layer: 'block3_pool' };
    plan.dataset.maxImagesPerClass = 40;
    plan.train.earlyStoppingPatience = 0;
    await tf.ready();
    const before = tf.memory().numTensors;
    const host = createNodeHost();
    const cost = await probeRunCost(plan, host);
    console.log(cost.summary, `→ estimate ${(cost.estimateMs / 1000).toFixed(1)} s`);
    expect(cost.path).toBe('full');
    expect(cost.backend).toBe('wasm');
    expect(cost.msPerBatch).toBeGreaterThan(0);
    expect(cost.trainImages).toBeGreaterThan(50);
    expect(cost.estimateMs).toBeCloseTo((cost.msPerBatch / cost.batchImages) * cost.trainImages * 6);
    expect(cost.summary).toMatch(/fine-tuning .*wasm/);
    expect(tf.memory().numTensors).toBe(before);

    const result = await runPlan(plan, host, { onEvent: () => {}, skipEvaluation: true });
    expect(result.backendProbe?.reused).toBe(true);
    // How close the estimate comes to the real fit time is a timing figure: logged here, not asserted (timings on a
    // shared machine belong in benchmarks, not tests).
    console.log(`fit ${result.phaseMs!.fit} ms vs estimate ${Math.round(cost.estimateMs)} ms (×${(result.phaseMs!.fit / cost.estimateMs).toFixed(2)})`);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it.skipIf(!fs.existsSync(builtinModel))('times a forced backend alone', async () => {
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 2 });
    plan.classifier.model.freeze = { mode: 'none' };
    plan.dataset.maxImagesPerClass = 10;
    plan.train.backend = 'wasm';
    const cost = await probeRunCost(plan, createNodeHost());
    expect(cost.backend).toBe('wasm');
    expect(cost.summary).not.toMatch(/cpu/);
    expect(cost.estimateMs).toBeGreaterThan(0);
  }, 120_000);
});
