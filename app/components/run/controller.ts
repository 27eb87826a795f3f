'use client';
/**
 * Starts/cancels runs: compiles the current graph (compile errors block the run and are shown), sends the plan to
 * the engine worker and feeds its events into the run store (progress events coalesced so the page stays smooth).
 */
import { compileGraph } from '@/nodes/compiler';
import type { RunEvent } from '@/nodes/engine/types';
import { getEngineClient, type RunHandle } from '@/nodes/engine/host-browser/client';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore, type RunKind, type RunHistoryEntry } from '@/app/state/runStore';
import { usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { appendHistory, historyKey } from './history';

let active: { kind: RunKind; handle: RunHandle } | null = null;

/** Coalesce frequent events (batch/progress) into one store update per frame-ish. */
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
    const urgent = event.type === 'done' || event.type === 'error' || event.type === 'epoch' || event.type === 'backend';
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
  let graphId: string | null = null;
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

/** Compile and run. Returns false when compile errors blocked it. */
export function startRun(kind: RunKind = 'main'): boolean {
  if (active) return false;
  const graph = useGraphStore.getState().graph;
  const compiled = compileGraph(graph);
  const store = useRunStore.getState();
  if (!compiled.ok) {
    store.setBlockedBy(compiled.errors.length ? compiled.errors : [{ nodeId: null, message: 'The graph cannot be compiled.' }]);
    return false;
  }
  const plan = compiled.plan;
  const client = getEngineClient();
  const nodeIds = Object.values(plan.nodeIds).filter((v): v is string => typeof v === 'string');
  const sink = makeSink(kind);
  const handle = client.run(plan, { randomTrunk: kind === 'scratch' }, sink);
  active = { kind, handle };
  store.beginSession(kind, handle.runId, graph.name, nodeIds);
  if (kind === 'main') store.setHasTrainedModel(false);
  void handle.finished.then((final) => {
    active = null;
    const session = useRunStore.getState()[kind];
    if (final.type === 'done' && kind === 'main') useRunStore.getState().setHasTrainedModel(true);
    if (session) {
      const r = session.result;
      const entry: RunHistoryEntry = {
        id: handle.runId,
        date: session.startedAt,
        kind,
        accuracy: r && r.evaluation.testSize > 0 ? r.evaluation.accuracy : null,
        loss: r && r.evaluation.testSize > 0 ? r.evaluation.loss : null,
        backend: r?.backend ?? session.backend?.backend ?? null,
        featureBackend: r?.featureBackend ?? session.backend?.featureBackend ?? null,
        path: r?.path ?? null,
        epochs: r?.epochs.length ?? session.epochs.length,
        trainMs: r?.trainMs ?? null,
        imagesPerSecond: r?.imagesPerSecond ?? null,
        splitFingerprint: r?.splitFingerprint ?? null,
        status: final.type === 'done' ? 'done' : session.status,
        summary: describePlan(plan),
      };
      appendHistory(currentHistoryKey(), entry);
    }
  });
  return true;
}

export function cancelRun(): void {
  active?.handle.cancel();
}

function describePlan(plan: NonNullable<ReturnType<typeof compileGraph>['plan']>): string {
  const source = plan.classifier.model.source;
  const model = source.kind === 'catalog' ? source.id : source.kind === 'url' ? 'URL model' : 'uploaded model';
  const freeze = plan.classifier.model.freeze;
  const frozen =
    freeze.mode === 'all' ? 'frozen' : freeze.mode === 'none' ? 'fine-tuned' : freeze.mode === 'firstN' ? `first ${freeze.count} frozen` : `frozen to ${freeze.layer}`;
  return `${model} (${frozen}), ${plan.dataset.datasetId}, ${plan.train.optimizer} lr ${plan.train.learningRate}, ${plan.train.epochs} ep${plan.dataset.augment ? ', augmented' : ''}${plan.tune ? ', tuned' : ''}`;
}
