/**
 * "Auto" by measurement, for every host: the host lists the backends that can run the plan (backend-policy.ts
 * `autoCandidates`: the browser's WebGPU/WebGL/WASM/CPU, Node's WASM/CPU); this module times the trainable part on
 * each and picks the fastest per phase:
 *   features  the frozen trunk's forward pass (cached path; the head then trains on the features)
 *   head      forward + backward through the head on feature rows (cached path)
 *   full      forward + backward through the whole classifier: the unfrozen conv layers and the head (fine-tuning,
 *             or the feature cache turned off)
 * Per candidate: one warm-up (kernels, shaders, weights moved to the backend), then two timed batches; the fastest
 * batch counts. To keep the probe cheap a candidate already far slower than the best so far (its one-image warm-up
 * alone, scaled to a batch, or its first batch) is dropped without its other batches. Nothing is trained: gradients
 * are computed and thrown away, layers run in inference mode (BatchNorm statistics untouched), inputs are seeded
 * noise — the run's weights and random streams are exactly as without the probe. Results are cached per
 * (model, cut, freeze, head, batch size, candidates, adapter) for the session.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendSelection, EngineHost } from './host';
import type { BackendName, BackendProbe } from './types';
import type { RunContext, TF } from './context';
import type { PreparedTrunk } from './model/trunk';
import { poolFeatures, type Head } from './model/head';
import { INFERENCE_BATCH } from './strategies/common';
import { buildFusedTrunk, type FusedTrunk } from './model/fused-trunk';

type PhaseProbe = BackendProbe['phases'][number];
type Measurement = PhaseProbe['measurements'][number];
type Phase = PhaseProbe['phase'];

/** Images per timed probe batch for image phases (MobileNet on the CPU backend takes ~0.1–1 s per image). */
export const PROBE_IMAGES = 4;
/** A candidate this many times slower than the best so far is dropped without its remaining batches. */
const STOP_FACTOR = 3;
/** Same after the one-image warm-up, which also pays one-time costs (kernel set-up, weights moved, shaders). */
const WARM_STOP_FACTOR = 8;
export const probeLimits = {
  /** Other candidates are measured only when the phase, at the first candidate's speed, takes this many times what
   * measuring costs (so far, plus the next candidate's cheapest measurement): the probe stays a small part of the run. */
  worthFactor: 10,
  /** …and only when the phase lasts at least this long: a shorter phase cannot gain what measuring costs. */
  minPhaseMs: 5000,
};
const TIMED_BATCHES = 2;

/** Per phase: what was measured, and for how much work (a phase skipped as too short is measured again when a
 * later run does more). Keys name only what shapes the phase's cost, so tuning trials that change the head reuse the
 * trunk's measurement. */
const cache = new Map<string, { phase: PhaseProbe; work: number }>();

/** Forget every cached measurement (benchmarks and tests measure a fresh session). */
export function clearBackendProbeCache(): void {
  cache.clear();
}

export interface ProbeInput {
  ctx: RunContext;
  host: EngineHost;
  selection: BackendSelection;
  path: 'cached' | 'full';
  trunk: PreparedTrunk;
  head: Head;
  numClasses: number;
  /** Images the run pushes through the trunk for features (cached path) and trains on per epoch. */
  workload: { featureImages: number; trainImages: number };
  /** Measure even a single candidate (the cost estimate times a forced backend too). */
  always?: boolean;
}

