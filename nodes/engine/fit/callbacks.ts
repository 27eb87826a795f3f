/** The fit loop's callbacks: divergence, progress/ETA + epoch events, node status, early stopping. */
import type * as tfjs from '@tensorflow/tfjs';
import type { TrainPlan } from '../../core/plan';
import { RunError } from '../types';
import type { RunContext, TF } from '../context';
import type { FitCallback } from './loop';
import { BestWeightsKeeper, keptEpochText, type MonitoredMetric } from '../rules/early-stopping';

/** Mean cross-entropy above this means (nearly) every example is predicted with p ≤ 1e-6 for its true class. */
const DIVERGED_LOSS = 0.85 * -Math.log(1e-7);
const PINNED_BATCHES_TO_DIVERGE = 3;

function formatRate(rate: number): string {
  return rate >= 0.001 ? String(Number(rate.toPrecision(2))) : rate.toExponential(0);
}

function divergedError(train: TrainPlan, epoch: number, batch: number, loss: number, trainNode: string): RunError {
  const what = Number.isNaN(loss)
    ? 'the loss and weights became NaN'
    : Number.isFinite(loss)
      ? `the loss exploded to ${loss.toFixed(1)}`
      : `the loss became ${loss}`;
  return new RunError(
    `Training diverged: ${what} in epoch ${epoch} (batch ${batch}). The learning rate (${train.learningRate}) is ` +
      `probably too high — try ${formatRate(train.learningRate / 10)} or lower.`,
    'nan-loss',
    trainNode,
  );
}

async function hasNonFiniteWeights(tf: TF, model: tfjs.LayersModel): Promise<boolean> {
  const flags = tf.tidy(() => tf.stack(model.trainableWeights.map((w) => tf.all(tf.isFinite(w.read())))).all());
  const ok = (await flags.data())[0] === 1;
  flags.dispose();
  return !ok;
}

/**
 * Divergence: a NaN/Infinite loss, or a loss pinned near the clipping ceiling for several batches in a row (tfjs
 * clips probabilities at 1e-7, so a diverged softmax shows ≈ 16.1 rather than NaN; one spike can recover), or
 * non-finite weights at the end of an epoch.
 */
export function divergence(ctx: RunContext): FitCallback {
  const { plan } = ctx;
  let pinned = 0;
  let batchesPerEpoch = 0;
  return {
    onTrainBegin: (info) => {
      batchesPerEpoch = info.batchesPerEpoch;
    },
    onBatchEnd: ({ epoch, batch, loss }) => {
      pinned = loss > DIVERGED_LOSS ? pinned + 1 : 0;
      if (!Number.isFinite(loss) || pinned >= PINNED_BATCHES_TO_DIVERGE) {
        throw divergedError(plan.train, epoch, batch, loss, plan.nodeIds.train);
      }
    },
    onEpochEnd: async (log, model) => {
      if (await hasNonFiniteWeights(ctx.tf, model)) {
        throw divergedError(plan.train, log.epoch, batchesPerEpoch, NaN, plan.nodeIds.train);
      }
    },
  };
}

/** 'batch', 'progress' (phase training, with ETA and images/s) and 'epoch' events. `imagesTrained` is shared so
 * the result can report throughput. */
export function progress(ctx: RunContext, trainStart: number, imagesTrained: { value: number }): FitCallback {
  let total = 0;
  let done = 0;
  let loopStart = Date.now();
  const epochs = ctx.plan.train.epochs;
  return {
    onTrainBegin: (info) => {
      total = info.batchesPerEpoch * info.epochs;
      loopStart = Date.now();
    },
    onBatchEnd: ({ epoch, batch, batchesPerEpoch, loss, size }) => {
      done += 1;
      imagesTrained.value += size;
      const last = batch === batchesPerEpoch;
      const elapsed = Date.now() - loopStart;
      const imagesPerSecond = imagesTrained.value / Math.max(1e-3, (Date.now() - trainStart) / 1000);
      ctx.emitThrottled('batch', { type: 'batch', epoch, batch, batchesPerEpoch, loss }, last);
      ctx.emitThrottled(
        'train-progress',
        { type: 'progress', phase: 'training', done, total, etaMs: (elapsed / done) * (total - done), imagesPerSecond },
        last,
      );
    },
    onEpochEnd: (log) => {
      ctx.emit({ type: 'epoch', log, totalEpochs: epochs });
    },
  };
}

export function nodeStatus(ctx: RunContext): FitCallback {
  const epochs = ctx.plan.train.epochs;
  return {
    onEpochEnd: (log) => ctx.setNode(ctx.plan.nodeIds.train, 'running', `Epoch ${log.epoch}/${epochs}`, log.epoch / epochs),
  };
}

/** Early stopping with best-weight restore (rules/early-stopping.ts, shared with "View code"): the model ends with
 * the best epoch's weights whether training stopped early or ran out of epochs. `keptEpoch` is that epoch. */
export interface EarlyStoppingCallback extends FitCallback {
  readonly keptEpoch: number;
  readonly stoppedEarly: boolean;
  /** What the kept epoch was best at (validation loss, or training loss without a validation split). */
  readonly monitored: MonitoredMetric;
}

export function earlyStopping(ctx: RunContext): EarlyStoppingCallback {
  const patience = ctx.plan.train.earlyStoppingPatience;
  const keeper = new BestWeightsKeeper<tfjs.Tensor>(patience);
  let epochsRun = 0;
  return {
    get keptEpoch() {
      return keeper.keptEpoch;
    },
    get stoppedEarly() {
      return keeper.stoppedEarly;
    },
    get monitored() {
      return keeper.monitored;
    },
    onEpochEnd: (log, model) => {
      epochsRun = log.epoch;
      if (keeper.epochEnd(log, model) === 'stop') {
        ctx.status(`Early stopping: no improvement for ${patience} epochs; keeping epoch ${keeper.rule.bestEpoch}.`);
        return 'stop';
      }
    },
    onTrainEnd: (model, completed) => {
      try {
        if (completed && patience > 0) {
          const kept = keeper.finish(model);
          const text = keptEpochText(kept, epochsRun, keeper.monitored);
          ctx.status(`${text[0].toUpperCase()}${text.slice(1)}.`);
        }
      } finally {
        keeper.release();
      }
    },
  };
}
