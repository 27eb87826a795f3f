'use client';
/**
 * The one source of truth for the graph being edited. React Flow's nodes/edges are derived from `graph`;
 * every edit goes through an action here so it lands in the undo history (coalesced for drags and typing).
 * Other features (autosave, sharing, run) rely on `graph`, `readOnly`, `setGraph`, `replaceGraph`, `setReadOnly`.
 */
import { create } from 'zustand';
import { emptyGraph, MAX_NODES, type GraftGraph } from '@/nodes/core/graph';
import { getNodeDefinition } from '@/nodes/registry';
import { checkConnection } from '@/nodes/compiler';
import { newGraphNode } from '@/nodes/core/params';
import { migrateGraph } from '@/nodes/graph-file';
import * as H from '@/app/lib/history';
import * as G from '@/app/lib/graphOps';

export interface GraphStoreState {
  graph: GraftGraph;
  /** True when viewing someone else's shared graph: no edits possible. */
  readOnly: boolean;
  /** Edit with undo history. `coalesce` merges a burst of same-key edits into one undo step. */
  setGraph(next: GraftGraph, opts?: H.CommitOptions): void;
  /** Load a different graph (new/open/import/fork): resets undo history. */
  replaceGraph(next: GraftGraph, opts?: { readOnly?: boolean }): void;
  setReadOnly(readOnly: boolean): void;
  /** Increments on every `replaceGraph` (lets the canvas re-frame a newly loaded graph). */
  loadId: number;

  // --- history ---
  history: H.History<GraftGraph>;
  canUndo: boolean;
  canRedo: boolean;
  undo(): void;
  redo(): void;
  /** End the current coalescing burst (drag end, field blur). */
  breakCoalescing(): void;
  /** Increments on every change of `graph` (edit, undo, replace): cheap change detection for autosave. */
  revision: number;
  /** Edits since the last `replaceGraph`/`markSaved`. */
  dirty: boolean;
  markSaved(): void;

  // --- selection (not part of history) ---
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  setSelection(nodeIds: string[], edgeIds?: string[]): void;

  // --- edits (no-ops in read-only mode) ---
  addNode(type: string, position: G.XY, opts?: { select?: boolean }): string | null;
  removeElements(nodeIds: string[], edgeIds?: string[]): void;
  deleteSelection(): void;
  /** Connect two ports; returns why it was refused, or null when connected. */
  connect(ends: G.EdgeEnds): string | null;
  /** Point an input port at a different output (or disconnect it with `null`) as one undo step. */
  setInputSource(target: string, targetHandle: string, source: { node: string; handle: string } | null): string | null;
  updateNodeParams(id: string, patch: Record<string, unknown>, opts?: { coalesce?: string }): void;
  setNodeLabel(id: string, label: string): void;
  moveNodes(positions: Record<string, G.XY>, opts?: H.CommitOptions): void;
  setName(name: string): void;

  // --- clipboard ---
  clipboard: G.GraphClipboard | null;
  /** How many times the current clipboard was pasted (offsets each paste). */
  pasteCount: number;
  copySelection(): boolean;
  paste(): void;
  duplicateSelection(): void;
}

/**
 * Why `ends` can't be connected, or null. Dropping onto an input that is already connected replaces that link
 * (like most node editors), so an occupied input alone is not a reason: `replaces` lists the edges that would go.
 */
export function connectionProblem(graph: GraftGraph, ends: G.EdgeEnds): { reason: string | null; replaces: string[] } {
  const direct = checkConnection(graph, ends);
  if (!direct) return { reason: null, replaces: [] };
  const occupied = graph.edges.filter((e) => e.target === ends.target && e.targetHandle === ends.targetHandle).map((e) => e.id);
  if (occupied.length === 0) return { reason: direct, replaces: [] };
  const without = G.removeElements(graph, [], occupied);
  const again = checkConnection(without, ends);
  return again ? { reason: again, replaces: [] } : { reason: null, replaces: occupied };
}

function derived(history: H.History<GraftGraph>) {
  return { history, graph: history.present, canUndo: history.past.length > 0, canRedo: history.future.length > 0 };
}

const PASTE_OFFSET = 40;

