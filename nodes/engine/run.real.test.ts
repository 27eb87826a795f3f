/**
 * Accuracy with real pretrained models: Graft's built-in model on its built-in transfer task, and (when this
 * machine has /work/shared/assets) MobileNet v1 0.25 on real flower photos.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { hasSharedAssets, requireAssets, SHARED_DATASETS, SHARED_MODELS, testPlan } from './test-utils';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

describe('trains well above chance with real pretrained weights', () => {
  beforeAll(async () => {
    await tf.ready();
  });

  it.skipIf(!fs.existsSync(builtinModel))('graft-shapes-cnn on builtin:shapes-target', async () => {
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 30 });
    const before = tf.memory().numTensors;
    const result = await runPlan(plan, createNodeHost(), { onEvent: () => {} });
    console.log(`graft-shapes-cnn / shapes-target: test accuracy ${result.evaluation.accuracy.toFixed(3)} (chance 0.2)`);
    expect(result.path).toBe('cached');
    expect(result.evaluation.accuracy).toBeGreaterThan(0.6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(!requireAssets(hasSharedAssets, 'MobileNet/darknet on flower_photos'))('MobileNet v1 0.25 (local copy) on flower_photos, 50 images per class', async () => {
    const plan = testPlan({
      model: 'mobilenet-v1-0.25-224',
      datasetId: path.join(SHARED_DATASETS, 'flower_photos'),
      epochs: 20,
    });
    plan.dataset.maxImagesPerClass = 50;
    const before = tf.memory().numTensors;
    const result = await runPlan(plan, createNodeHost({ modelsDir: SHARED_MODELS }), { onEvent: () => {} });
    console.log(`mobilenet-v1-0.25 / flowers: test accuracy ${result.evaluation.accuracy.toFixed(3)} (chance 0.2)`);
    expect(result.truncateAt).toBe('conv_pw_13_relu');
    expect(result.inputScaling).toBe('minus1to1');
    expect(result.evaluation.testSize).toBe(50);
    expect(result.evaluation.accuracy).toBeGreaterThan(0.6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(!hasSharedAssets)('darknet-tiny from MODELS_DIR: [0,1] scaling and the generic truncation heuristic', async () => {
    const plan = testPlan({
      model: 'darknet-tiny',
      datasetId: path.join(SHARED_DATASETS, 'flower_photos'),
      epochs: 15,
    });
    plan.dataset.maxImagesPerClass = 24;
    const result = await runPlan(plan, createNodeHost({ modelsDir: SHARED_MODELS }), { onEvent: () => {} });
    console.log(`darknet-tiny / flowers: test accuracy ${result.evaluation.accuracy.toFixed(3)} (chance 0.2)`);
    expect(result.truncateAt).toBe('leaky_re_lu_15');
    expect(result.inputScaling).toBe('zero1');
    expect(result.evaluation.accuracy).toBeGreaterThan(0.4);
  });
});
