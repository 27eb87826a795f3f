/**
 * Trunk features for a list of images, batch by batch, with the next batch's pixels decoding while the current
 * batch runs through the network: in Node, sharp decodes on libuv's thread pool, so loading overlaps the forward
 * pass instead of adding to it. Augmentation (when given) runs in batch order, so its random stream is unchanged.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { PixelStore } from '../data/pixel-store';
import type { FeatureRows } from '../feature-store';
import { concatFloat } from './common';

export interface ExtractOptions {
  tf: typeof tfjs;
  pixels: PixelStore;
  indices: number[];
  batchSize: number;
  /** Raw 0..255 pixels [n, h, w, 3] → features [n, …] (called inside tf.tidy). */
  forward(raw: tfjs.Tensor4D): tfjs.Tensor;
  /** Throws to cancel (the prefetched batch is disposed first); may first yield to the host event loop so a Cancel
   * message can arrive. */
  checkCancelled(): void | Promise<void>;
  /** Images handled so far (decoded or skipped). */
  onProgress?(done: number): void;
}

export async function extractFeatures(options: ExtractOptions): Promise<FeatureRows> {
  const { tf, pixels, indices, batchSize } = options;
  const chunks: Float32Array[] = [];
  const kept: number[] = [];
  const load = (from: number) => (from < indices.length ? pixels.batch(indices.slice(from, from + batchSize)) : null);
  let next = load(0);
  try {
    for (let from = 0; from < indices.length; from += batchSize) {
      await options.checkCancelled();
      const batch = await next!;
      next = load(from + batchSize);
      if (batch.pixels) {
        const raw = batch.pixels;
        const features = tf.tidy(() => options.forward(raw));
        raw.dispose();
        chunks.push((await features.data()) as Float32Array);
        features.dispose();
        kept.push(...batch.kept);
      }
      options.onProgress?.(Math.min(indices.length, from + batchSize));
    }
  } finally {
    // Cancelled or failed mid-way: the batch being prefetched must not leak its tensor (awaited, so the run's
    // tensor count is back to its start when the error reaches the caller).
    if (next) (await next.catch(() => null))?.pixels?.dispose();
  }
  return { features: concatFloat(chunks), kept };
}
