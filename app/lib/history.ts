/**
 * Pure undo/redo history with coalescing: a burst of changes that share a coalesce key (one drag,
 * typing into one field) becomes a single undo step. No React, no zustand: unit-testable.
 */
export const HISTORY_LIMIT = 200;
/** Changes with the same key closer together than this (ms) merge into one undo step. */
export const DEFAULT_COALESCE_WINDOW_MS = 1200;

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Key and time of the last recorded change, for coalescing. */
  lastKey: string | null;
  lastAt: number;
}

export interface CommitOptions {
  /** Changes with the same key within `windowMs` merge into one undo step. */
  coalesce?: string;
  /** Merge window; `Infinity` for gestures that end explicitly (a drag has its own unique key). */
  windowMs?: number;
  /** Time of the change (injected for tests). */
  now?: number;
}

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null, lastAt: 0 };
}

/** Record `next` as the new present. Returns the same history object when nothing changed. */
export function commit<T>(h: History<T>, next: T, opts: CommitOptions = {}): History<T> {
  if (next === h.present) return h;
  const now = opts.now ?? Date.now();
  const window = opts.windowMs ?? DEFAULT_COALESCE_WINDOW_MS;
  const merge = opts.coalesce !== undefined && opts.coalesce === h.lastKey && now - h.lastAt <= window;
  if (merge) {
    // The step before the burst stays the undo target; only the present moves on.
    return { ...h, present: next, future: [], lastAt: now };
  }
  const past = [...h.past, h.present];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: opts.coalesce ?? null, lastAt: now };
}

export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  const previous = h.past[h.past.length - 1];
  return { past: h.past.slice(0, -1), present: previous, future: [h.present, ...h.future], lastKey: null, lastAt: 0 };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  const [next, ...rest] = h.future;
  return { past: [...h.past, h.present], present: next, future: rest, lastKey: null, lastAt: 0 };
}

/** Stop the current burst so the next change starts a new undo step (e.g. on blur, drag end). */
export function breakCoalescing<T>(h: History<T>): History<T> {
  return h.lastKey === null ? h : { ...h, lastKey: null };
}
