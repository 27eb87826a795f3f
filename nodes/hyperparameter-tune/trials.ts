/**
 * Pure helpers for showing trials: accumulating 'trial' events, choosing the best, sorting, readable configs.
 * Used by the trials table and the run store. No React, no tfjs.
 */
import type { TrialRecord } from '../engine/types';
import { bestIndex, parseDimensionKey, type TuneMetric } from './search';

/** Insert or replace a trial (by id) in a list kept sorted by id; returns a new array. */
export function upsertTrial(trials: readonly TrialRecord[], trial: TrialRecord): TrialRecord[] {
  const out = trials.filter((t) => t.id !== trial.id);
  out.push(trial);
  out.sort((a, b) => a.id - b.id);
  return out;
}

/** Best trial id by the metric, among trials that produced one (done or stopped early with a value). Prefers
 * completed trials: a trial stopped after one halving rung is not comparable to one trained to the end. */
export function bestTrialId(trials: readonly TrialRecord[], metric: TuneMetric): number | null {
  const done = trials.filter((t) => t.status === 'done');
  const pool = done.length > 0 ? done : trials.filter((t) => t.metric !== null);
  const i = bestIndex(metric, pool.map((t) => t.metric));
  return i < 0 ? null : pool[i]!.id;
}

export type TrialSortKey = 'id' | 'config' | 'metric' | 'status' | 'ms';

const STATUS_ORDER: Record<TrialRecord['status'], number> = { done: 0, running: 1, stopped: 2, pending: 3, failed: 4 };

/** Sort a copy. Trials without a metric always sort last, whichever the direction. */
export function sortTrials(trials: readonly TrialRecord[], key: TrialSortKey, direction: 'asc' | 'desc'): TrialRecord[] {
  const sign = direction === 'asc' ? 1 : -1;
  const cmp = (a: TrialRecord, b: TrialRecord): number => {
    switch (key) {
      case 'metric': {
        if (a.metric === null && b.metric === null) return 0;
        if (a.metric === null) return Infinity;
        if (b.metric === null) return -Infinity;
        return sign * (a.metric - b.metric);
      }
      case 'status':
        return sign * (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
      case 'ms':
        return sign * (a.ms - b.ms);
      case 'config':
        return sign * formatConfig(a.config).localeCompare(formatConfig(b.config));
      default:
        return sign * (a.id - b.id);
    }
  };
  return trials
    .map((t, i) => ({ t, i }))
    .sort((x, y) => {
      const c = cmp(x.t, y.t);
      return c === 0 || Number.isNaN(c) ? x.t.id - y.t.id : c > 0 ? 1 : -1;
    })
    .map((x) => x.t);
}

export function formatParamValue(v: number | string | boolean): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && abs < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

/** Short label for a config key: the param name alone when no other key in `keys` shares it. */
export function shortKey(key: string, keys: readonly string[]): string {
  const { param } = parseDimensionKey(key);
  const clash = keys.filter((k) => parseDimensionKey(k).param === param).length > 1;
  return clash ? key : param;
}

/** "learningRate=0.001, hiddenUnits=64". */
export function formatConfig(config: TrialRecord['config']): string {
  const keys = Object.keys(config);
  if (keys.length === 0) return '(current settings)';
  return keys.map((k) => `${shortKey(k, keys)}=${formatParamValue(config[k]!)}`).join(', ');
}

export function formatMetric(metric: string, value: number | null): string {
  if (value === null) return '—';
  return metric === 'val_accuracy' ? `${(value * 100).toFixed(1)}%` : value.toFixed(4);
}

export function metricTitle(metric: string): string {
  return metric === 'val_loss' ? 'Validation loss' : 'Validation accuracy';
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
