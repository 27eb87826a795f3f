/**
 * The fit loop and its callbacks on a real tfjs model: early stopping that actually triggers and restores the best
 * epoch's weights, divergence detection, progress/epoch events and node status. The validation loss is scripted
 * (the `validate` seam) so the early-stopping epoch is known in advance; training itself is real (weights change
 * every epoch), so "restored" can be checked bit for bit against a snapshot of that epoch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, tf } from '../host-node';
import { RunContext } from '../context';
import { fit, type BatchSource, type FitCallback } from './loop';
import { divergence, earlyStopping, nodeStatus, progress } from './callbacks';
import { testPlan } from '../test-utils';
import { RunError, type RunEvent } from '../types';
import type { Plan } from '../../core/plan';

beforeAll(async () => {
  await activateBackend('cpu');
});

const FEATURES = 4;
const ITEMS = 12;

function planWith(patience: number, epochs: number): Plan {
  const plan = testPlan({ model: 'none', datasetId: 'builtin:shapes-target', epochs });
  plan.train.earlyStoppingPatience = patience;
  plan.train.learningRate = 0.1;
  return plan;
}

/** A compiled 4→2 softmax model, trained on one batch already so the optimizer's own state exists (tensor counts
 * measured afterwards see only what the fit loop and callbacks allocate). */
async function makeModel(learningRate = 0.1): Promise<tf.LayersModel> {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [FEATURES], units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })],
  });
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const warm = (await batches().makeBatch([0, 1]))!;
  await model.trainOnBatch(warm.x, warm.y);
  tf.dispose([warm.x, warm.y]);
  return model;
}

/** Deterministic, learnable data: class = whether the first feature is positive. */
function batches(scale = 1): BatchSource {
  const xs = Array.from({ length: ITEMS }, (_, i) => [((i % 2) * 2 - 1) * scale, (i % 3) - 1, i / ITEMS, 0.5]);
  return {
    count: ITEMS,
    async makeBatch(positions) {
      return {
        x: tf.tensor2d(positions.map((p) => xs[p])),
        y: tf.tidy(() => tf.oneHot(tf.tensor1d(positions.map((p) => p % 2), 'int32'), 2).toFloat()),
      };
    },
  };
}

async function weightsOf(model: tf.LayersModel): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

/** Records a copy of the weights at the end of every epoch (runs before early stopping in the callback list). */
function snapshots(store: number[][][]): FitCallback {
  return { onEpochEnd: async (_log, model) => void store.push(await weightsOf(model)) };
}

function scriptedValidation(losses: number[]) {
  let call = 0;
  return async () => ({ loss: losses[Math.min(call++, losses.length - 1)], accuracy: 0.5 });
}

