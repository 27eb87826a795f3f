/**
 * What a training strategy is: given the prepared data, trunk and head, it produces the model the fit loop trains,
 * the batches it trains on, validation, test predictions and — once, after training — the trunk + head classifier.
 * Two strategies: cached features (strategies/cached.ts) and full forward passes (strategies/full.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { AugmentPlan } from '../../core/plan';
import type { BackendSelection, EngineHost, RunPlanOptions } from '../host';
import type { BackendName } from '../types';
import type { RunContext, TF } from '../context';
import type { PreparedData } from '../data/prepare';
import type { PixelStore } from '../data/pixel-store';
import type { PreparedTrunk } from '../model/trunk';
import type { Head } from '../model/head';
import type { BatchSource } from '../fit/loop';
import type { Rng } from '../../dataset/rng';

/** Images per forward pass when computing features / predictions. */
export const INFERENCE_BATCH = 16;

export interface StrategyInput {
  ctx: RunContext;
  host: EngineHost;
  options: RunPlanOptions;
  data: PreparedData;
  trunk: PreparedTrunk;
  head: Head;
  pixels: PixelStore;
  selection: BackendSelection;
  /** Raw 0..255 pixels → the trunk's input range. */
  scalePixels(x: tfjs.Tensor): tfjs.Tensor;
  augment: AugmentPlan | null;
  /** Key of this run's trunk features in options.featureStore (null without a store); `persistent` = the images'
   * content is known, so the entry may also go to the store's persistent backing (feature-key.ts). */
  featureKey: { key: string; persistent: boolean } | null;
  /** The augmentation's random stream (seeded from the augment seed and the training seed). */
  augmentRng: Rng;
  /** Compile settings shared by both strategies (the optimizer comes from rules/optimizer.ts). */
  compile(model: tfjs.LayersModel): void;
}

export interface Strategy {
  /** What the fit loop trains. */
  model: tfjs.LayersModel;
  batches: BatchSource;
  validate(): Promise<{ loss: number; accuracy: number } | null>;
  /** Probabilities on the test split and which items decoded (empty when evaluation is skipped). */
  predictTest(): Promise<{ probabilities: Float32Array; kept: number[] }>;
  /** The trunk + head classifier after training (the one assembly, model/head.ts). */
  classifier(): tfjs.LayersModel;
  /** Added to the result's pathReason (what augmentation did on this path). */
  note: string;
  featureBackend: BackendName | null;
  /** Wall time of trunk feature extraction, ms (cached path; 0 when reused). */
  featuresMs?: number;
  /** The trunk features came from the feature cache (no extraction ran). */
  featuresReused?: boolean;
}

export async function predictInBatches(
  ctx: RunContext,
  model: tfjs.LayersModel,
  count: number,
  makeInput: (from: number, to: number) => Promise<tfjs.Tensor | null>,
): Promise<Float32Array> {
  const out: Float32Array[] = [];
  for (let from = 0; from < count; from += INFERENCE_BATCH) {
    await ctx.pollCancelled();
    const input = await makeInput(from, Math.min(count, from + INFERENCE_BATCH));
    if (!input) continue;
    const probs = ctx.tf.tidy(() => model.predict(input) as tfjs.Tensor);
    input.dispose();
    out.push((await probs.data()) as Float32Array);
    probs.dispose();
  }
  return concatFloat(out);
}

export function concatFloat(chunks: Float32Array[]): Float32Array {
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export function oneHot(tf: TF, labels: number[], numClasses: number): tfjs.Tensor {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat());
}
