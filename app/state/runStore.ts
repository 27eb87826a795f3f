'use client';
/**
 * Run state shared by the canvas (per-node badges) and the run panel. The run controller
 * (`app/components/run/controller.ts`) feeds engine events in; components only read.
 */
import { create } from 'zustand';
import type {
  BackendName,
  EpochLog,
  NodeRunState,
  RunErrorKind,
  RunEvent,
  RunResult,
  TensorAccounting,
  TrialRecord,
  WasmRuntime,
} from '@/nodes/engine/types';
import type { GraphError } from '@/nodes/core/types';
import type { RunSummaryLine } from '@/nodes/run-summary';
import type { TrustRecord } from '@/app/components/run/trustHistory';
import { progressView, type ProgressView, type RunPhase } from '@/app/components/run/progressView';

export interface NodeRunInfo {
  state: NodeRunState;
  message?: string;
  /** 0..1 when known. */
  progress?: number;
}

/** 'main' = the pipeline as built; 'scratch' = the same plan with random trunk weights (comparison baseline). */
export type RunKind = 'main' | 'scratch';
export type RunStatus = 'running' | 'done' | 'error' | 'cancelled';

export interface RunProgress {
  phase: RunPhase;
  done: number;
  total: number;
  etaMs: number | null;
  imagesPerSecond?: number;
}

export interface RunSession {
  kind: RunKind;
  runId: string;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  /** Latest human-readable status line from the engine. */
  statusMessage: string;
  /** All status lines (skipped files etc.), newest last, capped. */
  notes: string[];
  backend: { backend: BackendName; featureBackend: BackendName | null; reason: string; adapter?: string; wasm?: WasmRuntime } | null;
  progress: RunProgress | null;
  batch: { epoch: number; batch: number; batchesPerEpoch: number; loss: number } | null;
  epochs: EpochLog[];
  totalEpochs: number | null;
  trials: TrialRecord[];
  result: RunResult | null;
  error: { message: string; nodeId: string | null; kind: RunErrorKind } | null;
  /** Tensor count before/after the run as measured by the worker (null while running or when not measured). */
  tensors: TensorAccounting | null;
  /** Name of the graph and the plan's node ids, for history and locating things. */
  graphName: string;
  /** Reopened from saved results (after a reload or from the history): no live model behind it. */
  restored?: boolean;
  /** The plan's trainer node (Train, or Hyperparameter Tune): its chip shows the run's one progress value. */
  trainNodeId?: string;
  /** A 'features' phase ran (cached path). */
  sawFeatures?: boolean;
  /** A hyperparameter search: share of trials finished (the engine's progress for the trainer node). */
  search?: { finished: number } | null;
  /** After a finished run: one line per pipeline node, as each node definition words it (nodes/run-summary.ts). */
  summary?: RunSummaryLine[];
}

/** The run's one progress value (panel bar, trainer node chip, ETA): see progressView.ts. */
export function sessionProgress(session: RunSession): ProgressView {
  return progressView({ status: session.status, progress: session.progress, sawFeatures: session.sawFeatures === true, search: session.search ?? null });
}

/** The session the panel shows: a running from-scratch comparison, else the main run. */
export function shownSession(s: { main: RunSession | null; scratch: RunSession | null }): RunSession | null {
  return s.scratch?.status === 'running' ? s.scratch : s.main;
}

/** A node's progress percent as its chip prints it: the trainer node prints the run's overall percent (the same
 * number as the panel), other nodes their own share when the engine reports one. */
export function nodePercent(s: Pick<RunStoreState, 'main' | 'scratch' | 'nodeStates'>, nodeId: string): number | null {
  const info = s.nodeStates[nodeId];
  if (!info || info.state !== 'running') return null;
  const session = shownSession(s);
  if (session && session.status === 'running' && session.trainNodeId === nodeId) return sessionProgress(session).percent;
  return info.progress !== undefined ? Math.floor(Math.min(1, Math.max(0, info.progress)) * 100) : null;
}

export interface RunHistoryEntry {
  id: string;
  date: number;
  kind: RunKind;
  accuracy: number | null;
  loss: number | null;
  backend: BackendName | null;
  featureBackend: BackendName | null;
  path: 'cached' | 'full' | null;
  epochs: number;
  trainMs: number | null;
  imagesPerSecond: number | null;
  /** Short hash of the test-set files (RunResult.splitFingerprint): equal = the same test images. */
  splitFingerprint?: string | null;
  status: RunStatus;
  /** The page was closed or reloaded during the run. */
  interrupted?: boolean;
  summary: string;
  /** What paired comparisons and re-runs need (app/components/run/trustHistory.ts); absent on older entries. */
  trust?: TrustRecord;
}

