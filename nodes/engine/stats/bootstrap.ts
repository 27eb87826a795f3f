/**
 * Seeded percentile bootstrap of the paired accuracy difference (B − A): resample test images with replacement,
 * keeping each image's pair of outcomes together, and read the 2.5th/97.5th percentiles of the resampled differences.
 */
import { createRng } from '../../dataset/split';

export interface Interval {
  low: number;
  high: number;
  /** Point estimate on the original sample. */
  estimate: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Coverage, default 0.95. */
  level?: number;
}

/** Percentile of a sorted array with linear interpolation (type 7, like R's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function bootstrapAccuracyDifference(
  correctA: readonly boolean[],
  correctB: readonly boolean[],
  { resamples = 2000, seed = 1, level = 0.95 }: BootstrapOptions = {},
): Interval {
  const n = correctA.length;
  if (n !== correctB.length) throw new Error('Both runs must be scored on the same test images.');
  if (n === 0) return { low: NaN, high: NaN, estimate: NaN };
  // Each image contributes d_i ∈ {−1, 0, 1}; the accuracy difference is their mean.
  const d = new Int8Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    d[i] = (correctB[i] ? 1 : 0) - (correctA[i] ? 1 : 0);
    sum += d[i];
  }
  const rng = createRng(seed);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.floor(rng() * n)];
    diffs[r] = s / n;
  }
  const sorted = Array.from(diffs).sort((x, y) => x - y);
  const alpha = (1 - level) / 2;
  return { low: quantileSorted(sorted, alpha), high: quantileSorted(sorted, 1 - alpha), estimate: sum / n };
}
