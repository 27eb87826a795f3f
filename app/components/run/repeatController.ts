'use client';
/**
 * "Repeat with N seeds" and "Re-run B on A's split": plans derived from a graph with other seeds, run one after the
 * other through the normal run controller (progress, Try it, tensor accounting as for any run), sharing trunk
 * features in the worker. A repeat is recorded as one history entry carrying every run.
 */
import { compileGraph } from '@/nodes/compiler';
import type { GraftGraph } from '@/nodes/core/graph';
import { applyRunOverrides, repeatRunOf, repeatSeeds, summariseRepeats, type RunOverrides } from '@/nodes/engine/repeat';
import { repeatHeadline } from '@/nodes/engine/stats/verdict';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore, type RunHistoryEntry } from '@/app/state/runStore';
import { currentHistoryKey, describePlan, isRunning, launchRun, type LaunchOutcome } from './controller';
import { appendHistory } from './history';
import { repeatTrust } from './trustHistory';
import { useRepeatStore } from './repeatStore';

export const MAX_REPEATS = 20;

export async function startRepeat(count: number): Promise<void> {
  if (isRunning()) return;
  const n = Math.max(2, Math.min(MAX_REPEATS, Math.floor(count)));
  const compiled = compileGraph(useGraphStore.getState().graph);
  if (!compiled.ok) {
    useRunStore.getState().setBlockedBy(compiled.errors.length ? compiled.errors : [{ nodeId: null, message: 'The graph cannot be compiled.' }]);
    return;
  }
  const plan = compiled.plan;
  const seeds = repeatSeeds(plan, n);
  const repeat = useRepeatStore;
  repeat.setState({ status: 'running', count: n, index: 0, runs: [], error: null });
  const runs = [];
  let firstDate: number | null = null;
  let last: LaunchOutcome | null = null;
  for (let i = 0; i < seeds.length; i++) {
    repeat.setState({ index: i });
    const launched = launchRun('main', { plan: applyRunOverrides(plan, seeds[i]), overrides: seeds[i], reuseFeatures: true, recordHistory: false });
    if (!launched) {
      repeat.setState({ status: 'error', error: 'Another run is in progress.' });
      break;
    }
    const outcome = await launched;
    last = outcome;
    firstDate ??= outcome.session?.startedAt ?? Date.now();
    const final = outcome.final;
    if (final.type !== 'done') {
      const cancelled = final.type === 'error' && final.kind === 'cancelled';
      repeat.setState({ status: cancelled ? 'cancelled' : 'error', error: cancelled ? null : final.type === 'error' ? final.message : 'The run did not finish.' });
      break;
    }
    runs.push(repeatRunOf(seeds[i], final.result));
    repeat.setState({ runs: [...runs] });
  }
  if (repeat.getState().status === 'running') repeat.setState({ status: 'done' });
  if (runs.length > 0 && last?.entry) {
    const summary = summariseRepeats(runs);
    const entry: RunHistoryEntry = {
      ...last.entry,
      date: firstDate ?? last.entry.date,
      accuracy: summary.spread.mean,
      loss: null,
      status: 'done',
      summary: `${describePlan(plan)} · repeated: ${repeatHeadline(summary.spread)}`,
      trust: repeatTrust(runs, plan),
    };
    appendHistory(currentHistoryKey(), entry);
  }
}

/** Run `graph` (B's recipe) with other seeds/dataset (A's split); resolves with the new history entry. */
export async function rerunOnSplit(graph: GraftGraph, overrides: RunOverrides): Promise<RunHistoryEntry | string> {
  if (isRunning()) return 'Another run is in progress.';
  const compiled = compileGraph(graph);
  if (!compiled.ok) return `That run's graph no longer compiles: ${compiled.errors[0]?.message ?? 'unknown problem'}.`;
  useRepeatStore.getState().reset();
  const launched = launchRun('main', { plan: applyRunOverrides(compiled.plan, overrides), overrides, reuseFeatures: true, summarySuffix: ` · re-run on split seed ${overrides.splitSeed}` });
  if (!launched) return 'Another run is in progress.';
  const outcome = await launched;
  if (outcome.final.type !== 'done' || !outcome.entry) return outcome.final.type === 'error' ? outcome.final.message : 'The re-run did not finish.';
  return outcome.entry;
}
