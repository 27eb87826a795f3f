'use client';
/**
 * State of the "seeing inside" views: the heatmap toggle/opacity/class choice shared by every image Graft shows
 * after a run, and a cache of heatmaps and thumbnails fetched from the worker (per run, so a new run starts clean).
 */
import { create } from 'zustand';
import type { Heatmap } from '@/nodes/engine/host-browser/views-protocol';
import { getEngineClient } from '@/nodes/engine/host-browser/client';

export type HeatmapClass = 'predicted' | 'true';

interface ViewsState {
  showHeatmaps: boolean;
  opacity: number;
  heatmapClass: HeatmapClass;
  /** `${runId}:${which}:${testIndex}` → heatmap (null = could not be computed). */
  heatmaps: Record<string, Heatmap | null>;
  heatmapError: string | null;
  /** `${runId}:t${testIndex}` or `${runId}:i${item}` → data URL. */
  thumbnails: Record<string, string | null>;
  /** `tf.memory().numTensors` before/after the last view the worker computed. */
  lastTensors: { view: string; before: number; after: number } | null;
  setShowHeatmaps(v: boolean): void;
  setOpacity(v: number): void;
  setHeatmapClass(v: HeatmapClass): void;
  noteTensors(view: string, t: { before: number; after: number }): void;
}

export const useViewsStore = create<ViewsState>((set) => ({
  showHeatmaps: false,
  opacity: 0.5,
  heatmapClass: 'predicted',
  heatmaps: {},
  heatmapError: null,
  thumbnails: {},
  lastTensors: null,
  setShowHeatmaps: (showHeatmaps) => set({ showHeatmaps }),
  setOpacity: (opacity) => set({ opacity }),
  setHeatmapClass: (heatmapClass) => set({ heatmapClass }),
  noteTensors: (view, t) => set({ lastTensors: { view, ...t } }),
}));

export function heatmapKey(runId: string, which: HeatmapClass, testIndex: number): string {
  return `${runId}:${which}:${testIndex}`;
}

// Requests are collected for one tick and sent as one batch (the worker computes them 8 at a time).
let pending = new Map<string, { runId: string; which: HeatmapClass; testIndex: number }>();
let inFlight = new Set<string>();
let timer: ReturnType<typeof setTimeout> | null = null;

export function requestHeatmap(runId: string, which: HeatmapClass, testIndex: number): void {
  const key = heatmapKey(runId, which, testIndex);
  if (key in useViewsStore.getState().heatmaps || inFlight.has(key)) return;
  pending.set(key, { runId, which, testIndex });
  timer ??= setTimeout(flushHeatmaps, 30);
}

function flushHeatmaps(): void {
  timer = null;
  const batch = [...pending.entries()];
  pending = new Map();
  const groups = new Map<string, Array<[string, number]>>();
  for (const [key, r] of batch) {
    inFlight.add(key);
    const g = `${r.runId}\u0000${r.which}`;
    groups.set(g, [...(groups.get(g) ?? []), [key, r.testIndex]]);
  }
  for (const [g, entries] of groups) {
    const [runId, which] = g.split('\u0000') as [string, HeatmapClass];
    getEngineClient()
      .request('view-heatmaps', { runId, which, testIndices: entries.map((e) => e[1]) })
      .then((reply) => {
        useViewsStore.getState().noteTensors('heatmaps', reply.tensors);
        useViewsStore.setState((s) => {
          const heatmaps = { ...s.heatmaps };
          entries.forEach(([key], k) => (heatmaps[key] = reply.heatmaps[k] ?? null));
          return { heatmaps, heatmapError: null };
        });
      })
      .catch((e: Error) => {
        useViewsStore.setState((s) => {
          const heatmaps = { ...s.heatmaps };
          for (const [key] of entries) heatmaps[key] = null;
          return { heatmaps, heatmapError: e.message };
        });
      })
      .finally(() => {
        for (const [key] of entries) inFlight.delete(key);
      });
  }
}

let thumbPending = new Map<string, { runId: string; testIndex?: number; item?: number }>();
let thumbTimer: ReturnType<typeof setTimeout> | null = null;

/** Thumbnail of a test image (by test index) or any dataset item of the current run. */
export function requestThumbnail(runId: string, ref: { testIndex?: number; item?: number }): void {
  const key = ref.testIndex !== undefined ? `${runId}:t${ref.testIndex}` : `${runId}:i${ref.item}`;
  if (key in useViewsStore.getState().thumbnails || thumbPending.has(key)) return;
  thumbPending.set(key, { runId, ...ref });
  thumbTimer ??= setTimeout(() => {
    thumbTimer = null;
    const batch = [...thumbPending.entries()];
    thumbPending = new Map();
    const byRun = new Map<string, typeof batch>();
    for (const entry of batch) byRun.set(entry[1].runId, [...(byRun.get(entry[1].runId) ?? []), entry]);
    for (const [runId, entries] of byRun) {
      const tests = entries.filter(([, r]) => r.testIndex !== undefined);
      const items = entries.filter(([, r]) => r.testIndex === undefined);
      getEngineClient()
        .request('view-thumbnails', { runId, testIndices: tests.map(([, r]) => r.testIndex!), items: items.map(([, r]) => r.item!) })
        .then((reply) => {
          useViewsStore.setState((s) => {
            const thumbnails = { ...s.thumbnails };
            [...tests, ...items].forEach(([key], k) => (thumbnails[key] = reply.thumbnails[k] ?? null));
            return { thumbnails };
          });
        })
        .catch(() => {
          useViewsStore.setState((s) => {
            const thumbnails = { ...s.thumbnails };
            for (const [key] of entries) thumbnails[key] = null;
            return { thumbnails };
          });
        });
    }
  }, 30);
}

/** Forget cached heatmaps/thumbnails (a new run replaced the model). */
export function resetViewCaches(): void {
  pending = new Map();
  inFlight = new Set();
  useViewsStore.setState({ heatmaps: {}, thumbnails: {}, heatmapError: null });
}