interface RunStoreState {
  nodeStates: Record<string, NodeRunInfo>;
  setNodeState(nodeId: string, info: NodeRunInfo): void;
  clearNodeStates(): void;

  main: RunSession | null;
  scratch: RunSession | null;
  /** Compile problems that blocked the last Run press (empty when the last press compiled). */
  blockedBy: GraphError[];
  setBlockedBy(errors: GraphError[]): void;
  /** A trained classifier from the last successful main run is kept in the worker (Try it / Export). */
  hasTrainedModel: boolean;
  setHasTrainedModel(v: boolean): void;

  beginSession(kind: RunKind, runId: string, graphName: string, nodeIds: string[], trainer?: { nodeId: string; search: boolean }): void;
  applyEvents(kind: RunKind, events: RunEvent[]): void;
  /** The session that is running now, else the main one. */
  activeKind(): RunKind;
  /** The finished run's per-node summary lines (ignored when that session is no longer shown). */
  setRunSummary(kind: RunKind, runId: string, lines: RunSummaryLine[]): void;
  /** Show saved results (no live model): only when nothing is running. */
  showRestored(session: RunSession): void;
  /** Another graph is on the canvas: the last graph's sessions, problems and node statuses no longer apply. */
  resetForNewGraph(): void;
  /** These nodes' settings changed: a "Done"/"Failed" chip describes the old settings, so drop it. */
  clearFinishedStates(nodeIds: string[]): void;
}

const MAX_NOTES = 50;

function emptySession(kind: RunKind, runId: string, graphName: string, trainer?: { nodeId: string; search: boolean }): RunSession {
  return {
    trainNodeId: trainer?.nodeId,
    sawFeatures: false,
    search: trainer?.search ? { finished: 0 } : null,
    kind,
    runId,
    startedAt: Date.now(),
    finishedAt: null,
    status: 'running',
    statusMessage: 'Starting…',
    notes: [],
    backend: null,
    progress: null,
    batch: null,
    epochs: [],
    totalEpochs: null,
    trials: [],
    result: null,
    error: null,
    tensors: null,
    graphName,
  };
}

function reduce(session: RunSession, event: RunEvent): RunSession {
  switch (event.type) {
    case 'status':
      return { ...session, statusMessage: event.message, notes: [...session.notes, event.message].slice(-MAX_NOTES) };
    case 'backend':
      return {
        ...session,
        backend: { backend: event.backend, featureBackend: event.featureBackend, reason: event.reason, adapter: event.adapter, wasm: event.wasm },
      };
    case 'progress':
      return {
        ...session,
        progress: { phase: event.phase, done: event.done, total: event.total, etaMs: event.etaMs, imagesPerSecond: event.imagesPerSecond ?? session.progress?.imagesPerSecond },
        sawFeatures: session.sawFeatures || event.phase === 'features',
      };
    case 'batch':
      return { ...session, batch: { epoch: event.epoch, batch: event.batch, batchesPerEpoch: event.batchesPerEpoch, loss: event.loss } };
    case 'epoch': {
      // A tuning run restarts epochs per trial: a lower epoch number starts a new curve.
      const last = session.epochs[session.epochs.length - 1];
      const epochs = last && event.log.epoch <= last.epoch ? [event.log] : [...session.epochs, event.log];
      return { ...session, epochs, totalEpochs: event.totalEpochs };
    }
    case 'trial': {
      const trials = session.trials.filter((t) => t.id !== event.trial.id);
      trials.push(event.trial);
      trials.sort((a, b) => a.id - b.id);
      return { ...session, trials };
    }
    case 'done':
      return {
        ...session,
        status: 'done',
        finishedAt: Date.now(),
        result: event.result,
        epochs: event.result.tune || sameEpochs(session.epochs, event.result.epochs) || !event.result.epochs.length ? session.epochs : event.result.epochs,
        trials: event.result.tune ? event.result.tune.trials : session.trials,
        statusMessage: 'Finished',
        tensors: event.tensors ?? null,
      };
    case 'error':
      return {
        ...session,
        status: event.kind === 'cancelled' ? 'cancelled' : 'error',
        finishedAt: Date.now(),
        error: { message: event.message, nodeId: event.nodeId, kind: event.kind },
        statusMessage: event.kind === 'cancelled' ? 'Cancelled' : 'Failed',
        tensors: event.tensors ?? null,
      };
    case 'node':
      // A search reports trials finished as its trainer node's progress: that is the search's bar.
      return session.search && event.nodeId === session.trainNodeId && event.progress !== undefined
        ? { ...session, search: { finished: event.progress } }
        : session;
  }
}

