'use client';
/**
 * Run state shared by the canvas (per-node badges) and the run panel. STUB: the run UI fills this in.
 */
import { create } from 'zustand';
import type { NodeRunState } from '@/nodes/engine/types';

export interface NodeRunInfo {
  state: NodeRunState;
  message?: string;
  /** 0..1 when known. */
  progress?: number;
}

interface RunStoreState {
  nodeStates: Record<string, NodeRunInfo>;
  setNodeState(nodeId: string, info: NodeRunInfo): void;
  clearNodeStates(): void;
}

export const useRunStore = create<RunStoreState>((set) => ({
  nodeStates: {},
  setNodeState: (nodeId, info) => set((s) => ({ nodeStates: { ...s.nodeStates, [nodeId]: info } })),
  clearNodeStates: () => set({ nodeStates: {} }),
}));
