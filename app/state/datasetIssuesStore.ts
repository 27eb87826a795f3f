'use client';
/**
 * Dataset-content problems per Dataset node (missing dataset, < 2 classes, classes too small, imbalance).
 * The compiler cannot see IndexedDB or the server's folders, so `DatasetIssuesWatcher` computes these in the
 * browser; the canvas merges them with the compiler's errors so they show on the node like any other error.
 */
import { create } from 'zustand';
import type { GraphError } from '@/nodes/core/types';

export interface DatasetNodeIssues {
  errors: GraphError[];
  warnings: GraphError[];
}

interface DatasetIssuesState {
  byNode: Record<string, DatasetNodeIssues>;
  setNodeIssues(nodeId: string, issues: DatasetNodeIssues): void;
  clearNode(nodeId: string): void;
}

const same = (a: GraphError[], b: GraphError[]) =>
  a.length === b.length && a.every((e, i) => e.message === b[i].message && e.param === b[i].param);

export const useDatasetIssuesStore = create<DatasetIssuesState>((set) => ({
  byNode: {},
  setNodeIssues: (nodeId, issues) =>
    set((s) => {
      const prev = s.byNode[nodeId];
      if (prev && same(prev.errors, issues.errors) && same(prev.warnings, issues.warnings)) return s;
      return { byNode: { ...s.byNode, [nodeId]: issues } };
    }),
  clearNode: (nodeId) =>
    set((s) => {
      if (!(nodeId in s.byNode)) return s;
      const next = { ...s.byNode };
      delete next[nodeId];
      return { byNode: next };
    }),
}));

/** Errors for one node (stable empty array when none). */
const EMPTY: GraphError[] = [];
export function useDatasetNodeErrors(nodeId: string): GraphError[] {
  return useDatasetIssuesStore((s) => s.byNode[nodeId]?.errors ?? EMPTY);
}
export function useDatasetNodeWarnings(nodeId: string): GraphError[] {
  return useDatasetIssuesStore((s) => s.byNode[nodeId]?.warnings ?? EMPTY);
}
