'use client';
/**
 * Autosave + sharing state. The save engine watches the graph store and saves ~1 s after the last change:
 * the first save creates the graph (id goes into the URL, token into localStorage), later saves are
 * versioned updates that never overwrite someone else's newer version (CONFLICT → user decides).
 */
import { create } from 'zustand';
import type { GraftGraph } from '@/nodes/core/graph';
import type { RunResult } from '@/nodes/engine/types';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { apiErrorInfo, trpc } from '@/app/lib/trpcClient';
import { getEditToken, setEditToken } from './editTokens';

export type SaveStatus = 'unsaved' | 'saving' | 'saved' | 'offline' | 'conflict' | 'error';

export interface LatestResults {
  version: number;
  attachedAt: string;
  accuracy: number;
  backend: string;
  epochs: number;
  testSize?: number;
}

interface PersistenceState {
  /** Server id of the graph being edited, null until the first save. */
  graphId: string | null;
  /** Server version the editor's content is based on. */
  version: number | null;
  status: SaveStatus;
  /** Human-readable detail for 'error' / 'offline' / 'conflict'. */
  message: string | null;
  conflict: { theirVersion: number } | null;
  latestResults: LatestResults | null;
  updatedAt: string | null;
}

export const usePersistenceStore = create<PersistenceState>(() => ({
  graphId: null,
  version: null,
  status: 'unsaved',
  message: null,
  conflict: null,
  latestResults: null,
  updatedAt: null,
}));

const AUTOSAVE_DELAY_MS = 1000;
const OFFLINE_RETRY_MS = 5000;

let timer: ReturnType<typeof setTimeout> | null = null;
let saving: Promise<void> | null = null;
/** JSON of the last content the server acknowledged (null: nothing saved yet). */
let lastSavedJson: string | null = null;

const setState = usePersistenceStore.setState;
const getState = usePersistenceStore.getState;

function graphJson(graph: GraftGraph): string {
  return JSON.stringify(graph);
}

/** Does the editor hold changes the server doesn't have? */
function hasUnsavedChanges(): boolean {
  const gs = useGraphStore.getState();
  if (gs.readOnly) return false;
  // Unbound (not yet created): only real edits create a server graph, not merely opening "/".
  if (!getState().graphId) return gs.dirty;
  return graphJson(gs.graph) !== lastSavedJson;
}

export function scheduleSave(delayMs = AUTOSAVE_DELAY_MS): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void saveNow();
  }, delayMs);
}

function resultsFromServer(r: { version: number; attachedAt: string; results: { accuracy: number; backend: string; epochs: unknown[]; testSize?: number } } | null): LatestResults | null {
  if (!r) return null;
  return {
    version: r.version,
    attachedAt: r.attachedAt,
    accuracy: r.results.accuracy,
    backend: r.results.backend,
    epochs: r.results.epochs.length,
    testSize: r.results.testSize,
  };
}

function putIdInUrl(id: string, mode: 'replace' | 'push' = 'replace') {
  const path = `/g/${id}`;
  if (window.location.pathname === path) return;
  if (mode === 'push') window.history.pushState(null, '', path);
  else window.history.replaceState(null, '', path);
}

/** Save immediately (waits for a save in flight first). Resolves when the current content is saved or saving failed. */
export async function saveNow(opts: { force?: boolean } = {}): Promise<void> {
  // Several callers can be waiting for the same save in flight (a slow first create, a debounce timer firing
  // meanwhile); only one may start the next save, or both would send the same base version and one would conflict.
  if (saving) {
    while (saving) await saving;
    if (!hasUnsavedChanges() && !opts.force) return;
  }
  const s = getState();
  if (s.status === 'conflict') return; // waits for the user's decision
  if (useGraphStore.getState().readOnly) return;
  if (!opts.force && !hasUnsavedChanges()) {
    if (s.graphId && s.status !== 'saved') setState({ status: 'saved', message: null });
    return;
  }
  saving = doSave().finally(() => {
    saving = null;
  });
  await saving;
}

