/**
 * "Cost before cost": before an expensive run (conv layers train), the page asks the engine how long training will
 * take. This prepares the same data split, trunk, freezing and head as the run would, lets "Auto" measure its
 * candidates (backend-probe.ts; the run that follows reuses that measurement from the session cache) or times the
 * forced backend alone, and returns ms per batch × batches × epochs. Nothing is trained; every tensor is disposed.
 */
import type { Plan } from '../core/plan';
import type { EngineHost } from './host';
import type { BackendName, BackendProbe } from './types';
import { RunContext } from './context';
import { prepareData } from './data/prepare';
import { prepareTrunk } from './model/trunk';
import { buildHead } from './model/head';
import { choosePath } from './strategies/choose';
import { measureAutoBackends } from './backend-probe';

export interface CostProbe {
  /** Backend the run will train on. */
  backend: BackendName;
  /** Measured ms per probe batch of `batchImages` images on that backend (the trainable part, forward + backward). */
  msPerBatch: number;
  batchImages: number;
  trainImages: number;
  epochs: number;
  /** Training time estimate: msPerBatch / batchImages × trainImages × epochs (the epoch ceiling; early stopping may end sooner). */
  estimateMs: number;
  /** What was measured, in words (the probe's summary). */
  summary: string;
  path: 'cached' | 'full';
}

export async function probeRunCost(plan: Plan, host: EngineHost, signal?: AbortSignal): Promise<CostProbe> {
  const ctx = new RunContext(host.tf, plan, { onEvent: () => {}, signal });
  try {
    const data = await prepareData(ctx, host);
    const trunk = await prepareTrunk(ctx, host, false);
    const numClasses = data.labels.length;
    const selection = await host.selectBackends(plan, { trainsConvLayers: trunk.trainsConvLayers });
    const head = buildHead(host.tf, plan.classifier.head, trunk.featureShape, numClasses, plan.train.seed);
    ctx.looseLayers.push(...head.layers, ...(head.pooling ? [head.pooling] : []));
    const workload = { featureImages: data.train.length + data.validation.length + data.test.length, trainImages: data.train.length };
    const path = choosePath(trunk, plan.train, {}, { rows: workload.featureImages, featureDim: head.featureDim }).path;
    // A forced backend is measured alone (a one-candidate probe); "Auto" measures every candidate.
    const candidates = selection.candidates && selection.candidates.length > 0 ? selection.candidates : [selection.train];
    const measured = await measureAutoBackends({ ctx, host, selection: { ...selection, candidates }, path, trunk, head, numClasses, workload, always: true });
    const probe = measured.probe as BackendProbe;
    const trainPhase = probe.phases.find((p) => p.phase !== 'features')!;
    const chosen = trainPhase.measurements.find((m) => m.backend === trainPhase.chosen)!;
    const msPerBatch = chosen.msPerBatch ?? 0;
    const { epochs, batchSize } = plan.train;
    const estimateMs = path === 'full'
      ? (msPerBatch / trainPhase.batchImages) * data.train.length * epochs
      : msPerBatch * Math.ceil(data.train.length / batchSize) * epochs;
    return { backend: measured.train, msPerBatch, batchImages: trainPhase.batchImages, trainImages: data.train.length, epochs, estimateMs, summary: probe.summary, path };
  } finally {
    ctx.disposeAll();
  }
}
