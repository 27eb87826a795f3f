/** Small formatting helpers for the run UI. */
export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export const PHASE_LABEL = {
  loading: 'Loading images',
  features: 'Computing features',
  training: 'Training',
  evaluating: 'Evaluating',
} as const;

/** Overall 0..1 progress across phases (weights reflect typical time shares). */
export function overallProgress(phase: keyof typeof PHASE_LABEL, done: number, total: number): number {
  const spans: Record<keyof typeof PHASE_LABEL, [number, number]> = {
    loading: [0, 0.1],
    features: [0.1, 0.35],
    training: [0.35, 0.92],
    evaluating: [0.92, 1],
  };
  const [a, b] = spans[phase];
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  return a + (b - a) * f;
}