async function doSave(): Promise<void> {
  const gs = useGraphStore.getState();
  const graph = gs.graph;
  const revision = gs.revision;
  const json = graphJson(graph);
  const { graphId, version } = getState();
  setState({ status: 'saving', message: null });
  try {
    if (!graphId || version === null) {
      const created = await trpc.graph.create.mutate({ graph });
      setEditToken(created.id, created.editToken);
      lastSavedJson = json;
      setState({ graphId: created.id, version: created.version, updatedAt: new Date().toISOString() });
      putIdInUrl(created.id);
    } else {
      const token = getEditToken(graphId);
      if (!token) {
        setState({ status: 'error', message: 'This browser has no edit token for this graph. Fork it to keep your changes.' });
        return;
      }
      const res = await trpc.graph.update.mutate({ id: graphId, editToken: token, baseVersion: version, graph });
      lastSavedJson = json;
      setState({ version: res.version, updatedAt: res.updatedAt });
    }
    if (useGraphStore.getState().revision === revision) useGraphStore.getState().markSaved();
    setState({ status: 'saved', message: null });
    if (hasUnsavedChanges()) scheduleSave();
  } catch (err) {
    const info = apiErrorInfo(err);
    switch (info.code) {
      case 'CONFLICT':
        setState({ status: 'conflict', message: info.message, conflict: { theirVersion: info.currentVersion ?? (version ?? 0) + 1 } });
        break;
      case 'NETWORK':
        setState({ status: 'offline', message: 'Offline — changes are kept here and saved when the server is reachable.' });
        scheduleSave(OFFLINE_RETRY_MS);
        break;
      case 'TOO_MANY_REQUESTS':
        setState({ status: 'saving', message: info.message });
        scheduleSave(Math.max(1, info.retryAfterSeconds ?? 5) * 1000);
        break;
      default:
        setState({ status: 'error', message: `Not saved: ${info.message}` });
    }
  }
}

/** The editor now shows server graph `id` at `version` (loaded by the share page). */
export function bindToServerGraph(id: string, version: number, graph: GraftGraph, meta: { updatedAt?: string; latestResults?: LatestResults | null } = {}) {
  if (timer) clearTimeout(timer);
  timer = null;
  lastSavedJson = graphJson(graph);
  setState({
    graphId: id,
    version,
    status: 'saved',
    message: null,
    conflict: null,
    updatedAt: meta.updatedAt ?? null,
    latestResults: meta.latestResults ?? null,
  });
}

/** Back to an unsaved, server-less graph (the "/" page). */
export function unbind() {
  if (timer) clearTimeout(timer);
  timer = null;
  lastSavedJson = null;
  setState({ graphId: null, version: null, status: 'unsaved', message: null, conflict: null, latestResults: null, updatedAt: null });
}

/** Load a graph from the server into the editor; editable iff this browser holds a valid token. */
export async function loadServerGraph(id: string) {
  const token = getEditToken(id) ?? undefined;
  const res = await trpc.graph.get.query({ id, editToken: token });
  useGraphStore.getState().replaceGraph(res.graph, { readOnly: !res.canEdit });
  bindToServerGraph(id, res.version, res.graph, { updatedAt: res.updatedAt, latestResults: resultsFromServer(res.latestResults) });
  return res;
}

// ---- conflict resolution ----

/** Keep mine: save my content as a new version on top of theirs. */
export async function resolveKeepMine() {
  const c = getState().conflict;
  if (!c) return;
  setState({ status: 'saving', conflict: null, version: c.theirVersion, message: null });
  await saveNow({ force: true });
}

/** Load theirs: replace my content with the server's current version (mine remains nowhere — the dialog says so). */
export async function resolveLoadTheirs() {
  const id = getState().graphId;
  if (!id) return;
  setState({ conflict: null, status: 'saving' });
  try {
    await loadServerGraph(id);
  } catch (err) {
    setState({ status: 'error', message: `Could not load the latest version: ${apiErrorInfo(err).message}` });
  }
}

/** Save mine as a copy: a fork holding my content; the original keeps theirs. */
export async function resolveSaveAsCopy() {
  const id = getState().graphId;
  if (!id) return;
  const graph = useGraphStore.getState().graph;
  setState({ status: 'saving', conflict: null });
  try {
    const fork = await trpc.graph.fork.mutate({ id, graph });
    setEditToken(fork.id, fork.editToken);
    bindToServerGraph(fork.id, fork.version, graph);
    useGraphStore.getState().markSaved();
    putIdInUrl(fork.id, 'push');
  } catch (err) {
    setState({ status: 'error', message: `Could not save a copy: ${apiErrorInfo(err).message}` });
  }
}