/** Measure the candidates when "Auto" left a choice; returns the selection to run with (the backend is active). */
export async function measureAutoBackends(input: ProbeInput): Promise<BackendSelection & { probe?: BackendProbe }> {
  const { ctx, host, selection, path, trunk, head, numClasses, workload } = input;
  const candidates = selection.candidates ?? [];
  if (candidates.length < (input.always ? 1 : 2)) return selection;
  const { plan } = ctx;
  const phases: Phase[] = path === 'cached' ? ['features', 'head'] : ['full'];
  const { batchSize, epochs } = plan.train;
  const hostKey = [candidates, selection.adapter ?? ''];
  const trunkKey = [plan.classifier.model.source, trunk.truncateAt, plan.classifier.model.freeze, trunk.inputSize, plan.classifier.head.pooling];
  const headKey = [head.featureDim, plan.classifier.head, numClasses, batchSize];
  const started = now();
  const measured: PhaseProbe[] = [];
  let reusedAll = true;
  for (const phase of phases) {
    const key = JSON.stringify([phase, ...hostKey, ...(phase === 'features' ? trunkKey : phase === 'head' ? headKey : [...trunkKey, ...headKey])]);
    // The phase's length in probe batches, to weigh the probe's cost against.
    const phaseBatches = (batch: number) =>
      phase === 'features' ? workload.featureImages / batch : phase === 'head' ? Math.ceil(workload.trainImages / batchSize) * epochs : (workload.trainImages * epochs) / batch;
    const work = phaseBatches(1);
    const cached = cache.get(key);
    // A cost estimate (`always`) needs timed batches: a phase decided from a warm-up alone is measured again.
    const timed = !input.always || cached?.phase.measurements.some((m) => m.backend === cached.phase.chosen && m.timedBatches > 0);
    if (cached && timed && (!cached.phase.skipped || cached.work >= work)) {
      measured.push({ ...cached.phase, costMs: 0 });
      continue;
    }
    if (reusedAll) ctx.status(`Auto: measuring ${candidates.join(', ')} on two batches each…`);
    reusedAll = false;
    const phaseProbe = await probePhase(ctx, host, candidates, phase, phaseWork(ctx.tf, phase, trunk, head, numClasses), phaseBatches, trunk.trainsConvLayers, input.always === true);
    cache.set(key, { phase: phaseProbe, work });
    measured.push(phaseProbe);
  }
  const costMs = reusedAll ? 0 : now() - started;
  const summary = summarise(measured, costMs);
  const probe: BackendProbe = { phases: measured, costMs, reused: reusedAll, summary: reusedAll ? `${summary.replace(/ Probe took .*$/, '')} (measured earlier this session).` : summary };
  const chosenFor = (phase: Phase) => probe.phases.find((p) => p.phase === phase)!.chosen;
  const train = chosenFor(path === 'cached' ? 'head' : 'full');
  const featuresOn = path === 'cached' ? chosenFor('features') : train;
  await host.useBackend(train);
  return {
    ...selection,
    train,
    features: featuresOn === train ? null : featuresOn,
    reason: `${selection.reason} ${probe.summary}`.trim(),
    probe,
  };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** One unit of the phase's work on `n` images (rows), awaited to completion; returns its wall time in ms. */
type Work = ((n: number) => Promise<number>) & {
  /** One image through the trunk, layer by layer, giving up once `budgetMs` is spent: the ms spent and whether it
   * finished. Bounds what a hopeless candidate costs (the CPU backend takes seconds per MobileNet image). */
  bounded?(budgetMs: number): Promise<{ ms: number; finished: boolean }>;
};

/** Forward one input through a functional model layer by layer (frozen layers keep their inference-mode call),
 * stopping after the layer that crosses `deadline`. Null when the graph cannot be walked this way. */
async function forwardUntil(tf: TF, model: tfjs.LayersModel, x: tfjs.Tensor, deadline: number): Promise<{ finished: boolean } | null> {
  const values = new Map<number, tfjs.Tensor>([[model.inputs[0].id, x]]);
  const made: tfjs.Tensor[] = [x]; // owned here: disposed with the layer outputs
  let pending: Promise<unknown> | null = null;
  try {
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      const node = layer.inboundNodes.find((n) => n.inputTensors.length > 0 && n.inputTensors.every((t) => values.has(t.id)));
      if (!node) return null;
      const inputs = node.inputTensors.map((t) => values.get(t.id)!);
      const out = tf.tidy(() => layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tfjs.Tensor | tfjs.Tensor[]);
      (Array.isArray(out) ? out : [out]).forEach((t, i) => {
        made.push(t);
        values.set(node.outputTensors[i].id, t);
      });
      if (now() > deadline) return { finished: false };
    }
    // GPU backends queue the work: wait for it, but not past the deadline (a software adapter can take seconds);
    // work still queued then finishes in the background and its tensors are disposed when it does.
    pending = made[made.length - 1].data();
    const inTime = await Promise.race([pending.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), Math.max(0, deadline - now())))]);
    if (inTime) pending = null;
    return { finished: inTime && now() <= deadline };
  } finally {
    if (pending) void pending.catch(() => null).then(() => tf.dispose(made));
    else tf.dispose(made);
  }
}

