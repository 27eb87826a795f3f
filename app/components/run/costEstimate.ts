/**
 * "Cost before cost": before a run that trains the pretrained (convolutional) layers, estimate how long it will take
 * and say what is cheaper. The estimate comes from a short measured probe in the engine (nodes/engine/cost-probe.ts:
 * two batches of the trainable part on each backend "Auto" may use; the run then reuses that measurement). While the
 * probe runs, an earlier full-pass run's speed from this browser's history stands in; without either, the estimate
 * says it is unknown rather than guess.
 */
import type { Plan } from '@/nodes/core/plan';
import { getSyntheticDataset } from '@/nodes/dataset/synthetic';
import type { RunHistoryEntry } from '@/app/state/runStore';
import type { CostProbe } from '@/nodes/engine/cost-probe';

export interface CostEstimate {
  /** Why this run is expensive, in words. */
  reason: string;
  /** Training images per epoch, when known before loading the dataset. */
  trainImages: number | null;
  /** Measured full-pass speed in this browser (images/s), when there is one. */
  imagesPerSecond: number | null;
  /** Estimated training time in ms (null = unknown). */
  estimateMs: number | null;
  /** Node id of Freeze Layers, for the cheaper alternative. */
  freezeNodeId: string | null;
  /** The engine's probe is measuring (the estimate above is provisional). */
  probing?: boolean;
  /** What the probe measured, when it has: the estimate then comes from it. */
  probe?: CostProbe;
}

/** The estimate from the engine's measured probe: ms per batch × batches × epochs on the backend the run will use. */
export function withProbe(estimate: CostEstimate, probe: CostProbe): CostEstimate {
  return {
    ...estimate,
    probing: false,
    probe,
    trainImages: probe.trainImages,
    imagesPerSecond: probe.msPerBatch > 0 ? (probe.batchImages * 1000) / probe.msPerBatch : estimate.imagesPerSecond,
    estimateMs: probe.estimateMs,
  };
}

export function trainsConvLayers(plan: Plan): boolean {
  return !plan.tune && plan.classifier.model.freeze.mode !== 'all';
}

function trainImageCount(plan: Plan): number | null {
  const info = getSyntheticDataset(plan.dataset.datasetId);
  if (!info) return null;
  const perClass = plan.dataset.maxImagesPerClass > 0 ? Math.min(info.perClass, plan.dataset.maxImagesPerClass) : info.perClass;
  const afterTest = Math.round(perClass * (1 - plan.dataset.testSplit));
  return Math.round(afterTest * (1 - plan.train.validationSplit)) * info.classes.length;
}

export function estimateCost(plan: Plan, history: readonly RunHistoryEntry[]): CostEstimate | null {
  if (!trainsConvLayers(plan)) return null;
  const f = plan.classifier.model.freeze;
  const what =
    f.mode === 'none' ? 'every pretrained layer' : f.mode === 'firstN' ? `the layers after the first ${f.count}` : f.mode === 'upTo' ? `the layers after ${f.layer}` : 'no layer';
  const trainImages = trainImageCount(plan);
  const measured = history.find((e) => e.path === 'full' && e.status === 'done' && (e.imagesPerSecond ?? 0) > 0);
  const ips = measured?.imagesPerSecond ?? null;
  const estimateMs = trainImages !== null && ips ? ((trainImages * plan.train.epochs) / ips) * 1000 : null;
  return {
    reason: `This run fine-tunes ${what}: every epoch runs full forward and backward passes through the network, instead of computing the pretrained features once and training only the head.`,
    trainImages,
    imagesPerSecond: ips,
    estimateMs,
    freezeNodeId: plan.classifier.nodeIds.freeze ?? null,
  };
}
