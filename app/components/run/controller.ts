'use client';
/**
 * Starts/cancels runs: compiles the current graph (compile errors block the run and are shown), sends the plan to
 * the engine worker and feeds its events into the run store (progress events coalesced so the page stays smooth).
 */
import { compileGraph } from '@/nodes/compiler';
import type { RunEvent } from '@/nodes/engine/types';
import { getEngineClient, type RunHandle } from '@/nodes/engine/host-browser/client';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore, type RunKind, type RunHistoryEntry, type RunSession } from '@/app/state/runStore';
import { usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { draftErrors, useDraftStore } from '@/app/state/draftStore';
import { historyKey, removeHistoryEntry, upsertHistory } from './history';
import { saveRunResults } from './savedResults';
import { describeChanges, lastRunSnapshot, rememberRunSnapshot, snapshotOf } from './graphChanges';
import { trustFields } from './trustHistory';
import { useRepeatStore } from './repeatStore';
import type { Plan } from '@/nodes/core/plan';
import { runOutcomeOf, runSummary } from '@/nodes/run-summary';
import type { PlanOverrides } from '@/nodes/engine/overrides';

let active: { kind: RunKind; handle: RunHandle } | null = null;
/** Plan of the last successful main run: the classifier the worker keeps was trained by it (share run record). */
let lastTrainedPlan: Plan | null = null;
export function getLastTrainedPlan(): Plan | null {
  return lastTrainedPlan;
}

/** Coalesce frequent events (batch, progress, epochs, node states) into one store update per 120 ms. Epochs are not
 * urgent: training on cached features finishes several per second, and each store update re-renders the charts and
 * the node cards on the cores the training needs (a trace of a re-run: the page used as much CPU as the worker). */
function makeSink(kind: RunKind): (event: RunEvent) => void {
  let buffer: RunEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (buffer.length === 0) return;
    const events = buffer;
    buffer = [];
    useRunStore.getState().applyEvents(kind, events);
  };
  return (event) => {
    buffer.push(event);
    const urgent = event.type === 'done' || event.type === 'error' || event.type === 'backend';
    if (urgent) {
      if (timer) clearTimeout(timer);
      flush();
    } else if (!timer) {
      timer = setTimeout(flush, 120);
    }
  };
}

export function currentHistoryKey(): string {
  const graph = useGraphStore.getState().graph;
  let graphId: string | null;
  try {
    graphId = usePersistenceStore.getState().graphId;
  } catch {
    graphId = null;
  }
  return historyKey(graphId, graph.name);
}

export function isRunning(): boolean {
  return active !== null;
}

/** Id of the run going in this page (null when idle). */
export function activeRunId(): string | null {
  return active?.handle.runId ?? null;
}

/** Compile and run. Returns false when compile errors blocked it. */
export function startRun(kind: RunKind = 'main'): boolean {
  // A plain run of the (possibly edited) graph: an earlier repeat's spread no longer describes it.
  if (kind === 'main' && !active) useRepeatStore.getState().reset();
  return launchRun(kind) !== null;
}

export interface LaunchOptions {
  /** Run this plan instead of compiling the current graph (repeats, re-runs on another split). */
  plan?: Plan;
  /** Share trunk features with earlier runs in this tab (same split + trunk ⇒ no recomputation). */
  reuseFeatures?: boolean;
  /** Seeds/dataset the engine applies to the plan and to every tuning trial. */
  overrides?: PlanOverrides;
  /** false = the caller records history itself (a repeat records one entry for all its runs). */
  recordHistory?: boolean;
  /** Extra history fields (e.g. a note). */
  summarySuffix?: string;
}

export interface LaunchOutcome {
  final: RunEvent;
  session: RunSession | null;
  entry: RunHistoryEntry | null;
  plan: Plan;
}

