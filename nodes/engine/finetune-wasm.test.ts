/**
 * Fine-tuning on WASM in Node: with the last conv block of Graft's pretrained CNN unfrozen, the engine trains on
 * the WASM backend (its gradient kernels, kernels/register.ts), the training loss falls, the transfer check holds
 * (well above chance on the held-out test split) and no tensor leaks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { testPlan } from './test-utils';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

describe('fine-tuning without a GPU', () => {
  it.skipIf(!fs.existsSync(builtinModel))('unfreezes the last conv block of graft-shapes-cnn and trains it on WASM', async () => {
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 6 });
    plan.classifier.model.freeze = { mode: 'upTo', layer: 'block3_pool' }; // block4_conv + BN stay trainable
    plan.dataset.maxImagesPerClass = 40;
    plan.train.earlyStoppingPatience = 0;
    plan.train.learningRate = 0.003;
    await tf.ready();
    const before = tf.memory().numTensors;
    const result = await runPlan(plan, createNodeHost(), { onEvent: () => {} });
    const losses = result.epochs.map((e) => e.loss);
    console.log(`fine-tune on ${result.backend}: losses ${losses.map((l) => l.toFixed(3)).join(' → ')}, test accuracy ${result.evaluation.accuracy.toFixed(3)} (chance 0.2)`);
    expect(result.backend).toBe('wasm');
    expect(result.path).toBe('full');
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(result.evaluation.accuracy).toBeGreaterThan(0.6);
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);
});
