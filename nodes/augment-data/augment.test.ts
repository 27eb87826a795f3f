import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../engine/host-node';
import type { AugmentPlan } from '../core/plan';
import { NO_AUGMENT } from './test-plans';
import { createRng } from '../dataset/split';
import { augmentBatch, augmentIsActive, describeAugment, randomTransformRow } from './augment';

/** A 4×4 image whose red channel encodes the column (0, 10, 20, 30). */
function gradient(): tf.Tensor4D {
  const data: number[] = [];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.push(x * 10, y * 10, 100);
  return tf.tensor4d(data, [1, 4, 4, 3]);
}

describe('augmentBatch', () => {
  beforeAll(async () => {
    await tf.ready();
  });

  it('is the identity when every strength is 0', () => {
    const input = gradient();
    const out = augmentBatch(tf, input, NO_AUGMENT, createRng(1));
    expect(Array.from(out.dataSync())).toEqual(Array.from(input.dataSync()));
    expect(augmentIsActive(NO_AUGMENT)).toBe(false);
    tf.dispose([input, out]);
  });

  it('a horizontal flip mirrors columns exactly', () => {
    const input = gradient();
    // Find a seed whose first draw flips.
    const plan = { ...NO_AUGMENT, flipHorizontal: true };
    let seed = 1;
    while (randomTransformRow(plan, 4, 4, createRng(seed))[0] > 0) seed++;
    const out = augmentBatch(tf, input, plan, createRng(seed));
    const red = (t: tf.Tensor) => Array.from(t.dataSync()).filter((_, i) => i % 3 === 0).slice(0, 4);
    expect(red(out)).toEqual([30, 20, 10, 0]);
    tf.dispose([input, out]);
  });

  it.each(['cpu', 'wasm'])('transforms every image of a batch on %s (no black images)', async (backend) => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const input = tf.fill([4, 8, 8, 3], 200) as tf.Tensor4D;
      const plan = { ...NO_AUGMENT, rotation: 0.3, zoom: 0.3 };
      const out = augmentBatch(tf, input, plan, createRng(3));
      const means = Array.from(await tf.mean(out, [1, 2, 3]).data());
      // A constant image stays (nearly) constant under any reflect-filled geometric transform.
      for (const m of means) expect(m).toBeGreaterThan(150);
      tf.dispose([input, out]);
    } finally {
      await tf.setBackend(previous);
    }
  });

  it('keeps shape and 0..255 range under strong transforms, is seeded, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const input = tf.randomUniform([3, 16, 16, 3], 0, 255, 'float32', 5) as tf.Tensor4D;
    const strong: AugmentPlan = { ...NO_AUGMENT, flipHorizontal: true, flipVertical: true, rotation: 1, zoom: 1, translate: 1, brightness: 1, contrast: 1, noise: 1 };
    const a = augmentBatch(tf, input, strong, createRng(42));
    const b = augmentBatch(tf, input, strong, createRng(42));
    const c = augmentBatch(tf, input, strong, createRng(43));
    expect(a.shape).toEqual([3, 16, 16, 3]);
    const values = a.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(255);
    expect(Array.from(b.dataSync())).toEqual(Array.from(values));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(values));
    tf.dispose([input, a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
    expect(describeAugment(strong)).toMatch(/rotate ±45°/);
  });
});
