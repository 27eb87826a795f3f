/**
 * Trunk features for a list of images, batch by batch, with the next batches' pixels decoding while the current
 * batch runs through the network (in Node on decode threads, in the browser in the decoder's own threads), so
 * loading overlaps the forward pass instead of adding to it. At most `prefetchBatches` batches are requested ahead
 * of the one being forwarded (memory stays bounded: each holds one [batch, h, w, 3] tensor). Augmentation (when
 * given) runs in batch order, so its random stream is unchanged.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { PixelStore } from '../data/pixel-store';
import type { FeatureRows } from '../feature-store';

/** Batches decoded ahead of the forward pass: two absorb a slow image or a busy moment without holding much. */
export const DEFAULT_PREFETCH_BATCHES = 2;

export interface ExtractOptions {
  tf: typeof tfjs;
  pixels: PixelStore;
  indices: number[];
  batchSize: number;
  /** Raw 0..255 pixels [n, h, w, 3] → features [n, …] (called inside tf.tidy). */
  forward(raw: tfjs.Tensor4D): tfjs.Tensor;
  /** Throws to cancel (the prefetched batches are disposed first); may first yield to the host event loop so a
   * Cancel message can arrive. */
  checkCancelled(): void | Promise<void>;
  /** Images handled so far (decoded or skipped). */
  onProgress?(done: number): void;
  /** Batches requested ahead of the one being forwarded (≥ 1; default DEFAULT_PREFETCH_BATCHES). */
  prefetchBatches?: number;
}

type Batch = Awaited<ReturnType<PixelStore['batch']>>;

export async function extractFeatures(options: ExtractOptions): Promise<FeatureRows> {
  const { tf, pixels, indices, batchSize } = options;
  const ahead = Math.max(1, Math.floor(options.prefetchBatches ?? DEFAULT_PREFETCH_BATCHES));
  // One array for every row, sized at the first batch: collecting per-batch chunks and concatenating them at the end
  // held the features twice at the peak.
  let rows: Float32Array | null = null;
  let rowSize = 0;
  const kept: number[] = [];
  // Batches requested and not yet forwarded, in order; `requested` = first index not yet requested.
  const queue: Array<Promise<Batch>> = [];
  let requested = 0;
  const fill = (upTo: number) => {
    while (queue.length < upTo && requested < indices.length) {
      queue.push(pixels.batch(indices.slice(requested, requested + batchSize)));
      requested += batchSize;
    }
  };
  try {
    for (let from = 0; from < indices.length; from += batchSize) {
      // At the start only the batch needed now: requested alone it arrives sooner (nothing runs until it does).
      if (queue.length === 0) fill(1);
      await options.checkCancelled();
      const batch = await queue.shift()!;
      // Request the next batches before the forward pass blocks this thread: their decoding runs meanwhile.
      fill(ahead);
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
    // Cancelled or failed mid-way: the batches being prefetched must not leak their tensors (awaited, so the run's
    // tensor count is back to its start when the error reaches the caller).
    for (const pending of queue.splice(0)) (await pending.catch(() => null))?.pixels?.dispose();
  }
  if (!rows) return { features: new Float32Array(0), kept };
  // Images that could not be decoded leave rows unused at the end.
  return { features: kept.length === indices.length ? rows : rows.slice(0, kept.length * rowSize), kept };
}
