/**
 * "Repeat with N seeds": the same plan run N times through the normal engine with different split and training
 * seeds, so one number becomes a mean ± sd. Seeds are a fixed function of the plan's own seeds (run 1 is the plan
 * as built), so two recipes repeated from the same Dataset/Train seeds get the same splits and pair by seed.
 * Runs share a FeatureStore, so re-running a recipe (or a second recipe with the same trunk) on a split it already
 * saw reuses its trunk features.
 */
import type { Plan } from '../core/plan';
import type { EngineHost, RunPlan, RunPlanOptions } from './host';
import type { RunEvent, RunResult } from './types';
import { FeatureStore } from './feature-store';
import { applyPlanOverrides, type PlanOverrides } from './overrides';
import { correctnessString } from './stats/compare';
import { spread, type Spread } from './stats/repeat-stats';

export type RunOverrides = Pick<PlanOverrides, 'splitSeed' | 'trainSeed' | 'dataset'>;

/** The plan with other seeds/dataset (the engine's overrides), also written into its graph so anything that
 * re-plans from the graph (tuning trials, the history's "re-run") sees the same seeds. Pass the same overrides as
 * `RunPlanOptions.overrides` too: the engine applies them to every trial. */
export function applyRunOverrides(plan: Plan, o: RunOverrides): Plan {
  const next: Plan = structuredClone(applyPlanOverrides(plan, o));
  for (const node of next.graph.nodes) {
    if (node.id === next.nodeIds.dataset) {
      if (o.splitSeed !== undefined) node.params.splitSeed = o.splitSeed;
      if (o.dataset !== undefined) node.params.datasetId = o.dataset;
    }
    if (node.id === next.nodeIds.train && o.trainSeed !== undefined) node.params.seed = o.trainSeed;
  }
  return next;
}

/** Seeds of repeat i (0-based): i = 0 is the plan as built. */
export function repeatSeeds(plan: Plan, count: number): Array<{ splitSeed: number; trainSeed: number }> {
  return Array.from({ length: count }, (_, i) => ({ splitSeed: plan.dataset.splitSeed + i, trainSeed: plan.train.seed + i }));
}

export interface RepeatRun {
  splitSeed: number;
  trainSeed: number;
  accuracy: number | null;
  loss: number | null;
  testSize: number;
  splitFingerprint: string | null;
  correct: string | null;
}

export function repeatRunOf(seeds: { splitSeed: number; trainSeed: number }, result: RunResult): RepeatRun {
  const e = result.evaluation;
  return {
    ...seeds,
    accuracy: e.testSize > 0 ? e.accuracy : null,
    loss: e.testSize > 0 ? e.loss : null,
    testSize: e.testSize,
    splitFingerprint: result.splitFingerprint ?? null,
    correct: e.predictions ? correctnessString(e.predictions) : null,
  };
}

export interface RepeatSummary {
  runs: RepeatRun[];
  spread: Spread;
}

export function summariseRepeats(runs: RepeatRun[]): RepeatSummary {
  return { runs, spread: spread(runs.map((r) => r.accuracy ?? NaN)) };
}

export interface RepeatOptions extends Omit<RunPlanOptions, 'onEvent'> {
  count: number;
  onEvent?(repeat: number, event: RunEvent): void;
  onRun?(repeat: number, run: RepeatRun, result: RunResult): void;
}

/** Run the plan `count` times (sequentially: tfjs has one backend) and summarise. */
export async function runRepeated(plan: Plan, host: EngineHost, runPlan: RunPlan, options: RepeatOptions): Promise<RepeatSummary> {
  const { count, onEvent, onRun, ...rest } = options;
  const featureStore = rest.featureStore ?? new FeatureStore();
  const runs: RepeatRun[] = [];
  const seeds = repeatSeeds(plan, count);
  for (let i = 0; i < seeds.length; i++) {
    const result = await runPlan(applyRunOverrides(plan, seeds[i]), host, {
      ...rest,
      overrides: seeds[i],
      featureStore,
      onEvent: (event) => onEvent?.(i, event),
    });
    const run = repeatRunOf(seeds[i], result);
    runs.push(run);
    onRun?.(i, run, result);
  }
  return summariseRepeats(runs);
}
