/**
 * Grad-CAM is real: on generated images where ONE small square at a random position decides the class (red or
 * blue or green) among grey distractor squares, the heatmap's peak must fall inside that square's bounding box
 * for ≥ 80 % of test images. A uniform or centred map fails this (the square is anywhere).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, tf } from '../host-node';
import { createRng, type Rng } from '../../dataset/split';
import { gradCam, peakOf, upsample } from './gradcam';
import { headLogits, splitClassifier } from './classifier-parts';

const SIZE = 32;
const BOX = 7;
const CLASS_COLOURS = [
  [0.95, 0.1, 0.1],
  [0.1, 0.2, 0.95],
  [0.1, 0.85, 0.1],
];

interface Sample {
  pixels: Float32Array;
  label: number;
  box: { x: number; y: number };
}

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }, gap: number): boolean {
  return Math.abs(a.x - b.x) < BOX + gap && Math.abs(a.y - b.y) < BOX + gap;
}

function makeSample(rng: Rng, label: number): Sample {
  const px = new Float32Array(SIZE * SIZE * 3);
  for (let i = 0; i < px.length; i++) px[i] = 0.1 * rng();
  const paint = (x0: number, y0: number, rgb: number[], hollow: boolean) => {
    for (let y = y0; y < y0 + BOX; y++)
      for (let x = x0; x < x0 + BOX; x++) {
        const edge = x === x0 || y === y0 || x === x0 + BOX - 1 || y === y0 + BOX - 1;
        if (hollow && !edge) continue;
        for (let c = 0; c < 3; c++) px[(y * SIZE + x) * 3 + c] = rgb[c];
      }
  };
  const spot = () => ({ x: Math.floor(rng() * (SIZE - BOX)), y: Math.floor(rng() * (SIZE - BOX)) });
  const box = spot();
  const taken = [box];
  const distractors = [
    [0.45, 0.45, 0.45],
    [0.7, 0.7, 0.7],
    [0.95, 0.95, 0.95],
  ];
  for (let d = 0; d < 3; d++) {
    let p = spot();
    for (let tries = 0; tries < 50 && taken.some((t) => overlaps(t, p, 1)); tries++) p = spot();
    taken.push(p);
    paint(p.x, p.y, distractors[Math.floor(rng() * distractors.length)], rng() < 0.5);
  }
  paint(box.x, box.y, CLASS_COLOURS[label], false);
  return { pixels: px, label, box };
}

function batchOf(samples: Sample[]): tf.Tensor4D {
  const all = new Float32Array(samples.length * SIZE * SIZE * 3);
  samples.forEach((s, k) => all.set(s.pixels, k * SIZE * SIZE * 3));
  return tf.tensor4d(all, [samples.length, SIZE, SIZE, 3]);
}

describe('Grad-CAM', () => {
  beforeAll(async () => {
    expect(await activateBackend('wasm')).toBe(true);
  });

  // As in the product: a frozen trunk, a head (GAP → dense softmax) trained on the trunk's features, and the
  // gradient flowing through the head only.
  it('peaks inside the deciding shape for ≥ 80 % of test images, and leaks no tensors', async () => {
    const rng = createRng(7);
    const train = Array.from({ length: 240 }, (_, i) => makeSample(rng, i % 3));
    const test = Array.from({ length: 45 }, (_, i) => makeSample(rng, i % 3));

    // Trunk: one random (frozen) convolution + max-pooling → a 16×16×24 feature map; the head learns which
    // channels matter. Random filters respond to colour contrasts, which is all this task needs.
    const trunkInput = tf.input({ shape: [SIZE, SIZE, 3] });
    const conv = tf.layers.conv2d({ filters: 24, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 5 }), biasInitializer: 'zeros' });
    const trunk = tf.model({
      inputs: trunkInput,
      outputs: tf.layers.maxPooling2d({ poolSize: 2 }).apply(conv.apply(trunkInput)) as tf.SymbolicTensor,
      name: 'trunk',
    });
    const pool = tf.layers.globalAveragePooling2d({ name: 'head_pool' });
    const dense = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head_output', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
    const featureInput = tf.input({ shape: [24] });
    const head = tf.model({ inputs: featureInput, outputs: dense.apply(featureInput) as tf.SymbolicTensor });
    head.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xs = batchOf(train);
    const pooled = tf.tidy(() => pool.apply(trunk.predict(xs) as tf.Tensor) as tf.Tensor);
    const ys = tf.oneHot(tf.tensor1d(train.map((s) => s.label), 'int32'), 3).toFloat();
    await head.fit(pooled, ys, { epochs: 60, batchSize: 32, shuffle: true, verbose: 0 });
    tf.dispose([xs, ys, pooled]);
    // Assembled like the engine's classifier: input → nested trunk → pooling → head.
    const input = tf.input({ shape: [SIZE, SIZE, 3] });
    const model = tf.model({
      inputs: input,
      outputs: dense.apply(pool.apply(trunk.apply(input) as tf.SymbolicTensor)) as tf.SymbolicTensor,
    });

    const before = tf.memory().numTensors;
    const parts = splitClassifier(model);
    const testX = batchOf(test);
    const probs = model.predict(testX) as tf.Tensor;
    const argmax = probs.argMax(1);
    const predicted = Array.from((await argmax.data()) as Int32Array);
    tf.dispose([probs, argmax]);
    const accuracy = predicted.filter((p, i) => p === test[i].label).length / test.length;
    expect(accuracy).toBeGreaterThan(0.85);

    const features = parts.trunk.predict(testX) as tf.Tensor4D;
    const result = await gradCam(tf, features, (a) => headLogits(tf, parts, a), test.map((s) => s.label), 3);
    tf.dispose([features, testX]);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.height).toBe(16);

    let inside = 0;
    let centred = 0;
    result.maps.forEach((map, i) => {
      const full = upsample(map, result.height, result.width, SIZE, SIZE);
      const peak = peakOf(full, SIZE);
      const { x: bx, y: by } = test[i].box;
      const within = (p: { x: number; y: number }) => p.x >= bx && p.x < bx + BOX && p.y >= by && p.y < by + BOX;
      if (within(peak)) inside++;
      else if (process.env.DEBUG_CAM) console.log(i, 'peak', peak, 'box', test[i].box, 'pred', predicted[i], 'label', test[i].label);
      if (within({ x: SIZE / 2, y: SIZE / 2 })) centred++;
    });
    console.log(`Grad-CAM peak inside the deciding shape: ${inside}/${test.length} (a centred map: ${centred}/${test.length}); accuracy ${accuracy}`);
    expect(inside / test.length).toBeGreaterThanOrEqual(0.8);
    expect(centred / test.length).toBeLessThan(0.8);
    head.dispose();
    trunk.dispose();
  }, 240_000);
});
