'use client';
/**
 * The one source of truth for the graph being edited. STUB: the canvas work extends this
 * (undo/redo history, selection, clipboard). Other features (autosave, sharing, run) use only
 * the members declared here, so keep them.
 */
import { create } from 'zustand';
import { emptyGraph, type GraftGraph } from '@/nodes/core/graph';

interface GraphStoreState {
  graph: GraftGraph;
  /** True when viewing someone else's shared graph: no edits possible. */
  readOnly: boolean;
  /** Edit with undo history. */
  setGraph(next: GraftGraph): void;
  /** Load a different graph (new/open/import/fork): resets undo history. */
  replaceGraph(next: GraftGraph, opts?: { readOnly?: boolean }): void;
  setReadOnly(readOnly: boolean): void;
}

export const useGraphStore = create<GraphStoreState>((set) => ({
  graph: emptyGraph(),
  readOnly: false,
  setGraph: (graph) => set({ graph }),
  replaceGraph: (graph, opts) => set({ graph, readOnly: opts?.readOnly ?? false }),
  setReadOnly: (readOnly) => set({ readOnly }),
}));
