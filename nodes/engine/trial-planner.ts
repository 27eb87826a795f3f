/**
 * How the tuner gets each trial's Plan without importing the compiler (which would pull node definitions into the
 * engine and the worker): the caller passes a TrialPlanner. Node callers use `planTrial` from
 * nodes/compiler/trial-plan.ts; the browser page compiles every trial up front and the worker looks them up.
 */
import { RunError, type TrialConfig, type TrialPlanner, type PlannedTrials } from './types';

export type { TrialConfig, TrialPlanner, PlannedTrials } from './types';

export function configKey(config: TrialConfig): string {
  return JSON.stringify(Object.keys(config).sort().map((k) => [k, config[k]]));
}

/** A TrialPlanner answering from pre-compiled trials. */
export function plannerFromList(trials: PlannedTrials): TrialPlanner {
  const byKey = new Map(trials.map((t) => [configKey(t.config), t]));
  return (plan, config) => {
    const found = byKey.get(configKey(config));
    if (!found) throw new RunError('This trial was not planned before the run started.', 'internal', plan.nodeIds.train);
    if (!found.plan) {
      throw new RunError(
        `This trial's settings do not compile: ${found.error?.message ?? 'unknown problem'}`,
        'internal',
        found.error?.nodeId ?? plan.nodeIds.train,
      );
    }
    return found.plan;
  };
}
