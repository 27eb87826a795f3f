/**
 * Grad-CAM (Selvaraju et al. 2017): where in the image the evidence for a class is. The gradient of the class's
 * score with respect to the cut layer's feature map, averaged over space, weighs each channel; the
 * weighted sum of channels, rectified and normalised to [0, 1], is the heatmap. The gradient only flows through
 * the head (a few dense layers), never through the trunk's convolutions, so it runs on every backend — including
 * WASM, which has no convolution gradients.
 *
 * The score is the class's log-probability (its logit minus the log-sum-exp of all logits) rather than the raw
 * logit: evidence every class shares (e.g. "there is an object here") cancels out, so the map shows what sets
 * this class apart from the others — with several similar objects in view, the raw logit lights up all of them.
 */
import type * as tfjs from '@tensorflow/tfjs';

type TF = typeof tfjs;

export interface GradCamResult {
  /** Heatmap rows, row-major [n][h * w], each normalised to [0, 1] (all zeros when no region supports the class). */
  maps: Float32Array[];
  height: number;
  width: number;
}

/**
 * Heatmaps for a batch. `featureMaps` = the cut layer's output [n, h, w, c] (not disposed here); `logits` = the head
 * from that feature map to class scores [n, classes]; `classes[i]` = the class to explain for image i.
 */
export async function gradCam(
  tf: TF,
  featureMaps: tfjs.Tensor4D,
  logits: (features: tfjs.Tensor4D) => tfjs.Tensor,
  classes: number[],
  numClasses: number,
): Promise<GradCamResult> {
  const [n, height, width] = featureMaps.shape;
  if (classes.length !== n) throw new Error(`gradCam: ${classes.length} classes for ${n} images`);
  const cams = tf.tidy(() => {
    const target = tf.oneHot(tf.tensor1d(classes, 'int32'), numClasses).toFloat();
    // Each image's score depends only on its own features, so the gradient of the summed scores is per-image.
    const grads = tf.grad((a: tfjs.Tensor) => tf.sum(tf.mul(tf.logSoftmax(logits(a as tfjs.Tensor4D)), target)))(featureMaps);
    const weights = tf.mean(grads, [1, 2], true); // [n, 1, 1, c]
    const cam = tf.relu(tf.sum(tf.mul(featureMaps, weights), -1)); // [n, h, w]
    const peak = tf.max(cam, [1, 2], true);
    return tf.div(cam, tf.maximum(peak, 1e-12)).reshape([n, height * width]);
  });
  const values = (await cams.data()) as Float32Array;
  cams.dispose();
  const maps: Float32Array[] = [];
  for (let i = 0; i < n; i++) maps.push(values.slice(i * height * width, (i + 1) * height * width));
  return { maps, height, width };
}

/** Bilinear upsampling of a heatmap to an image size (pixel centres aligned), for locating its peak. */
export function upsample(map: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / outH - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < outW; x++) {
      const sx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / outW - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      const top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
      const bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
      out[y * outW + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Position of the largest value of a row-major [h, w] map. */
export function peakOf(map: Float32Array, w: number): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i] > map[best]) best = i;
  return { x: best % w, y: Math.floor(best / w) };
}
