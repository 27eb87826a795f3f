/**
 * Every augmentation parameter changes pixels by the documented amount. Random draws are scripted (the engine passes
 * the RNG in), so the expected transform is computed by hand: uniform(-1, 1) of a draw r is 2r − 1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../engine/host-node';
import type { AugmentPlan } from '../core/plan';
import { NO_AUGMENT } from './test-plans';
import {
  MAX_BRIGHTNESS,
  MAX_CONTRAST,
  MAX_NOISE_STD,
  MAX_ROTATION_RAD,
  MAX_TRANSLATE,
  MAX_ZOOM,
  augmentBatch,
  augmentIsActive,
  describeAugment,
  randomTransformRow,
} from './augment';

/** A random function that returns the given draws in order (then repeats the last). */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

function image(): tf.Tensor4D {
  const data: number[] = [];
  for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) data.push(40 + x * 20, 60 + y * 15, 120);
  return tf.tensor4d(data, [1, 6, 6, 3]);
}

function stats(t: tf.Tensor): { mean: number; std: number } {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('randomTransformRow (geometry, hand-computed)', () => {
  const w = 5;
  const h = 3; // centre (2, 1)
  const close = (row: number[], expected: number[]) => row.forEach((v, i) => expect(v, `entry ${i}`).toBeCloseTo(expected[i], 9));

  it('identity when nothing geometric is on, and consumes no draws', () => {
    let calls = 0;
    const row = randomTransformRow({ ...NO_AUGMENT, brightness: 1 }, w, h, () => (calls++, 0.3));
    close(row, [1, 0, 0, 0, 1, 0, 0, 0]);
    expect(calls).toBe(0);
  });

  it('flips: a draw below 0.5 flips, at or above 0.5 does not; flips mirror around the centre', () => {
    close(randomTransformRow({ ...NO_AUGMENT, flipHorizontal: true }, w, h, draws(0.49)), [-1, 0, 4, 0, 1, 0, 0, 0]);
    close(randomTransformRow({ ...NO_AUGMENT, flipHorizontal: true }, w, h, draws(0.5)), [1, 0, 0, 0, 1, 0, 0, 0]);
    close(randomTransformRow({ ...NO_AUGMENT, flipVertical: true }, w, h, draws(0.1)), [1, 0, 0, 0, -1, 2, 0, 0]);
    close(randomTransformRow({ ...NO_AUGMENT, flipHorizontal: true, flipVertical: true }, w, h, draws(0.9, 0.1)), [1, 0, 0, 0, -1, 2, 0, 0]);
  });

  it('rotation: ± strength × 45°, around the centre', () => {
    const angle = 0.5 * MAX_ROTATION_RAD; // draw 1 → uniform = +1
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    close(randomTransformRow({ ...NO_AUGMENT, rotation: 0.5 }, w, h, draws(1)), [c, -s, 2 - c * 2 + s * 1, s, c, 1 - s * 2 - c * 1, 0, 0]);
    const neg = randomTransformRow({ ...NO_AUGMENT, rotation: 0.5 }, w, h, draws(0));
    expect(neg[1]).toBeCloseTo(s, 9);
  });

  it('zoom: 1 ± strength × 40 % (zoom in samples a smaller region)', () => {
    const z = 1 + 0.5 * MAX_ZOOM; // draw 1
    close(randomTransformRow({ ...NO_AUGMENT, zoom: 0.5 }, w, h, draws(1)), [1 / z, 0, 2 - 2 / z, 0, 1 / z, 1 - 1 / z, 0, 0]);
    const zOut = 1 - 0.5 * MAX_ZOOM; // draw 0
    expect(randomTransformRow({ ...NO_AUGMENT, zoom: 0.5 }, w, h, draws(0))[0]).toBeCloseTo(1 / zOut, 9);
  });

  it('rotation with zoom: every rotation term is divided by the zoom, around a centre off the unit grid', () => {
    const [w4, h4] = [5, 4]; // centre (2, 1.5)
    const angle = 0.5 * MAX_ROTATION_RAD; // draws 1, 1 → uniform +1 for rotation and zoom
    const z = 1 + 0.5 * MAX_ZOOM;
    const [c, s] = [Math.cos(angle) / z, Math.sin(angle) / z];
    close(randomTransformRow({ ...NO_AUGMENT, rotation: 0.5, zoom: 0.5 }, w4, h4, draws(1)), [c, -s, 2 - c * 2 + s * 1.5, s, c, 1.5 - s * 2 - c * 1.5, 0, 0]);
  });

  it('translate: ± strength × 30 % of width and height, independently', () => {
    // draws 1 (x: +1) then 0.25 (y: −0.5)
    close(randomTransformRow({ ...NO_AUGMENT, translate: 0.5 }, w, h, draws(1, 0.25)), [1, 0, 0.5 * MAX_TRANSLATE * w, 0, 1, -0.5 * 0.5 * MAX_TRANSLATE * h, 0, 0]);
  });
});

describe('augmentBatch changes pixels by the documented amount', () => {
  it('brightness shifts every pixel by ± strength × 40 % of 255', () => {
    const input = image();
    const out = augmentBatch(tf, input, { ...NO_AUGMENT, brightness: 0.5 }, draws(0.75)); // uniform 0.5
    const delta = 0.5 * 0.5 * MAX_BRIGHTNESS * 255;
    const a = input.dataSync();
    const b = out.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i] + delta, 3);
    tf.dispose([input, out]);
  });

  it('contrast scales deviations from the image mean by 1 ± strength × 50 %', () => {
    const input = image();
    const out = augmentBatch(tf, input, { ...NO_AUGMENT, contrast: 1 }, draws(0)); // factor 1 − 0.5
    const before = stats(input);
    const after = stats(out);
    expect(after.mean).toBeCloseTo(before.mean, 3);
    expect(after.std).toBeCloseTo(before.std * (1 - MAX_CONTRAST), 3);
    tf.dispose([input, out]);
  });

  it('contrast and brightness draw per image, and contrast keeps each image’s own mean', () => {
    const a = image();
    const b = tf.mul(image(), 0.5) as tf.Tensor4D;
    const batch = tf.concat([a, b]) as tf.Tensor4D;
    const out = augmentBatch(tf, batch, { ...NO_AUGMENT, contrast: 1, brightness: 0.5 }, draws(0, 1, 0.5, 1)); // contrast 0.5, 1.5; brightness 0, +51
    const [oa, ob] = tf.split(out, 2);
    const [sa, sb, ia, ib] = [stats(oa!), stats(ob!), stats(a), stats(b)];
    expect(sa.mean).toBeCloseTo(ia.mean, 3);
    expect(sa.std).toBeCloseTo(ia.std * 0.5, 3);
    expect(sb.mean).toBeCloseTo(ib.mean + 0.5 * MAX_BRIGHTNESS * 255, 3);
    expect(sb.std).toBeCloseTo(ib.std * 1.5, 3);
    tf.dispose([a, b, batch, out, oa!, ob!]);
  });

  it('noise adds zero-mean Gaussian noise with σ = strength × 10 % of 255, seeded by the draw', () => {
    const input = tf.fill([1, 32, 32, 3], 128) as tf.Tensor4D;
    const out = augmentBatch(tf, input, { ...NO_AUGMENT, noise: 1 }, draws(0.3));
    const again = augmentBatch(tf, input, { ...NO_AUGMENT, noise: 1 }, draws(0.3));
    const other = augmentBatch(tf, input, { ...NO_AUGMENT, noise: 1 }, draws(0.6));
    const s = stats(out);
    expect(s.mean).toBeGreaterThan(128 - 3);
    expect(s.mean).toBeLessThan(128 + 3);
    expect(s.std).toBeGreaterThan(MAX_NOISE_STD * 255 * 0.85);
    expect(s.std).toBeLessThan(MAX_NOISE_STD * 255 * 1.15);
    expect(Array.from(again.dataSync())).toEqual(Array.from(out.dataSync()));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(out.dataSync()));
    // Continuous float noise (a non-float dtype would round it to whole pixel values).
    expect(Array.from(out.dataSync()).filter((v) => !Number.isInteger(v)).length).toBeGreaterThan(32 * 32 * 3 * 0.9);
    tf.dispose([input, out, again, other]);
  });

  it('clips to 0..255', () => {
    const input = tf.tensor4d([10, 100, 200, 250], [1, 1, 4, 1]);
    const up = augmentBatch(tf, input, { ...NO_AUGMENT, brightness: 1 }, draws(1)); // +102
    const down = augmentBatch(tf, input, { ...NO_AUGMENT, brightness: 1 }, draws(0)); // −102
    expect(Array.from(up.dataSync())).toEqual([112, 202, 255, 255]);
    expect(Array.from(down.dataSync())).toEqual([0, 0, 98, 148]);
    tf.dispose([input, up, down]);
  });

  it('a vertical flip and a translation move pixels; each image of a batch gets its own draw', () => {
    const one = image();
    const input = tf.concat([one, one]) as tf.Tensor4D;
    // image 1 flips (0.1), image 2 does not (0.9)
    const out = augmentBatch(tf, input, { ...NO_AUGMENT, flipVertical: true }, draws(0.1, 0.9));
    const green = (t: tf.Tensor, b: number) => Array.from(t.dataSync()).slice(b * 108, (b + 1) * 108).filter((_, i) => i % 3 === 1 && i % 18 === 1);
    expect(green(out, 0)).toEqual([135, 120, 105, 90, 75, 60]);
    expect(green(out, 1)).toEqual([60, 75, 90, 105, 120, 135]);
    const shifted = augmentBatch(tf, one, { ...NO_AUGMENT, translate: 1 }, draws(1, 0.5));
    expect(Array.from(shifted.dataSync())).not.toEqual(Array.from(one.dataSync()));
    tf.dispose([one, input, out, shifted]);
  });

  it.each(['cpu', 'wasm'])('geometry samples bilinearly and fills the border by reflection on %s', async (backend) => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      // One row, 10 columns, value = 10 × column. Translate strength 1 = ±3 columns; draw 0.5 for y = no shift.
      const row = tf.tensor4d(Array.from({ length: 10 }, (_, x) => x * 10), [1, 1, 10, 1]);
      const whole = augmentBatch(tf, row, { ...NO_AUGMENT, translate: 1 }, draws(1, 0.5)); // output x samples x + 3
      // Columns 7..9 sample 10..12, mirrored back to 9, 8, 7 (a constant fill would give 0s).
      expect(Array.from(await whole.data())).toEqual([30, 40, 50, 60, 70, 80, 90, 90, 80, 70]);
      const half = augmentBatch(tf, row, { ...NO_AUGMENT, translate: 1 }, draws(0.75, 0.5)); // samples x + 1.5
      // Bilinear: halfway between neighbours (nearest would round to whole columns).
      Array.from(await half.data())
        .slice(0, 8)
        .forEach((v, x) => expect(v, `column ${x}`).toBeCloseTo(15 + 10 * x, 3));
      tf.dispose([row, whole, half]);
    } finally {
      await tf.setBackend(previous);
    }
  });

  it('the pipeline template’s augmentation changes pixels (not only the reported text)', () => {
    const input = image();
    for (const plan of [
      { ...NO_AUGMENT, rotation: 0.2 },
      { ...NO_AUGMENT, zoom: 0.2 },
      { ...NO_AUGMENT, translate: 0.2 },
      { ...NO_AUGMENT, contrast: 0.2 },
      { ...NO_AUGMENT, noise: 0.2 },
    ]) {
      const out = augmentBatch(tf, input, plan, draws(0.9, 0.8, 0.7));
      expect(Array.from(out.dataSync()), JSON.stringify(plan)).not.toEqual(Array.from(input.dataSync()));
      out.dispose();
    }
    input.dispose();
  });
});