describe('early stopping in the fit loop (real training)', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch’s weights', async () => {
    const plan = planWith(2, 10);
    const events: RunEvent[] = [];
    const ctx = new RunContext(tf, plan, { onEvent: (e) => events.push(e) });
    const model = await makeModel();
    const seen: number[][][] = [];
    const stopping = earlyStopping(ctx);
    const before = tf.memory().numTensors;
    // Best at epoch 2; epochs 3 and 4 do not improve (epoch 4 only by less than min delta) → stop after epoch 4.
    const result = await fit(ctx, {
      model,
      batches: batches(),
      validate: scriptedValidation([1.0, 0.5, 0.7, 0.49995, 0.1, 0.1]),
      epochs: 10,
      batchSize: 4,
      seed: 1,
      callbacks: [snapshots(seen), stopping],
    });
    expect(result.stopped).toBe(true);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(stopping.stoppedEarly).toBe(true);
    expect(stopping.keptEpoch).toBe(2);
    // Training moved the weights after epoch 2 …
    expect(seen[3]).not.toEqual(seen[1]);
    // … and the model ends with exactly epoch 2's weights.
    expect(await weightsOf(model)).toEqual(seen[1]);
    expect(events).toContainEqual({ type: 'status', message: expect.stringMatching(/no improvement for 2 epochs; keeping epoch 2/) });
    // The saved best weights were released.
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('keeps the last epoch when the loss keeps improving, and with patience 0 never stops', async () => {
    for (const [patience, losses] of [
      [3, [1, 0.9, 0.8, 0.7, 0.6]],
      [0, [0.5, 0.9, 0.9, 0.9, 0.9]],
    ] as const) {
      const ctx = new RunContext(tf, planWith(patience, 5), { onEvent: () => {} });
      const model = await makeModel();
      const seen: number[][][] = [];
      const stopping = earlyStopping(ctx);
      const result = await fit(ctx, { model, batches: batches(), validate: scriptedValidation([...losses]), epochs: 5, batchSize: 4, seed: 1, callbacks: [snapshots(seen), stopping] });
      expect(result.stopped, `patience ${patience}`).toBe(false);
      expect(result.epochs).toHaveLength(5);
      expect(stopping.stoppedEarly).toBe(false);
      expect(stopping.keptEpoch).toBe(5);
      expect(await weightsOf(model)).toEqual(seen[4]);
      model.dispose();
    }
  });

  it('restores the best epoch’s weights also when the epoch budget runs out (no early stop)', async () => {
    const events: RunEvent[] = [];
    const ctx = new RunContext(tf, planWith(5, 4), { onEvent: (e) => events.push(e) });
    const model = await makeModel();
    const seen: number[][][] = [];
    const stopping = earlyStopping(ctx);
    const before = tf.memory().numTensors;
    // Best at epoch 2, then worse; patience 5 never runs out within 4 epochs, so the budget ends training.
    const result = await fit(ctx, { model, batches: batches(), validate: scriptedValidation([0.9, 0.4, 0.6, 0.8]), epochs: 4, batchSize: 4, seed: 1, callbacks: [snapshots(seen), stopping] });
    expect(result.stopped).toBe(false);
    expect(result.epochs).toHaveLength(4);
    expect(stopping.stoppedEarly).toBe(false);
    expect(stopping.keptEpoch).toBe(2);
    expect(seen[3]).not.toEqual(seen[1]);
    expect(await weightsOf(model)).toEqual(seen[1]);
    expect(events).toContainEqual({ type: 'status', message: 'Kept the weights of epoch 2 (best validation loss).' });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('monitors the training loss when there is no validation split', async () => {
    const ctx = new RunContext(tf, planWith(1, 6), { onEvent: () => {} });
    // Learning rate 0: the training loss is the same every epoch, so epoch 2 does not improve → stop, keep 1.
    const model = await makeModel(0);
    const stopping = earlyStopping(ctx);
    const result = await fit(ctx, { model, batches: batches(), validate: async () => null, epochs: 6, batchSize: 4, seed: 1, callbacks: [stopping] });
    expect(result.epochs.map((e) => e.valLoss)).toEqual([null, null]);
    expect(stopping.keptEpoch).toBe(1);
    model.dispose();
  });

  it('does not restore weights when training was interrupted (the error wins), and releases them', async () => {
    const ctx = new RunContext(tf, planWith(2, 6), { onEvent: () => {} });
    const model = await makeModel();
    const seen: number[][][] = [];
    // Early stopping says 'stop' after epoch 3 (best: epoch 1), then a later callback of the same epoch throws.
    const failAt3: FitCallback = { onEpochEnd: (log) => { if (log.epoch === 3) throw new Error('boom'); } };
    const stopping = earlyStopping(ctx);
    const before = tf.memory().numTensors;
    await expect(
      fit(ctx, { model, batches: batches(), validate: scriptedValidation([0.5, 0.6, 0.7]), epochs: 6, batchSize: 4, seed: 1, callbacks: [snapshots(seen), stopping, failAt3] }),
    ).rejects.toThrow('boom');
    expect(stopping.stoppedEarly).toBe(true);
    expect(seen[2]).not.toEqual(seen[0]);
    expect(await weightsOf(model)).toEqual(seen[2]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('fit loop mechanics', () => {
  it('averages loss/accuracy over the epoch, shuffles by seed, and emits progress, epoch and node events', async () => {
    const plan = planWith(0, 3);
    const events: RunEvent[] = [];
    const ctx = new RunContext(tf, plan, { onEvent: (e) => events.push(e) });
    const model = await makeModel();
    const sizes: number[] = [];
    const batchLogs: Array<{ loss: number; accuracy: number; size: number }> = [];
    const orders: number[][] = [];
    const source = batches();
    const recording: BatchSource = { count: source.count, makeBatch: (positions) => (orders.push(positions), source.makeBatch(positions)) };
    const images = { value: 0 };
    const started = performance.now();
    const result = await fit(ctx, {
      model,
      batches: recording,
      validate: async () => ({ loss: 0.3, accuracy: 0.75 }),
      epochs: 3,
      batchSize: 5,
      seed: 9,
      callbacks: [progress(ctx, Date.now(), images), nodeStatus(ctx), { onBatchEnd: (b) => (sizes.push(b.size), batchLogs.push(b)) }],
    });
    const elapsed = performance.now() - started;
    expect(sizes).toEqual([5, 5, 2, 5, 5, 2, 5, 5, 2]);
    // Epoch times are milliseconds within the fit call.
    expect(result.epochs.reduce((a, e) => a + e.ms, 0)).toBeLessThanOrEqual(elapsed + 1);
    // The epoch's loss/accuracy are the batch values weighted by batch size.
    result.epochs.forEach((e, k) => {
      const mine = batchLogs.slice(k * 3, k * 3 + 3);
      const n = mine.reduce((a, b) => a + b.size, 0);
      expect(e.loss).toBeCloseTo(mine.reduce((a, b) => a + b.loss * b.size, 0) / n, 10);
      expect(e.accuracy).toBeCloseTo(mine.reduce((a, b) => a + b.accuracy * b.size, 0) / n, 10);
      expect(e.ms).toBeGreaterThanOrEqual(0);
    });
    expect(images.value).toBe(3 * ITEMS);
    // Every epoch visits every item once, in a different order.
    const epoch1 = orders.slice(0, 3).flat();
    const epoch2 = orders.slice(3, 6).flat();
    expect([...epoch1].sort((a, b) => a - b)).toEqual([...Array(ITEMS).keys()]);
    expect(epoch1).not.toEqual(epoch2);
    expect(result.epochs[0]).toMatchObject({ epoch: 1, valLoss: 0.3, valAccuracy: 0.75 });
    for (const e of result.epochs) {
      expect(e.loss).toBeGreaterThan(0.01);
      // A fraction of the epoch's items classified correctly.
      const correct = e.accuracy * ITEMS;
      expect(Math.abs(correct - Math.round(correct)), `accuracy ${e.accuracy}`).toBeLessThan(1e-4);
    }
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e as { totalEpochs: number }).totalEpochs)).toEqual([3, 3, 3]);
    const lastProgress = events.filter((e) => e.type === 'progress').at(-1) as { done: number; total: number; etaMs: number };
    expect([lastProgress.done, lastProgress.total, lastProgress.etaMs]).toEqual([9, 9, 0]);
    const nodeMessages = events.filter((e) => e.type === 'node').map((e) => (e as { message?: string; progress?: number }));
    expect(nodeMessages.map((n) => n.message)).toEqual(['Epoch 1/3', 'Epoch 2/3', 'Epoch 3/3']);
    expect(nodeMessages[0].progress).toBeCloseTo(1 / 3, 10);
    // The same seed gives the same order again.
    const again: number[][] = [];
    await fit(ctx, { model, batches: { count: ITEMS, makeBatch: (p) => (again.push(p), source.makeBatch(p)) }, validate: async () => null, epochs: 1, batchSize: 5, seed: 9, callbacks: [] });
    expect(again).toEqual(orders.slice(0, 3));
    model.dispose();
  });

  it('batch size is floored (at least 1); batches that did not decode are skipped; nothing decoded → NaN', async () => {
    const ctx = new RunContext(tf, planWith(0, 1), { onEvent: () => {} });
    const model = await makeModel();
    const source = batches();
    const sizes: number[] = [];
    const skipSecond: BatchSource = { count: ITEMS, makeBatch: async (p) => (p.includes(0) ? null : source.makeBatch(p)) };
    const r = await fit(ctx, { model, batches: skipSecond, validate: async () => null, epochs: 1, batchSize: 4.9, seed: 2, callbacks: [{ onBatchEnd: (b) => sizes.push(b.size) }] });
    expect(sizes).toEqual([4, 4]); // 3 batches of 4, the one holding item 0 skipped
    expect(Number.isFinite(r.epochs[0].loss)).toBe(true);
    const zero: number[] = [];
    await fit(ctx, { model, batches: source, validate: async () => null, epochs: 1, batchSize: 0, seed: 2, callbacks: [{ onBatchEnd: (b) => zero.push(b.size) }] });
    expect(zero).toEqual(Array(ITEMS).fill(1));
    const none = await fit(ctx, { model, batches: { count: ITEMS, makeBatch: async () => null }, validate: async () => null, epochs: 2, batchSize: 4, seed: 2, callbacks: [] });
    expect(none.epochs.map((e) => [e.loss, e.accuracy])).toEqual([[NaN, NaN], [NaN, NaN]]);
    model.dispose();
  });

  it('cancelling stops before the next batch; callbacks still get onTrainEnd(completed = false)', async () => {
    const controller = new AbortController();
    const ctx = new RunContext(tf, planWith(0, 5), { onEvent: () => {}, signal: controller.signal });
    const model = await makeModel();
    let ended: boolean | null = null;
    let batchesRun = 0;
    const cb: FitCallback = {
      onBatchEnd: () => {
        if (++batchesRun === 2) controller.abort();
      },
      onTrainEnd: (_m, completed) => void (ended = completed),
    };
    await expect(fit(ctx, { model, batches: batches(), validate: async () => null, epochs: 5, batchSize: 4, seed: 1, callbacks: [cb] })).rejects.toMatchObject({ kind: 'cancelled' });
    expect(batchesRun).toBe(2);
    expect(ended).toBe(false);
    model.dispose();
  });

  it('batch events: the last batch of every epoch is always sent (throttling never drops it)', async () => {
    const events: RunEvent[] = [];
    const ctx = new RunContext(tf, planWith(0, 2), { onEvent: (e) => events.push(e) });
    const model = await makeModel();
    await fit(ctx, { model, batches: batches(), validate: async () => null, epochs: 2, batchSize: 4, seed: 1, callbacks: [progress(ctx, Date.now(), { value: 0 })] });
    const batchEvents = events.filter((e) => e.type === 'batch') as Array<{ epoch: number; batch: number; batchesPerEpoch: number; loss: number }>;
    expect(batchEvents.filter((e) => e.batch === 3).map((e) => e.epoch)).toEqual([1, 2]);
    expect(batchEvents.every((e) => e.batchesPerEpoch === 3 && Number.isFinite(e.loss))).toBe(true);
    const training = events.filter((e) => e.type === 'progress') as Array<{ phase: string; done: number; total: number; imagesPerSecond: number }>;
    expect(training.every((e) => e.phase === 'training' && e.total === 6)).toBe(true);
    expect(training.map((e) => e.done)).toContain(3);
    expect(training.at(-1)!.imagesPerSecond).toBeGreaterThan(0);
    model.dispose();
  });

  it('divergence: a loss pinned at the clipping ceiling for 3 batches in a row diverges, 2 do not', async () => {
    const ctx = new RunContext(tf, planWith(0, 1), { onEvent: () => {} });
    const cb = divergence(ctx);
    cb.onTrainBegin!({ epochs: 1, batchesPerEpoch: 10 });
    const batch = (loss: number, n: number) => ({ epoch: 1, batch: n, batchesPerEpoch: 10, loss, accuracy: 0, size: 4 });
    cb.onBatchEnd!(batch(16, 1));
    cb.onBatchEnd!(batch(16, 2));
    cb.onBatchEnd!(batch(1, 3)); // recovered: the count restarts
    cb.onBatchEnd!(batch(16, 4));
    cb.onBatchEnd!(batch(16, 5));
    expect(() => cb.onBatchEnd!(batch(16, 6))).toThrow(/the loss exploded to 16\.0 in epoch 1 \(batch 6\).*try 0\.01 or lower/);
    try {
      divergence(ctx).onBatchEnd!(batch(NaN, 2));
    } catch (e) {
      expect(e).toBeInstanceOf(RunError);
      expect([(e as RunError).kind, (e as RunError).nodeId]).toEqual(['nan-loss', ctx.plan.nodeIds.train]);
    }
    expect(() => divergence(ctx).onBatchEnd!(batch(Infinity, 1))).toThrow(/the loss became Infinity/);
    expect(() => divergence(ctx).onBatchEnd!(batch(NaN, 1))).toThrow(/the loss and weights became NaN/);
    // The suggested rate: a tenth, written plainly down to 0.001, else in exponent form.
    const rate = (learningRate: number) => {
      const p = planWith(0, 1);
      p.train.learningRate = learningRate;
      try {
        divergence(new RunContext(tf, p, { onEvent: () => {} })).onBatchEnd!(batch(NaN, 1));
      } catch (e) {
        return /try (\S+) or lower/.exec((e as Error).message)![1];
      }
      return null;
    };
    expect([rate(0.5), rate(0.01), rate(0.0123), rate(0.005), rate(0.0001)]).toEqual(['0.05', '0.001', '0.0012', '5e-4', '1e-5']);
    // Just below the ceiling (0.85 · −ln 1e-7 ≈ 13.7) is not divergence.
    const below = divergence(ctx);
    for (let i = 1; i <= 5; i++) below.onBatchEnd!(batch(13.6, i));
  });

  it('divergence: non-finite weights at the end of an epoch are divergence', async () => {
    const ctx = new RunContext(tf, planWith(0, 1), { onEvent: () => {} });
    const cb = divergence(ctx);
    cb.onTrainBegin!({ epochs: 1, batchesPerEpoch: 7 });
    const model = await makeModel();
    const log = { epoch: 2, loss: 0.1, accuracy: 1, valLoss: null, valAccuracy: null, ms: 1 };
    await expect(cb.onEpochEnd!(log, model)).resolves.toBeUndefined();
    const nanWeights = model.getWeights().map((w) => tf.fill(w.shape, NaN));
    model.setWeights(nanWeights);
    tf.dispose(nanWeights);
    await expect(cb.onEpochEnd!(log, model)).rejects.toThrow(/became NaN in epoch 2 \(batch 7\)/);
    model.dispose();
  });
});
