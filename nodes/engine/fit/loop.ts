/**
 * The fit loop, Keras style: an epoch iterator over a batch source plus a list of callbacks. Both strategies
 * (cached features, full passes) hand it a (model, batches) pair; everything else — early stopping, divergence,
 * progress/ETA, node status — is a callback (fit/callbacks.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { EpochLog } from '../types';
import type { RunContext } from '../context';
import { epochOrder } from '../../dataset/split';

export interface Batch {
  x: tfjs.Tensor;
  y: tfjs.Tensor;
}

/** Training items 0..count-1; `makeBatch` turns positions into tensors (null when none of them decoded). */
export interface BatchSource {
  count: number;
  makeBatch(positions: number[]): Promise<Batch | null>;
}

export interface BatchEnd {
  epoch: number;
  /** 1-based batch within the epoch. */
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  accuracy: number;
  size: number;
}

export interface FitCallback {
  onTrainBegin?(info: { epochs: number; batchesPerEpoch: number }): void;
  onBatchEnd?(info: BatchEnd): void;
  /** After validation. Return 'stop' to end training after this epoch. May throw (divergence). */
  onEpochEnd?(log: EpochLog, model: tfjs.LayersModel): Promise<'stop' | void> | 'stop' | void;
  /** Always called (also when training throws); release what the callback holds. */
  onTrainEnd?(model: tfjs.LayersModel, completed: boolean): void;
}

export interface FitSpec {
  model: tfjs.LayersModel;
  batches: BatchSource;
  validate(): Promise<{ loss: number; accuracy: number } | null>;
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle. */
  seed: number;
  callbacks: FitCallback[];
}

export interface FitResult {
  epochs: EpochLog[];
  stopped: boolean;
}

export async function fit(ctx: RunContext, spec: FitSpec): Promise<FitResult> {
  const { tf } = ctx;
  const batchSize = Math.max(1, Math.floor(spec.batchSize));
  const batchesPerEpoch = Math.ceil(spec.batches.count / batchSize);
  const epochs: EpochLog[] = [];
  let stopped = false;
  let completed = false;
  for (const cb of spec.callbacks) cb.onTrainBegin?.({ epochs: spec.epochs, batchesPerEpoch });
  try {
    for (let epoch = 1; epoch <= spec.epochs && !stopped; epoch++) {
      const epochStart = Date.now();
      const order = epochOrder(spec.batches.count, spec.seed, epoch);
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        await ctx.pollCancelled();
        const batch = await spec.batches.makeBatch(order.slice(b * batchSize, (b + 1) * batchSize));
        if (!batch) continue;
        const size = batch.x.shape[0];
        let out: number[];
        try {
          out = (await spec.model.trainOnBatch(batch.x, batch.y)) as number[];
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        lossSum += out[0] * size;
        accSum += out[1] * size;
        seen += size;
        const info: BatchEnd = { epoch, batch: b + 1, batchesPerEpoch, loss: out[0], accuracy: out[1], size };
        for (const cb of spec.callbacks) cb.onBatchEnd?.(info);
      }
      const validation = await spec.validate();
      const log: EpochLog = {
        epoch,
        loss: seen ? lossSum / seen : NaN,
        accuracy: seen ? accSum / seen : NaN,
        valLoss: validation ? validation.loss : null,
        valAccuracy: validation ? validation.accuracy : null,
        ms: Date.now() - epochStart,
      };
      epochs.push(log);
      for (const cb of spec.callbacks) {
        if ((await cb.onEpochEnd?.(log, spec.model)) === 'stop') stopped = true;
      }
    }
    completed = true;
  } finally {
    for (const cb of spec.callbacks) cb.onTrainEnd?.(spec.model, completed);
  }
  return { epochs, stopped };
}
