'use client';
/**
 * The views of each run, kept in localStorage next to the run history (by run id), so re-opening an earlier run
 * shows its confusion drill-down, feature map, data-efficiency curve and layer sweep without recomputing.
 * Validated with zod on the way in; the oldest runs' views go first when the budget is exceeded.
 */
import { z } from 'zod';

const PREFIX = 'graft:run-views:';
const INDEX = 'graft:run-views-index';
const MAX_RUNS = 12;

const Point = z.object({ x: z.number(), y: z.number() });
const Prediction = z.object({
  index: z.number(),
  id: z.string(),
  trueClass: z.number(),
  predictedClass: z.number(),
  probabilities: z.array(z.number()),
});

export const SavedViewsSchema = z.object({
  runId: z.string(),
  savedAt: z.number(),
  labels: z.array(z.string()),
  confusion: z
    .object({ matrix: z.array(z.array(z.number())), predictions: z.array(Prediction).optional(), accuracy: z.number(), testSize: z.number() })
    .optional(),
  featureMap: z
    .object({
      method: z.enum(['pca', 'umap']),
      items: z.array(z.object({ split: z.enum(['train', 'test']), item: z.number(), label: z.number(), predicted: z.number(), testIndex: z.number().nullable() })),
      trunk: z.array(Point),
      hidden: z.array(Point),
      hiddenWhat: z.enum(['last hidden layer', 'class scores']),
      separation: z.object({ trunk: z.number(), hidden: z.number() }),
    })
    .optional(),
  dataEfficiency: z
    .object({
      points: z.array(z.object({ perClass: z.number(), all: z.boolean(), images: z.number(), pretrained: z.number(), random: z.number() })),
      testImages: z.number(),
      ms: z.number(),
    })
    .optional(),
  layerSweep: z
    .object({
      layers: z.array(z.object({ name: z.string(), depth: z.number(), dim: z.number(), shape: z.string(), accuracy: z.number() })),
      currentCut: z.string().nullable(),
      best: z.string(),
      trainCount: z.number(),
      validationCount: z.number(),
      scoredOn: z.enum(['validation', 'held-out training images']),
      deepestIsNotBest: z.boolean(),
      ms: z.number(),
    })
    .optional(),
});

export type SavedViews = z.infer<typeof SavedViewsSchema>;

const listeners = new Set<() => void>();
export function subscribeSavedViews(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * What this page last read or wrote per run: a run's views (with every test image's prediction) are read back after
 * each save by every panel showing them, and parsing + validating a 5,000-image run's predictions from localStorage
 * each time took tens of milliseconds on the main thread. Storage written by another tab drops the copy.
 */
const known = new Map<string, SavedViews | null>();
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === null || e.key.startsWith(PREFIX)) known.clear();
  });
}

export function readSavedViews(runId: string): SavedViews | null {
  if (known.has(runId)) return known.get(runId)!;
  let views: SavedViews | null;
  try {
    const raw = localStorage.getItem(PREFIX + runId);
    const parsed = raw ? SavedViewsSchema.safeParse(JSON.parse(raw)) : null;
    views = parsed?.success ? parsed.data : null;
  } catch {
    views = null;
  }
  known.set(runId, views);
  return views;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Merge `patch` into the run's saved views. */
export function saveViews(runId: string, labels: string[], patch: Partial<Omit<SavedViews, 'runId' | 'savedAt' | 'labels'>>): void {
  const current = readSavedViews(runId) ?? { runId, savedAt: Date.now(), labels };
  const next: SavedViews = { ...current, ...patch, labels, savedAt: Date.now() };
  if (next.featureMap) {
    next.featureMap = {
      ...next.featureMap,
      trunk: next.featureMap.trunk.map((p) => ({ x: round(p.x), y: round(p.y) })),
      hidden: next.featureMap.hidden.map((p) => ({ x: round(p.x), y: round(p.y) })),
    };
  }
  try {
    let index: string[] = [];
    try {
      index = z.array(z.string()).parse(JSON.parse(localStorage.getItem(INDEX) ?? '[]'));
    } catch {
      index = [];
    }
    index = [runId, ...index.filter((id) => id !== runId)];
    for (const old of index.slice(MAX_RUNS)) forget(old);
    index = index.slice(0, MAX_RUNS);
    const text = JSON.stringify(next);
    for (;;) {
      try {
        localStorage.setItem(PREFIX + runId, text);
        break;
      } catch {
        // Storage full: drop the oldest other run's views and retry; give up when none are left.
        const victim = index.length > 1 ? index.pop() : undefined;
        if (!victim) throw new Error('full');
        forget(victim);
      }
    }
    localStorage.setItem(INDEX, JSON.stringify(index));
    known.set(runId, next);
  } catch {
    /* storage disabled or full: views are a convenience (what is kept is what a reload would read) */
    known.delete(runId);
  }
  for (const l of listeners) l();
}

function forget(runId: string): void {
  localStorage.removeItem(PREFIX + runId);
  known.delete(runId);
}