function phaseWork(tf: TF, phase: Phase, trunk: PreparedTrunk, head: Head, numClasses: number): Work {
  const [h, w] = trunk.inputSize;
  const headForward = (x: tfjs.Tensor) => {
    let y = x;
    for (const layer of head.layers) y = layer.apply(y, { training: false }) as tfjs.Tensor;
    return y;
  };
  const variables = (): tfjs.Variable[] => {
    const layerVars = phase === 'full' ? trunk.trunk.trainableWeights : [];
    return [...layerVars, ...head.layers.flatMap((l) => l.trainableWeights)].map((v) => v.read() as tfjs.Variable);
  };
  const work: Work = async (n) => {
    const x = phase === 'head' ? tf.randomUniform([n, head.featureDim], 0, 1, 'float32', 7) : tf.randomUniform([n, h, w, 3], -1, 1, 'float32', 7);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % numClasses), 'int32'), numClasses).toFloat());
    let done: tfjs.Tensor | null = null;
    let fused: FusedTrunk | null = null;
    try {
      // Head layers are built lazily (their seeded initialisers give the same weights whenever that happens).
      if (phase !== 'features') tf.tidy(() => headForward(phase === 'head' ? x.slice(0, 1) : tf.zeros([1, head.featureDim]))).dispose();
      // The features phase times what extraction runs (the fused trunk, built on this backend before the clock starts).
      fused = phase === 'features' ? buildFusedTrunk(tf, trunk.trunk) : null;
      const started = now();
      if (fused) {
        const forward = fused;
        done = tf.tidy(() => {
          return poolFeatures(head, forward.predict(x));
        });
      } else {
        const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
          const features = phase === 'full' ? poolFeatures(head, trunk.trunk.apply(x, { training: false }) as tfjs.Tensor) : x;
          const p = tf.clipByValue(headForward(features), 1e-7, 1);
          return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(p)), -1))) as tfjs.Scalar;
        }), variables());
        // One scalar that depends on every gradient: reading it waits for the whole backward pass (GPU backends queue).
        done = tf.tidy(() => tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]));
        value.dispose();
        tf.dispose(Object.values(grads));
      }
      await done.data();
      return now() - started;
    } finally {
      // Also when a candidate fails mid-batch (caught per candidate): nothing of the probe stays allocated.
      tf.dispose([x, y, ...(done ? [done] : [])]);
      fused?.dispose();
    }
  };
  if (phase !== 'head') {
    work.bounded = async (budgetMs) => {
      const started = now();
      const walked = await forwardUntil(tf, trunk.trunk, tf.randomUniform([1, h, w, 3], -1, 1, 'float32', 7), started + budgetMs);
      return { ms: now() - started, finished: walked === null || walked.finished };
    };
  }
  return work;
}

