/**
 * Runtime image augmentation for the Augment Data node, in tfjs ops so it runs on any backend (incl. WASM).
 * Seeded: every random draw comes from the `random` function the engine passes in, so a run is repeatable.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { AugmentPlan } from '../core/plan';

/** Limits at strength 1 (see AugmentPlan docs). */
export const MAX_ROTATION_RAD = Math.PI / 4;
export const MAX_ZOOM = 0.4;
export const MAX_TRANSLATE = 0.3;
export const MAX_BRIGHTNESS = 0.4; // ±40% of the 0..255 range
export const MAX_CONTRAST = 0.5; // factor in [1-0.5, 1+0.5]
export const MAX_NOISE_STD = 0.1; // std as a fraction of 255

/** True when the plan changes images at all. */
export function augmentIsActive(plan: AugmentPlan | null): plan is AugmentPlan {
  if (!plan) return false;
  return (
    plan.flipHorizontal ||
    plan.flipVertical ||
    plan.rotation > 0 ||
    plan.zoom > 0 ||
    plan.translate > 0 ||
    plan.brightness > 0 ||
    plan.contrast > 0 ||
    plan.noise > 0
  );
}

/** A short human list of what the plan does, e.g. "flip ↔, rotate ±9°, zoom ±8%". */
export function describeAugment(plan: AugmentPlan): string {
  const parts: string[] = [];
  if (plan.flipHorizontal) parts.push('flip ↔');
  if (plan.flipVertical) parts.push('flip ↕');
  if (plan.rotation > 0) parts.push(`rotate ±${Math.round((plan.rotation * MAX_ROTATION_RAD * 180) / Math.PI)}°`);
  if (plan.zoom > 0) parts.push(`zoom ±${Math.round(plan.zoom * MAX_ZOOM * 100)}%`);
  if (plan.translate > 0) parts.push(`shift ±${Math.round(plan.translate * MAX_TRANSLATE * 100)}%`);
  if (plan.brightness > 0) parts.push(`brightness ±${Math.round(plan.brightness * MAX_BRIGHTNESS * 100)}%`);
  if (plan.contrast > 0) parts.push(`contrast ±${Math.round(plan.contrast * MAX_CONTRAST * 100)}%`);
  if (plan.noise > 0) parts.push(`noise σ ${Math.round(plan.noise * MAX_NOISE_STD * 100)}%`);
  return parts.length ? parts.join(', ') : 'no changes';
}

function uniform(random: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

/**
 * The 8-parameter projective transform (tf.image.transform convention: maps OUTPUT pixel (x, y) to the INPUT
 * point it samples) for one random flip/rotation/zoom/translation around the image centre.
 */
export function randomTransformRow(plan: AugmentPlan, width: number, height: number, random: () => number): number[] {
  const flipX = plan.flipHorizontal && random() < 0.5 ? -1 : 1;
  const flipY = plan.flipVertical && random() < 0.5 ? -1 : 1;
  const angle = plan.rotation > 0 ? uniform(random, -1, 1) * plan.rotation * MAX_ROTATION_RAD : 0;
  // zoom > 1 = zoom in (sample a smaller region of the input).
  const zoom = plan.zoom > 0 ? 1 + uniform(random, -1, 1) * plan.zoom * MAX_ZOOM : 1;
  const tx = plan.translate > 0 ? uniform(random, -1, 1) * plan.translate * MAX_TRANSLATE * width : 0;
  const ty = plan.translate > 0 ? uniform(random, -1, 1) * plan.translate * MAX_TRANSLATE * height : 0;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // input = C + R(angle) · diag(flipX/zoom, flipY/zoom) · (output − C) + t
  const m00 = (cos * flipX) / zoom;
  const m01 = (-sin * flipY) / zoom;
  const m10 = (sin * flipX) / zoom;
  const m11 = (cos * flipY) / zoom;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return [m00, m01, cx - m00 * cx - m01 * cy + tx, m10, m11, cy - m10 * cx - m11 * cy + ty, 0, 0];
}

function needsGeometry(plan: AugmentPlan): boolean {
  return plan.flipHorizontal || plan.flipVertical || plan.rotation > 0 || plan.zoom > 0 || plan.translate > 0;
}

/**
 * Augment a batch of images [B, H, W, 3] holding raw pixel values in 0..255 (float32). Returns a new tensor in
 * the same range; the input is not disposed. Each image gets its own random parameters.
 */
export function augmentBatch(
  tf: typeof tfjs,
  images: tfjs.Tensor4D,
  plan: AugmentPlan,
  random: () => number,
): tfjs.Tensor4D {
  const [batch, height, width] = images.shape;
  return tf.tidy(() => {
    let x: tfjs.Tensor4D = images;
    if (needsGeometry(plan)) {
      const rows: number[] = [];
      for (let i = 0; i < batch; i++) rows.push(...randomTransformRow(plan, width, height, random));
      // 'reflect' fill keeps natural-looking borders instead of black corners.
      if (tf.getBackend() === 'cpu') {
        // tfjs 4.22's CPU Transform kernel only fills the first image of a batch (the rest come out black),
        // so transform image by image there.
        const parts = tf.split<tfjs.Tensor4D>(x, batch, 0).map((one, i) =>
          tf.image.transform(one, tf.tensor2d(rows.slice(i * 8, i * 8 + 8), [1, 8]), 'bilinear', 'reflect'),
        );
        x = tf.concat(parts, 0);
      } else {
        x = tf.image.transform(x, tf.tensor2d(rows, [batch, 8]), 'bilinear', 'reflect');
      }
    }
    if (plan.contrast > 0) {
      const factors: number[] = [];
      for (let i = 0; i < batch; i++) factors.push(1 + uniform(random, -1, 1) * plan.contrast * MAX_CONTRAST);
      const mean = tf.mean(x, [1, 2, 3], true);
      x = tf.add(tf.mul(tf.sub(x, mean), tf.tensor4d(factors, [batch, 1, 1, 1])), mean);
    }
    if (plan.brightness > 0) {
      const deltas: number[] = [];
      for (let i = 0; i < batch; i++) deltas.push(uniform(random, -1, 1) * plan.brightness * MAX_BRIGHTNESS * 255);
      x = tf.add(x, tf.tensor4d(deltas, [batch, 1, 1, 1]));
    }
    if (plan.noise > 0) {
      const seed = Math.floor(random() * 2 ** 31);
      x = tf.add(x, tf.randomNormal(x.shape, 0, plan.noise * MAX_NOISE_STD * 255, 'float32', seed));
    }
    return tf.clipByValue(x, 0, 255) as tfjs.Tensor4D;
  });
}