/** The result's epochs are the ones already streamed (keeping the array keeps the charts from redrawing). */
function sameEpochs(streamed: EpochLog[], final: EpochLog[]): boolean {
  return (
    streamed.length === final.length &&
    streamed.every((e, i) => {
      const f = final[i];
      return e.epoch === f.epoch && Object.is(e.loss, f.loss) && Object.is(e.accuracy, f.accuracy) && Object.is(e.valLoss, f.valLoss) && Object.is(e.valAccuracy, f.valAccuracy);
    })
  );
}

export const useRunStore = create<RunStoreState>((set, get) => ({
  nodeStates: {},
  setNodeState: (nodeId, info) => set((s) => ({ nodeStates: { ...s.nodeStates, [nodeId]: info } })),
  clearNodeStates: () => set({ nodeStates: {} }),

  main: null,
  scratch: null,
  blockedBy: [],
  setBlockedBy: (errors) => set({ blockedBy: errors }),
  hasTrainedModel: false,
  setHasTrainedModel: (v) => set({ hasTrainedModel: v }),

  beginSession: (kind, runId, graphName, nodeIds, trainer) =>
    set(() => {
      const nodeStates: Record<string, NodeRunInfo> = {};
      for (const id of nodeIds) nodeStates[id] = { state: 'waiting' };
      return {
        [kind]: emptySession(kind, runId, graphName, trainer),
        // A new main run invalidates an earlier comparison.
        ...(kind === 'main' ? { scratch: null } : {}),
        nodeStates,
        blockedBy: [],
      } as Partial<RunStoreState>;
    }),

  applyEvents: (kind, events) =>
    set((s) => {
      let session = s[kind];
      if (!session) return {};
      let nodeStates = s.nodeStates;
      for (const event of events) {
        session = reduce(session, event);
        if (event.type === 'node') {
          if (nodeStates === s.nodeStates) nodeStates = { ...nodeStates };
          nodeStates[event.nodeId] = { state: event.state, message: event.message, progress: event.progress };
        } else if (event.type === 'error' && event.nodeId) {
          if (nodeStates === s.nodeStates) nodeStates = { ...nodeStates };
          nodeStates[event.nodeId] = { state: event.kind === 'cancelled' ? 'cancelled' : 'error', message: event.message };
        }
        if (event.type === 'error' || event.type === 'done') {
          // Nodes still waiting/running when the run ends did not finish.
          const ended: NodeRunState = event.type === 'done' ? 'done' : 'cancelled';
          for (const [id, info] of Object.entries(nodeStates)) {
            if (info.state === 'waiting' || info.state === 'running') {
              if (nodeStates === s.nodeStates) nodeStates = { ...nodeStates };
              nodeStates[id] = { state: ended, message: event.type === 'done' ? info.message : 'Not finished' };
            }
          }
        }
      }
      return { [kind]: session, nodeStates } as Partial<RunStoreState>;
    }),

  setRunSummary: (kind, runId, lines) =>
    set((s) => {
      const session = s[kind];
      return session && session.runId === runId ? ({ [kind]: { ...session, summary: lines } } as Partial<RunStoreState>) : {};
    }),
  activeKind: () => (get().scratch?.status === 'running' ? 'scratch' : 'main'),
  showRestored: (session) =>
    set((s) =>
      s.main?.status === 'running' || s.scratch?.status === 'running' ? {} : { main: { ...session, restored: true }, scratch: null, blockedBy: [] },
    ),
  resetForNewGraph: () =>
    set((s) =>
      s.main?.status === 'running' || s.scratch?.status === 'running'
        ? { blockedBy: [] }
        : { main: null, scratch: null, blockedBy: [], nodeStates: {} },
    ),
  clearFinishedStates: (nodeIds) =>
    set((s) => {
      const stale = nodeIds.filter((id) => s.nodeStates[id] && s.nodeStates[id].state !== 'running' && s.nodeStates[id].state !== 'waiting');
      if (stale.length === 0) return {};
      const nodeStates = { ...s.nodeStates };
      for (const id of stale) delete nodeStates[id];
      return { nodeStates };
    }),
}));
