/**
 * The one progress value of a run: the run panel's bar, the trainer node's chip and the ETA all read `progressView`,
 * so they cannot disagree (issue #16: the panel said 40% while the Train node said 5%, "Loading images ETA 0s" at 10%).
 * Pure: computed from the session's latest worker 'progress' event (plus, for a search, the trainer node's
 * trials-finished share), no timers, no React.
 */
import { duration } from './format';

export type RunPhase = 'model' | 'loading' | 'features' | 'training' | 'evaluating';

export const PHASE_LABEL: Record<RunPhase, string> = {
  model: 'Loading the model',
  loading: 'Loading images',
  features: 'Computing features',
  training: 'Training',
  evaluating: 'Evaluating',
};

/** The part of what the run store keeps that progress depends on. */
export interface ProgressInput {
  status: 'running' | 'done' | 'error' | 'cancelled';
  progress: { phase: RunPhase; done: number; total: number; etaMs: number | null } | null;
  /** A 'features' phase ran in this session (cached path): training then starts later on the bar. */
  sawFeatures: boolean;
  /** A hyperparameter search: the bar is the share of trials finished (the engine's progress for the trainer node),
   * and the phase/ETA describe the current trial. */
  search: { finished: number } | null;
}

export interface ProgressView {
  /** Overall 0..1, monotone through the phases of one run. */
  fraction: number;
  /** `fraction` as a whole percent: the number both the panel and the node print. */
  percent: number;
  phase: RunPhase | null;
  /** Phase name shown in the panel ("Loading images"), null when no phase is known yet. */
  phaseLabel: string | null;
  /** Remaining time of the current phase when the worker has measured it (never 0 while work remains). */
  etaMs: number | null;
  /** "ETA 12s for training", or null: shown only while a measured phase (features, training) is under way. */
  etaText: string | null;
}

/** Share of the bar each phase takes (typical time shares; training starts earlier when no features are computed). */
const SPANS: Record<RunPhase, [number, number]> = {
  model: [0, 0.05],
  loading: [0.05, 0.12],
  features: [0.12, 0.35],
  training: [0.35, 0.95],
  evaluating: [0.95, 1],
};

function phaseSpan(phase: RunPhase, sawFeatures: boolean): [number, number] {
  if (phase === 'training' && !sawFeatures) return [SPANS.loading[1], SPANS.training[1]];
  return SPANS[phase];
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

/** Phases whose ETA the worker measures from items done so far; loading/evaluating ETAs read as "0s" and mislead. */
const TIMED_PHASES: ReadonlySet<RunPhase> = new Set(['features', 'training']);

export function progressView(input: ProgressInput): ProgressView {
  const p = input.progress;
  const phaseShare = p && p.total > 0 ? clamp01(p.done / p.total) : 0;
  let fraction: number;
  if (input.status === 'done') fraction = 1;
  else if (input.search) fraction = clamp01(input.search.finished);
  else if (p) {
    const [a, b] = phaseSpan(p.phase, input.sawFeatures);
    fraction = a + (b - a) * phaseShare;
  } else fraction = 0;

  const running = input.status === 'running';
  const remaining = p !== null && p.done < p.total;
  const etaMs =
    running && p && TIMED_PHASES.has(p.phase) && p.done > 0 && remaining && p.etaMs !== null && Number.isFinite(p.etaMs)
      ? Math.max(1000, p.etaMs)
      : null;
  const what = p ? (input.search ? `this trial's ${PHASE_LABEL[p.phase].toLowerCase()}` : PHASE_LABEL[p.phase].toLowerCase()) : '';
  return {
    fraction,
    // Floor, not round: 99.6% of the way is not "100%" while work remains.
    percent: input.status === 'done' ? 100 : Math.floor(fraction * 100),
    phase: running && p ? p.phase : null,
    phaseLabel: running && p ? PHASE_LABEL[p.phase] : null,
    etaMs,
    etaText: etaMs === null ? null : `ETA ${duration(etaMs)} for ${what}`,
  };
}