async function probePhase(
  ctx: RunContext,
  host: EngineHost,
  candidates: BackendName[],
  phase: Phase,
  work: Work,
  phaseBatches: (batch: number) => number,
  trainsConvLayers: boolean,
  /** Time two batches of the first candidate even when its warm-up already shows the phase is short (cost estimates). */
  always: boolean,
): Promise<PhaseProbe> {
  const started = now();
  const batch = phase === 'head' ? ctx.plan.train.batchSize : Math.min(PROBE_IMAGES, phase === 'features' ? INFERENCE_BATCH : ctx.plan.train.batchSize);
  const measurements: Measurement[] = [];
  let best = Infinity;
  let skipped: string | undefined;
  // The first candidate's warm-up is not the probe's cost: the run pays it in its first batch anyway.
  let probeStart = started;
  for (const backend of candidates) {
    ctx.checkCancelled();
    const phaseMs = best * phaseBatches(batch);
    // What measuring the next candidate costs at the very least: its bounded one-image warm-up (below).
    const nextCostMs = best < Infinity && work.bounded ? (WARM_STOP_FACTOR * best) / batch : 0;
    if (best < Infinity && (phaseMs < probeLimits.worthFactor * (now() - probeStart + nextCostMs) || phaseMs < probeLimits.minPhaseMs)) {
      skipped = `this phase takes about ${formatMs(best * phaseBatches(batch))} on ${measurements[0].backend}: too short to be worth measuring ${candidates.slice(measurements.length).join(', ')}`;
      break;
    }
    const m: Measurement = { backend, msPerBatch: null, timedBatches: 0, stoppedEarly: false };
    measurements.push(m);
    try {
      await host.useBackend(backend);
      // A later candidate first runs one image forward under a time budget: one that cannot even do that within
      // WARM_STOP_FACTOR × the best per-image time is out, at a bounded cost.
      if (best < Infinity && work.bounded) {
        const bounded = await work.bounded((WARM_STOP_FACTOR * best) / batch);
        if (!bounded.finished) {
          Object.assign(m, { msPerBatch: bounded.ms * batch, stoppedEarly: true });
          continue;
        }
      }
      // Warm-up on one image (a whole batch of rows for the cheap head): scaled up, it bounds the batch time.
      const warmUnits = phase === 'head' ? batch : 1;
      const warm = await work(warmUnits);
      if (measurements.length === 1) probeStart = now();
      // The warm-up also pays one-time costs, so scaled up it bounds the phase from above: when even that bound is
      // under the shortest phase worth measuring other candidates for, timing batches could not change the choice.
      const warmPerBatch = (warm * batch) / warmUnits;
      if (measurements.length === 1 && candidates.length > 1 && !always && warmPerBatch * phaseBatches(batch) < probeLimits.minPhaseMs) {
        Object.assign(m, { msPerBatch: warmPerBatch });
        best = warmPerBatch;
        skipped = `this phase takes at most about ${formatMs(warmPerBatch * phaseBatches(batch))} on ${backend} (its warm-up): too short to be worth measuring ${candidates.slice(1).join(', ')}`;
        break;
      }
      if (warmPerBatch > WARM_STOP_FACTOR * best) {
        Object.assign(m, { msPerBatch: warmPerBatch, stoppedEarly: true });
        continue;
      }
      for (let i = 0; i < TIMED_BATCHES; i++) {
        await ctx.pollCancelled();
        const ms = await work(batch);
        m.timedBatches++;
        m.msPerBatch = Math.min(m.msPerBatch ?? Infinity, ms);
        if (ms > STOP_FACTOR * best) {
          m.stoppedEarly = i < TIMED_BATCHES - 1;
          break;
        }
      }
      best = Math.min(best, m.msPerBatch ?? Infinity);
    } catch (error) {
      if (ctx.options.signal?.aborted) throw error;
      m.failed = (error as Error).message?.slice(0, 200) || 'failed';
    }
  }
  const ran = measurements.filter((m) => m.msPerBatch !== null && !m.stoppedEarly);
  const fastest = ran.reduce<Measurement | null>((a, m) => (a === null || m.msPerBatch! < a.msPerBatch! ? m : a), null);
  const label = phase === 'features' ? 'features' : phase === 'head' ? 'head training' : trainsConvLayers ? 'fine-tuning' : 'full passes';
  return { phase, label, batchImages: batch, measurements, chosen: fastest?.backend ?? candidates[0], costMs: now() - started, skipped };
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** "Auto measured 2 batches per backend — fine-tuning (4 images/batch): wasm 310 ms, cpu ≥ 6400 ms (stopped early) → wasm. Probe took 1.2 s." */
export function summarise(phases: PhaseProbe[], costMs: number): string {
  const parts = phases.map((p) => {
    const unit = p.phase === 'head' ? 'rows' : 'images';
    const each = p.measurements.map((m) =>
      m.failed
        ? `${m.backend} failed`
        : m.stoppedEarly
          ? `${m.backend} ≥ ${formatMs(m.msPerBatch!)} (stopped early)`
          : m.timedBatches === 0
            ? `${m.backend} ≤ ${formatMs(m.msPerBatch!)} (warm-up only)`
            : `${m.backend} ${formatMs(m.msPerBatch!)}`,
    );
    return `${p.label} (${p.batchImages} ${unit}/batch): ${each.join(', ')}${p.skipped ? ` (${p.skipped})` : ''} → ${p.chosen}`;
  });
  return `Auto measured ${TIMED_BATCHES} batches per backend — ${parts.join('; ')}. Probe took ${(costMs / 1000).toFixed(1)} s.`;
}
