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
