/**
 * The compiler side of hyperparameter trials: a trial's Plan is the search graph with the trial's values,
 * recompiled, without tuning. The engine receives `planTrial` as a function (RunPlanOptions.planTrial) so it never
 * imports the compiler; the browser compiles every trial up front (`planAllTrials`) and posts them to the worker.
 */
import type { Plan } from '../core/plan';
import { compileGraph, withParamOverrides } from './index';
import { RunError } from '../engine/types';
import type { PlannedTrials, TrialConfig, TrialPlanner } from '../engine/trial-planner';
import { configsForPlan, parseDimensionKey } from '../hyperparameter-tune/search';

export const planTrial: TrialPlanner = (plan: Plan, config: TrialConfig): Plan => {
  const overrides = Object.entries(config).map(([key, value]) => ({ ...parseDimensionKey(key), value }));
  const compiled = compileGraph(withParamOverrides(plan.graph, overrides));
  if (!compiled.ok) {
    const first = compiled.errors[0];
    throw new RunError(
      `This trial's settings do not compile: ${first?.message ?? 'unknown problem'}`,
      'internal',
      first?.nodeId ?? plan.nodeIds.train,
    );
  }
  return { ...compiled.plan, tune: null };
};

/** Every trial's config and Plan, in search order (what the search would run without a time budget or halving). */
export function searchTrials(plan: Plan): Array<{ id: number; config: TrialConfig; plan: Plan }> {
  if (!plan.tune) throw new Error('not a tuning plan');
  return configsForPlan(plan.tune).map((config, i) => ({ id: i + 1, config, plan: planTrial(plan, config) }));
}

/** Every trial compiled ahead of time (failures kept as errors, reported when the trial would run). */
export function planAllTrials(plan: Plan): PlannedTrials {
  if (!plan.tune) return [];
  let configs: TrialConfig[];
  try {
    configs = configsForPlan(plan.tune);
  } catch {
    return []; // the engine reports the invalid search space itself
  }
  return configs.map((config) => {
    try {
      return { config, plan: planTrial(plan, config) };
    } catch (error) {
      const e = error instanceof RunError ? error : new RunError(String(error), 'internal');
      return { config, plan: null, error: { message: e.message.replace(/^This trial's settings do not compile: /, ''), nodeId: e.nodeId } };
    }
  });
}
