'use client';
/**
 * Run history per graph in localStorage: earlier runs' accuracy/backend/date, so runs can be compared.
 * Keyed by the saved graph's id when it has one, else by its name.
 */
import { z } from 'zod';
import type { RunHistoryEntry } from '@/app/state/runStore';
import { TrustRecordSchema } from './trustHistory';

const PREFIX = 'graft:run-history:';
const MAX_ENTRIES = 30;

const EntrySchema = z.object({
  id: z.string(),
  date: z.number(),
  kind: z.enum(['main', 'scratch']),
  accuracy: z.number().nullable(),
  loss: z.number().nullable(),
  backend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']).nullable(),
  featureBackend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']).nullable(),
  path: z.enum(['cached', 'full']).nullable(),
  epochs: z.number(),
  trainMs: z.number().nullable(),
  imagesPerSecond: z.number().nullable(),
  splitFingerprint: z.string().nullable().optional(),
  status: z.enum(['running', 'done', 'error', 'cancelled']),
  summary: z.string(),
  trust: TrustRecordSchema.optional(),
  /** The page was closed or reloaded while this run was going. */
  interrupted: z.boolean().optional(),
});

export function historyKey(graphId: string | null, graphName: string): string {
  return PREFIX + (graphId ? `id:${graphId}` : `name:${graphName}`);
}

export function readHistory(key: string): RunHistoryEntry[] {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return [];
    const parsed = z.array(EntrySchema).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function appendHistory(key: string, entry: RunHistoryEntry): RunHistoryEntry[] {
  const next = [entry, ...readHistory(key)].slice(0, MAX_ENTRIES);
  try {
    localStorage.setItem(key, JSON.stringify(next));
  } catch {
    /* storage full or disabled: history is a convenience */
  }
  notify();
  return next;
}

/** Add the entry, or replace the one with the same id in place (a run is recorded when it starts, then updated). */
export function upsertHistory(key: string, entry: RunHistoryEntry): RunHistoryEntry[] {
  const current = readHistory(key);
  const at = current.findIndex((e) => e.id === entry.id);
  if (at < 0) return appendHistory(key, entry);
  const next = [...current];
  next[at] = entry;
  write(key, next);
  return next;
}

export function removeHistoryEntry(key: string, id: string): void {
  const current = readHistory(key);
  if (current.some((e) => e.id === id)) write(key, current.filter((e) => e.id !== id));
}

/**
 * Runs recorded as going that are not going in this page: the page was closed or reloaded during them. They are
 * kept, marked interrupted (a run is recorded when it starts precisely so that leaving never loses it silently).
 */
export function sealInterrupted(key: string, activeRunId: string | null): void {
  const current = readHistory(key);
  if (!current.some((e) => e.status === 'running' && e.id !== activeRunId)) return;
  write(
    key,
    current.map((e) => (e.status === 'running' && e.id !== activeRunId ? { ...e, status: 'cancelled' as const, interrupted: true } : e)),
  );
}

/** The unsaved graph just got its id: its runs (kept under its name until now) move with it. */
export function moveHistory(fromKey: string, toKey: string): void {
  if (fromKey === toKey) return;
  const moving = readHistory(fromKey);
  if (moving.length === 0) return;
  const kept = readHistory(toKey).filter((e) => !moving.some((m) => m.id === e.id));
  write(toKey, [...moving, ...kept].sort((a, b) => b.date - a.date).slice(0, MAX_ENTRIES));
  try {
    localStorage.removeItem(fromKey);
  } catch {
    /* ignore */
  }
}

function write(key: string, entries: RunHistoryEntry[]): void {
  try {
    localStorage.setItem(key, JSON.stringify(entries));
  } catch {
    /* storage full or disabled: history is a convenience */
  }
  notify();
}

export function clearHistory(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* ignore */
  }
  notify();
}

const listeners = new Set<() => void>();
function notify(): void {
  for (const l of listeners) l();
}
export function subscribeHistory(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