export const useGraphStore = create<GraphStoreState>((set, get) => {
  /** Record an edit (unless read-only or unchanged). */
  const edit = (next: GraftGraph, opts?: H.CommitOptions) => {
    const s = get();
    if (s.readOnly) return;
    const history = H.commit(s.history, next, opts);
    if (history === s.history) return;
    set({ ...derived(history), revision: s.revision + 1, dirty: true });
  };
  /** Drop selection entries that no longer exist (after undo/delete). */
  const pruneSelection = () => {
    const { graph, selectedNodeIds, selectedEdgeIds } = get();
    const nodes = new Set(graph.nodes.map((n) => n.id));
    const edges = new Set(graph.edges.map((e) => e.id));
    const n = selectedNodeIds.filter((id) => nodes.has(id));
    const e = selectedEdgeIds.filter((id) => edges.has(id));
    if (n.length !== selectedNodeIds.length || e.length !== selectedEdgeIds.length) set({ selectedNodeIds: n, selectedEdgeIds: e });
  };
  const initial = H.createHistory(emptyGraph());

  return {
    ...derived(initial),
    readOnly: false,
    loadId: 0,
    revision: 0,
    dirty: false,
    selectedNodeIds: [],
    selectedEdgeIds: [],
    clipboard: null,
    pasteCount: 0,

    setGraph: (next, opts) => {
      const s = get();
      const history = H.commit(s.history, next, opts);
      if (history === s.history) return;
      set({ ...derived(history), revision: s.revision + 1, dirty: true });
      pruneSelection();
    },
    replaceGraph: (loaded, opts) => {
      // Graphs from the server or a file may be of an older format: upgrade params once, here.
      const next = migrateGraph(loaded);
      set({
        ...derived(H.createHistory(next)),
        readOnly: opts?.readOnly ?? false,
        revision: get().revision + 1,
        loadId: get().loadId + 1,
        dirty: false,
        selectedNodeIds: [],
        selectedEdgeIds: [],
      });
    },
    setReadOnly: (readOnly) => set({ readOnly }),

    undo: () => {
      const s = get();
      if (s.readOnly) return;
      const history = H.undo(s.history);
      if (history === s.history) return;
      set({ ...derived(history), revision: s.revision + 1, dirty: true });
      pruneSelection();
    },
    redo: () => {
      const s = get();
      if (s.readOnly) return;
      const history = H.redo(s.history);
      if (history === s.history) return;
      set({ ...derived(history), revision: s.revision + 1, dirty: true });
      pruneSelection();
    },
    breakCoalescing: () => {
      const s = get();
      const history = H.breakCoalescing(s.history);
      if (history !== s.history) set({ history });
    },
    markSaved: () => set({ dirty: false }),

    setSelection: (nodeIds, edgeIds = []) => {
      const s = get();
      const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
      if (same(s.selectedNodeIds, nodeIds) && same(s.selectedEdgeIds, edgeIds)) return;
      set({ selectedNodeIds: nodeIds, selectedEdgeIds: edgeIds });
    },

    addNode: (type, position, opts) => {
      const s = get();
      const def = getNodeDefinition(type);
      if (s.readOnly || !def || s.graph.nodes.length >= MAX_NODES) return null;
      const id = G.makeNodeId(type, new Set(s.graph.nodes.map((n) => n.id)));
      const node = newGraphNode(def, id, { x: Math.round(position.x), y: Math.round(position.y) });
      edit(G.addNode(s.graph, node));
      if (opts?.select ?? true) set({ selectedNodeIds: [id], selectedEdgeIds: [] });
      return id;
    },
    removeElements: (nodeIds, edgeIds = []) => {
      edit(G.removeElements(get().graph, nodeIds, edgeIds));
      pruneSelection();
    },
    deleteSelection: () => {
      const s = get();
      get().removeElements(s.selectedNodeIds, s.selectedEdgeIds);
    },
    connect: (ends) => {
      const s = get();
      if (s.readOnly) return 'This graph is read-only.';
      const duplicate = s.graph.edges.some(
        (e) => e.source === ends.source && e.sourceHandle === ends.sourceHandle && e.target === ends.target && e.targetHandle === ends.targetHandle,
      );
      if (duplicate) return 'These ports are already connected.';
      const { reason, replaces } = connectionProblem(s.graph, ends);
      if (reason) return reason;
      edit(G.addEdge(G.removeElements(s.graph, [], replaces), ends).graph);
      return null;
    },
    setInputSource: (target, targetHandle, source) => {
      const s = get();
      if (s.readOnly) return 'This graph is read-only.';
      const existing = s.graph.edges.filter((e) => e.target === target && e.targetHandle === targetHandle);
      const without = G.removeElements(s.graph, [], existing.map((e) => e.id));
      if (!source) {
        edit(without);
        return null;
      }
      const ends = { source: source.node, sourceHandle: source.handle, target, targetHandle };
      const reason = checkConnection(without, ends);
      if (reason) return reason;
      edit(G.addEdge(without, ends).graph);
      return null;
    },
    updateNodeParams: (id, patch, opts) => {
      const g = get().graph;
      const next = G.updateNode(g, id, (n) => {
        const changed = Object.keys(patch).some((k) => !Object.is(n.params[k], patch[k]));
        return changed ? { ...n, params: { ...n.params, ...patch } } : n;
      });
      edit(next, { coalesce: opts?.coalesce ?? `params:${id}:${Object.keys(patch).sort().join(',')}` });
    },
    setNodeLabel: (id, label) => {
      const trimmed = label.slice(0, 120);
      const next = G.updateNode(get().graph, id, (n) => {
        const value = trimmed.trim() === '' ? undefined : trimmed;
        if (value === n.label) return n;
        const copy = { ...n };
        if (value === undefined) delete copy.label;
        else copy.label = value;
        return copy;
      });
      edit(next, { coalesce: `label:${id}` });
    },
    moveNodes: (positions, opts) => edit(G.moveNodes(get().graph, positions), opts),
    setName: (name) => {
      const g = get().graph;
      if (g.name === name) return;
      edit({ ...g, name: name.slice(0, 200) }, { coalesce: 'name' });
    },

    copySelection: () => {
      const s = get();
      const clip = G.copyElements(s.graph, s.selectedNodeIds);
      if (!clip) return false;
      set({ clipboard: clip, pasteCount: 0 });
      return true;
    },
    paste: () => {
      const s = get();
      if (s.readOnly || !s.clipboard) return;
      if (s.graph.nodes.length + s.clipboard.nodes.length > MAX_NODES) return;
      const n = s.pasteCount + 1;
      const result = G.pasteElements(s.graph, s.clipboard, { x: PASTE_OFFSET * n, y: PASTE_OFFSET * n });
      edit(result.graph);
      set({ pasteCount: n, selectedNodeIds: result.nodeIds, selectedEdgeIds: [] });
    },
    duplicateSelection: () => {
      const s = get();
      if (s.readOnly) return;
      const clip = G.copyElements(s.graph, s.selectedNodeIds);
      if (!clip || s.graph.nodes.length + clip.nodes.length > MAX_NODES) return;
      const result = G.pasteElements(s.graph, clip, { x: PASTE_OFFSET, y: PASTE_OFFSET });
      edit(result.graph);
      set({ selectedNodeIds: result.nodeIds, selectedEdgeIds: [] });
    },
  };
});