describe('augmentIsActive / describeAugment', () => {
  it('any single setting makes the plan active and is described with its maximum', () => {
    const cases: Array<[Partial<AugmentPlan>, string]> = [
      [{ flipHorizontal: true }, 'flip ↔'],
      [{ flipVertical: true }, 'flip ↕'],
      [{ rotation: 0.2 }, 'rotate ±9°'],
      [{ zoom: 0.5 }, 'zoom ±20%'],
      [{ translate: 0.5 }, 'shift ±15%'],
      [{ brightness: 0.5 }, 'brightness ±20%'],
      [{ contrast: 0.5 }, 'contrast ±25%'],
      [{ noise: 0.5 }, 'noise σ 5%'],
    ];
    for (const [change, text] of cases) {
      const plan = { ...NO_AUGMENT, ...change };
      expect(augmentIsActive(plan), text).toBe(true);
      expect(describeAugment(plan)).toBe(text);
    }
    expect(augmentIsActive(null)).toBe(false);
    expect(augmentIsActive({ ...NO_AUGMENT, seed: 9, cachedViews: 4 })).toBe(false);
    expect(describeAugment(NO_AUGMENT)).toBe('no changes');
    expect(describeAugment({ ...NO_AUGMENT, flipHorizontal: true, noise: 1 })).toBe('flip ↔, noise σ 10%');
  });
});