/** Fork a read-only graph into an editable one owned by this browser. */
export async function forkCurrent(): Promise<string | null> {
  const { graphId, version } = getState();
  if (!graphId) return null;
  const fork = await trpc.graph.fork.mutate({ id: graphId, version: version ?? undefined });
  setEditToken(fork.id, fork.editToken);
  useGraphStore.getState().replaceGraph(fork.graph, { readOnly: false });
  bindToServerGraph(fork.id, fork.version, fork.graph);
  putIdInUrl(fork.id, 'push');
  return fork.id;
}

export async function restoreVersion(version: number) {
  const { graphId } = getState();
  if (!graphId) return;
  const token = getEditToken(graphId);
  if (!token) throw new Error('This browser cannot edit this graph.');
  await saving;
  const res = await trpc.graph.restore.mutate({ id: graphId, editToken: token, version });
  useGraphStore.getState().replaceGraph(res.graph, { readOnly: false });
  bindToServerGraph(graphId, res.version, res.graph, { updatedAt: res.updatedAt, latestResults: getState().latestResults });
}

/** Make sure the graph exists on the server (Share before any edit); returns its id. */
export async function ensureSaved(): Promise<string | null> {
  if (!getState().graphId) {
    await saveNow({ force: true });
  } else {
    await saveNow();
  }
  return getState().graphId;
}

/**
 * Attach a finished run's metrics to the saved graph (no weights, no images). Called by the run UI
 * after a run completes; a no-op when the graph is not saved or this browser cannot edit it.
 */
export async function attachRunResults(result: RunResult, extra: { datasetId?: string; modelId?: string } = {}): Promise<boolean> {
  const { graphId } = getState();
  if (!graphId || useGraphStore.getState().readOnly) return false;
  await saving;
  const token = getEditToken(graphId);
  const version = getState().version;
  if (!token || !version) return false;
  const results = {
    accuracy: result.evaluation.accuracy,
    loss: Number.isFinite(result.evaluation.loss) ? result.evaluation.loss : null,
    labels: result.evaluation.labels.length ? result.evaluation.labels : result.labels,
    perClass: result.evaluation.perClass,
    confusionMatrix: result.evaluation.confusionMatrix,
    testSize: result.evaluation.testSize,
    backend: result.backend,
    featureBackend: result.featureBackend,
    path: result.path,
    epochs: result.epochs,
    trainMs: result.trainMs,
    totalMs: result.totalMs,
    imagesPerSecond: result.imagesPerSecond,
    splitSizes: result.splitSizes,
    splitFingerprint: result.splitFingerprint,
    tune: result.tune,
    ...extra,
  };
  try {
    const res = await trpc.graph.attachResults.mutate({ id: graphId, editToken: token, version, results });
    setState({
      latestResults: { version, attachedAt: res.attachedAt, accuracy: results.accuracy, backend: results.backend, epochs: results.epochs.length, testSize: results.testSize },
    });
    return true;
  } catch (err) {
    console.warn('[graft] could not attach run results:', apiErrorInfo(err).message);
    return false;
  }
}

/** Start watching the graph store (idempotent). Returns an unsubscribe function. */
export function startAutosave(): () => void {
  const unsubscribe = useGraphStore.subscribe((s, prev) => {
    if (s.revision === prev.revision && s.readOnly === prev.readOnly) return;
    if (s.readOnly) return;
    if (hasUnsavedChanges()) {
      // Pending (debounced) changes already read as "Saving…": the save is on its way.
      if (getState().status === 'saved' || getState().status === 'unsaved') setState({ status: 'saving', message: null });
      scheduleSave();
    }
  });
  // A finished main run's metrics are attached to the saved graph (shown on its share page).
  const resultOf = (st: unknown) => (st as { main?: { result?: RunResult | null } | null }).main?.result ?? null;
  const unsubscribeRuns = useRunStore.subscribe((st, prev) => {
    const result = resultOf(st);
    if (result && result !== resultOf(prev)) void attachRunResults(result);
  });
  const onOnline = () => {
    if (getState().status === 'offline') void saveNow();
  };
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (hasUnsavedChanges() && getState().graphId) e.preventDefault();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('beforeunload', onBeforeUnload);
  return () => {
    unsubscribe();
    unsubscribeRuns();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('beforeunload', onBeforeUnload);
  };
}