/** Start a run; resolves when it ended (null when compile errors or another run blocked it). */
export function launchRun(kind: RunKind = 'main', opts: LaunchOptions = {}): Promise<LaunchOutcome> | null {
  if (active) return null;
  const graph = useGraphStore.getState().graph;
  const store = useRunStore.getState();
  let plan: Plan;
  if (opts.plan) {
    plan = opts.plan;
  } else {
    const compiled = compileGraph(graph);
    // A field still holding an invalid draft blocks the run: running the old value would be a silent substitution.
    const drafts = draftErrors(useDraftStore.getState().invalid, new Set(graph.nodes.map((n) => n.id)));
    if (drafts.length > 0) {
      store.setBlockedBy([...drafts, ...compiled.errors]);
      return null;
    }
    if (!compiled.ok) {
      store.setBlockedBy(compiled.errors.length ? compiled.errors : [{ nodeId: null, message: 'The graph cannot be compiled.' }]);
      return null;
    }
    plan = compiled.plan;
  }
  const client = getEngineClient();
  const nodeIds = Object.values(plan.nodeIds).filter((v): v is string => typeof v === 'string');
  const sink = makeSink(kind);
  const handle = client.run(plan, { randomTrunk: kind === 'scratch', reuseFeatures: opts.reuseFeatures, overrides: opts.overrides }, sink);
  active = { kind, handle };
  store.beginSession(kind, handle.runId, graph.name, nodeIds, { nodeId: plan.nodeIds.train, search: plan.tune !== null });
  if (kind === 'main') store.setHasTrainedModel(false);
  // Recorded as going from the start, so a reload or a closed tab leaves an "interrupted" row, not nothing.
  const startKey = currentHistoryKey();
  const started = useRunStore.getState()[kind];
  // History rows say what changed since the previous run of this graph ("Learning rate 0.001 → 0.01").
  let suffix = opts.summarySuffix ?? '';
  if (kind === 'main' && !opts.plan) {
    const changes = describeChanges(lastRunSnapshot(startKey), snapshotOf(graph));
    if (changes.length > 0) suffix += ` · changed: ${changes.join('; ')}`;
    rememberRunSnapshot(startKey, snapshotOf(graph));
  }
  if (opts.recordHistory !== false && started) {
    upsertHistory(startKey, { ...historyEntryOf(handle.runId, kind, started, { type: 'status', message: '' } as RunEvent, plan, suffix), status: 'running' });
  }
  return handle.finished.then((final) => {
    active = null;
    const finished = useRunStore.getState()[kind];
    // Each node's line of the run summary, as its definition words it (kept with the saved results).
    if (final.type === 'done' && finished?.runId === handle.runId && finished.result) {
      useRunStore.getState().setRunSummary(kind, handle.runId, runSummary(plan, runOutcomeOf(finished.result)));
    }
    const session = useRunStore.getState()[kind];
    if (final.type === 'done' && kind === 'main') {
      lastTrainedPlan = plan;
      useRunStore.getState().setHasTrainedModel(true);
    }
    let entry: RunHistoryEntry | null = null;
    if (session) {
      entry = historyEntryOf(handle.runId, kind, session, final, plan, suffix);
      const key = currentHistoryKey();
      if (opts.recordHistory !== false) {
        if (key !== startKey) removeHistoryEntry(startKey, handle.runId);
        upsertHistory(key, entry);
      }
      // Results survive a reload and reopen from the history.
      if (final.type === 'done' && session.result) void saveRunResults(key, session);
    }
    return { final, session, entry, plan };
  });
}

/** The history record of a finished session (with what paired comparisons need). */
export function historyEntryOf(
  id: string,
  kind: RunKind,
  session: RunSession,
  final: RunEvent,
  plan: Plan,
  summarySuffix = '',
): RunHistoryEntry {
  const r = session.result;
  const evaluated = r && r.evaluation.testSize > 0;
  return {
    id,
    date: session.startedAt,
    kind,
    accuracy: evaluated ? r.evaluation.accuracy : null,
    loss: evaluated ? r.evaluation.loss : null,
    backend: r?.backend ?? session.backend?.backend ?? null,
    featureBackend: r?.featureBackend ?? session.backend?.featureBackend ?? null,
    path: r?.path ?? null,
    epochs: r?.epochs.length ?? session.epochs.length,
    trainMs: r?.trainMs ?? null,
    imagesPerSecond: r?.imagesPerSecond ?? null,
    splitFingerprint: r?.splitFingerprint ?? null,
    status: final.type === 'done' ? 'done' : session.status,
    summary: describePlan(plan) + summarySuffix,
    ...trustFields(r, plan),
  };
}

export function cancelRun(): void {
  active?.handle.cancel();
}

export function describePlan(plan: Plan): string {
  const source = plan.classifier.model.source;
  const model = source.kind === 'catalog' ? source.id : source.kind === 'url' ? 'URL model' : 'uploaded model';
  const freeze = plan.classifier.model.freeze;
  const frozen =
    freeze.mode === 'all' ? 'frozen' : freeze.mode === 'none' ? 'fine-tuned' : freeze.mode === 'firstN' ? `first ${freeze.count} frozen` : `frozen to ${freeze.layer}`;
  return `${model} (${frozen}), ${plan.dataset.datasetId}, ${plan.train.optimizer} lr ${plan.train.learningRate}, ${plan.train.epochs} ep${plan.dataset.augment ? ', augmented' : ''}${plan.tune ? ', tuned' : ''}`;
}
