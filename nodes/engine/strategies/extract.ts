/**
 * Trunk features for a list of images, batch by batch, with the next batch's pixels decoding while the current
 * batch runs through the network: in Node, sharp decodes on libuv's thread pool, so loading overlaps the forward
 * pass instead of adding to it. Augmentation (when given) runs in batch order, so its random stream is unchanged.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { PixelStore } from '../data/pixel-store';
import type { FeatureRows } from '../feature-store';

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
  // One array for every row, sized at the first batch: collecting per-batch chunks and concatenating them at the end
  // held the features twice at the peak.
  let rows: Float32Array | null = null;
  let rowSize = 0;
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
        const values = (await features.data()) as Float32Array;
        features.dispose();
        if (!rows) {
          rowSize = values.length / batch.kept.length;
          rows = new Float32Array(indices.length * rowSize);
        }
        rows.set(values, kept.length * rowSize);
        kept.push(...batch.kept);
      }
      options.onProgress?.(Math.min(indices.length, from + batchSize));
    }
  } finally {
    // Cancelled or failed mid-way: the batch being prefetched must not leak its tensor (awaited, so the run's
    // tensor count is back to its start when the error reaches the caller).
    if (next) (await next.catch(() => null))?.pixels?.dispose();
  }
  if (!rows) return { features: new Float32Array(0), kept };
  // Images that could not be decoded leave rows unused at the end.
  return { features: kept.length === indices.length ? rows : rows.slice(0, kept.length * rowSize), kept };
}
