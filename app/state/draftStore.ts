'use client';
/**
 * Field drafts that are not valid yet (e.g. a learning rate of "1e-9" or "abc"). They are never applied to the
 * graph, but they are problems: listed in Problems, they block Run with the reason, and they survive the inspector
 * closing (reopening the node shows the draft again).
 */
import { create } from 'zustand';
import type { GraphError } from '@/nodes/core/types';

export interface InvalidDraft {
  nodeId: string;
  param: string;
  title: string;
  text: string;
  message: string;
}

interface DraftState {
  invalid: Record<string, InvalidDraft>;
  setInvalid(d: InvalidDraft): void;
  clear(nodeId: string, param: string): void;
  clearAll(): void;
}

const keyOf = (nodeId: string, param: string) => `${nodeId}\u0000${param}`;

export const useDraftStore = create<DraftState>((set) => ({
  invalid: {},
  setInvalid: (d) => set((s) => ({ invalid: { ...s.invalid, [keyOf(d.nodeId, d.param)]: d } })),
  clear: (nodeId, param) =>
    set((s) => {
      const k = keyOf(nodeId, param);
      if (!(k in s.invalid)) return {};
      const invalid = { ...s.invalid };
      delete invalid[k];
      return { invalid };
    }),
  clearAll: () => set({ invalid: {} }),
}));

export function invalidDraftOf(nodeId: string, param: string): InvalidDraft | undefined {
  return useDraftStore.getState().invalid[keyOf(nodeId, param)];
}

/** Invalid drafts of nodes still in the graph, as errors located on their node and field. */
export function draftErrors(invalid: Record<string, InvalidDraft>, nodeIds: ReadonlySet<string>): GraphError[] {
  return Object.values(invalid)
    .filter((d) => nodeIds.has(d.nodeId))
    .map((d) => ({ nodeId: d.nodeId, param: d.param, message: `${d.title}: “${d.text}” is not applied — ${d.message}` }));
}
