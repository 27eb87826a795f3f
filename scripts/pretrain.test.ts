/**
 * Transfer check for the committed graft-shapes-cnn: a softmax head on its frozen, pretrained trunk learns the
 * few-shot target task (different shapes) far better than the same head on a randomly initialised trunk.
 * Loads the model from disk exactly as committed; runs the frozen forward passes and the head on tfjs WASM.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { stratifiedSplit } from '../nodes/dataset/split';
import { syntheticImageSource } from '../nodes/dataset/synthetic';
import { buildShapesCnn, loadImages, SHAPES_CNN_FEATURES_LAYER, transferAccuracy, truncate } from '../nodes/pretrained-model/shapes-cnn';
import { fileLoadHandler } from '../nodes/engine/host-node/tfjs-file-io';

const MODEL_DIR = path.resolve(__dirname, '../public/models/graft-shapes-cnn');

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('graft-shapes-cnn (committed model)', () => {
  it('has graft.json metadata matching the model', async () => {
    const meta = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'graft.json'), 'utf8'));
    expect(meta).toMatchObject({ inputSize: [32, 32], inputScaling: 'zero1', defaultTruncation: 'features', sourceTask: 'builtin:shapes-source' });
    expect(meta.trainedAccuracy).toBeGreaterThan(0.8);
    const model = await tf.loadLayersModel(fileLoadHandler(path.join(MODEL_DIR, 'model.json')));
    expect(model.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(model.getLayer(SHAPES_CNN_FEATURES_LAYER).outputShape).toEqual([null, 4, 4, 64]);
    expect(model.outputs[0].shape).toEqual([null, meta.labels.length]);
    model.dispose();
  });

  it('transfers: pretrained frozen trunk ≫ random frozen trunk on builtin:shapes-target', async () => {
    const model = await tf.loadLayersModel(fileLoadHandler(path.join(MODEL_DIR, 'model.json')));
    // Train on the template's default few-shot dataset (its train split, as the app would use it) ...
    const target = syntheticImageSource('builtin:shapes-target');
    const split = stratifiedSplit(target.items.map((i) => i.label), { testSplit: 0.25, validationSplit: 0, seed: 1 });
    const train = await loadImages(target, split.train);
    // ... and test on a large independent sample of the same classes, so the estimate is stable.
    const large = syntheticImageSource('builtin:shapes-target-large');
    const perClass = large.items.length / large.labels.length;
    const testIndices = large.items.map((_, i) => i).filter((i) => i % perClass < 50);
    const test = await loadImages(large, testIndices);
    const data = { trainX: train.x, trainLabels: train.labels, testX: test.x, testLabels: test.labels };
    const classes = target.labels.length;

    const pretrained = await transferAccuracy(truncate(model), data, classes, 1);
    const randomTrunk = buildShapesCnn(model.outputs[0].shape[1] as number, 12345);
    const random = await transferAccuracy(truncate(randomTrunk), data, classes, 1);
    console.log(
      `transfer (${train.labels.length} train / ${test.labels.length} test): pretrained ${pretrained.testAccuracy.toFixed(3)}` +
        ` vs random ${random.testAccuracy.toFixed(3)} (chance ${(1 / classes).toFixed(2)})`,
    );
    expect(pretrained.testAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(random.testAccuracy).toBeLessThanOrEqual(0.6);
    expect(pretrained.testAccuracy - random.testAccuracy).toBeGreaterThanOrEqual(0.25);
    tf.dispose([train.x, test.x]);
    model.dispose();
    randomTrunk.dispose();
  });
});
