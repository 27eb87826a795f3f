/**
 * The run summary: one line per pipeline node after a run, in run order. Each node definition says what its line
 * shows (`runSummary`); by default its card summary. Pure: the run panel renders it.
 */
import type { Plan, RunOutcome } from './core/plan';
import { parseNodeParams } from './core/params';
import { getNodeDefinition } from './registry';
import type { RunResult } from './engine/types';

export interface RunSummaryLine {
  nodeId: string;
  title: string;
  text: string;
}

/** The part of a run result node definitions see. */
export function runOutcomeOf(result: Pick<RunResult, 'evaluation' | 'epochs' | 'keptEpoch' | 'backend'>): RunOutcome {
  return {
    testAccuracy: Number.isFinite(result.evaluation?.accuracy) ? result.evaluation.accuracy : null,
    epochsRun: result.epochs.length,
    keptEpoch: result.keptEpoch ?? null,
    backend: result.backend ?? null,
  };
}

export function runSummary(plan: Plan, outcome: RunOutcome): RunSummaryLine[] {
  return (plan.steps ?? []).map((step) => {
    const def = getNodeDefinition(step.type);
    const node = plan.graph.nodes.find((n) => n.id === step.nodeId);
    let text = step.summary;
    if (def?.runSummary && node) {
      try {
        text = def.runSummary(parseNodeParams(def, node.params).params as never, outcome);
      } catch {
        text = step.summary;
      }
    }
    return { nodeId: step.nodeId, title: step.title, text };
  });
}
