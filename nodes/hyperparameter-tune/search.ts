/**
 * Hyperparameter search, the pure part: turning search dimensions into trial configurations (grid, seeded random)
 * and the successive-halving scheduler. No tfjs, no React: runs in Node, the Web Worker and the inspector UI.
 *
 * A trial configuration maps a dimension key (`<nodeId>.<param>`) to the value that trial uses.
 */
import type { TuneDimension, TunePlan } from '../core/plan';
import { createRng, hashSeed } from '../dataset/split';

export type ParamValue = number | string | boolean;
export type TrialConfig = Record<string, ParamValue>;

/** Stable key of a dimension inside a trial config. */
export function dimensionKey(d: Pick<TuneDimension, 'nodeId' | 'param'>): string {
  return `${d.nodeId}.${d.param}`;
}

/** Split a config key back into node id and param (node ids may not contain '.', params never do). */
export function parseDimensionKey(key: string): { nodeId: string; param: string } {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? { nodeId: '', param: key } : { nodeId: key.slice(0, dot), param: key.slice(dot + 1) };
}

/** Group a trial config per node: `{ nodeId: { param: value } }`, the shape graph param overrides take. */
export function configToOverrides(config: TrialConfig): Record<string, Record<string, ParamValue>> {
  const out: Record<string, Record<string, ParamValue>> = {};
  for (const [key, value] of Object.entries(config)) {
    const { nodeId, param } = parseDimensionKey(key);
    (out[nodeId] ??= {})[param] = value;
  }
  return out;
}

/** Keep numbers readable (0.001, not 0.0010000000000000002) without changing them meaningfully. */
function tidyNumber(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(6));
}

function valueId(v: ParamValue): string {
  return `${typeof v}:${String(v)}`;
}

function dedupe(values: ParamValue[]): ParamValue[] {
  const seen = new Set<string>();
  const out: ParamValue[] = [];
  for (const v of values) {
    const id = valueId(v);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(v);
  }
  return out;
}

/** Matches the Hyperparameter Tune node's schema. */
export const MAX_RANGE_STEPS = 100;

/** Why a dimension cannot be searched (a sentence the user can act on), or null if it is fine. */
export function dimensionProblem(d: TuneDimension): string | null {
  if (d.values !== undefined && d.range !== undefined) return 'Give either a list of values or a range, not both.';
  if (d.values !== undefined) {
    if (d.values.length === 0) return 'The list of values is empty.';
    if (d.values.length > 100) return 'At most 100 values per dimension.';
    for (const v of d.values) {
      if (typeof v === 'number' && !Number.isFinite(v)) return 'Every value must be a finite number or a word.';
    }
    return null;
  }
  if (d.range !== undefined) {
    const { min, max, scale, steps } = d.range;
    if (!Number.isFinite(min) || !Number.isFinite(max)) return 'The range needs a finite minimum and maximum.';
    if (min > max) return `The range minimum (${min}) is larger than its maximum (${max}).`;
    if (scale === 'log' && min <= 0) return 'A log-scale range must start above 0.';
    if (!Number.isInteger(steps) || steps < 1) return 'The range needs at least 1 step (a whole number).';
    if (steps > MAX_RANGE_STEPS) return `At most ${MAX_RANGE_STEPS} steps per range.`;
    return null;
  }
  return 'Give a list of values or a range.';
}

/** Candidate values of one dimension, in order, deduplicated. Throws on an invalid dimension (see dimensionProblem). */
export function expandDimension(d: TuneDimension): ParamValue[] {
  const problem = dimensionProblem(d);
  if (problem) throw new Error(`${dimensionKey(d)}: ${problem}`);
  if (d.values !== undefined) return dedupe(d.values);
  const { min, max, scale, steps, integer } = d.range!;
  const out: ParamValue[] = [];
  for (let i = 0; i < steps; i++) {
    // steps = 1 gives the minimum; otherwise both ends are included.
    const t = steps === 1 ? 0 : i / (steps - 1);
    let v = scale === 'log' ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min);
    if (i === steps - 1 && steps > 1) v = max; // exact end point, no drift
    out.push(integer ? Math.round(v) : tidyNumber(v));
  }
  return dedupe(out);
}

/** Number of configurations in the full grid (product of each dimension's candidate count). 1 with no dimensions. */
export function gridSize(dims: readonly TuneDimension[]): number {
  let n = 1;
  for (const d of dims) n *= expandDimension(d).length;
  return n;
}

/** The config at `index` of the cartesian product; the first dimension varies slowest (like nested loops). */
function gridConfigAt(keys: string[], valueLists: ParamValue[][], index: number): TrialConfig {
  const config: TrialConfig = {};
  let rest = index;
  for (let k = keys.length - 1; k >= 0; k--) {
    const list = valueLists[k]!;
    config[keys[k]!] = list[rest % list.length]!;
    rest = Math.floor(rest / list.length);
  }
  // Re-insert in dimension order so configs print in the order the user declared the dimensions.
  const ordered: TrialConfig = {};
  for (const key of keys) ordered[key] = config[key]!;
  return ordered;
}

/**
 * Every configuration of the cartesian product, in a stable order (first dimension slowest). When the grid is
 * larger than `maxTrials`, an evenly spaced subset of it (still in grid order) is returned, so a capped grid
 * still spans every dimension instead of exploring only the first values of the first dimension.
 */
export function gridConfigs(dims: readonly TuneDimension[], maxTrials = Infinity): TrialConfig[] {
  const keys = dims.map(dimensionKey);
  if (new Set(keys).size !== keys.length) throw new Error('The same parameter is searched twice.');
  const valueLists = dims.map(expandDimension);
  const total = valueLists.reduce((n, l) => n * l.length, 1);
  const count = Math.max(0, Math.min(total, Math.floor(maxTrials)));
  const out: TrialConfig[] = [];
  for (let k = 0; k < count; k++) {
    const index = count === total ? k : Math.floor((k * total) / count);
    out.push(gridConfigAt(keys, valueLists, index));
  }
  return out;
}

function configId(config: TrialConfig): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${valueId(v)}`)
    .join('&');
}

/**
 * `n` configurations sampled with a seeded PRNG: reproducible for a seed, different for another. Lists are sampled
 * uniformly; ranges continuously (uniform, or log-uniform for log scale; rounded for integer ranges). Duplicate
 * configurations are avoided; when the space is finite and smaller than `n`, every configuration appears once.
 */
export function randomConfigs(dims: readonly TuneDimension[], n: number, seed: number): TrialConfig[] {
  const keys = dims.map(dimensionKey);
  if (new Set(keys).size !== keys.length) throw new Error('The same parameter is searched twice.');
  for (const d of dims) {
    const problem = dimensionProblem(d);
    if (problem) throw new Error(`${dimensionKey(d)}: ${problem}`);
  }
  // A finite space (lists and integer ranges only) can hold fewer distinct configs than asked for.
  let finiteSize = 1;
  for (const d of dims) {
    if (d.values) finiteSize *= dedupe(d.values).length;
    else if (d.range!.integer) finiteSize *= Math.floor(d.range!.max) - Math.ceil(d.range!.min) + 1;
    else finiteSize = Infinity;
  }
  const target = Math.max(0, Math.min(Math.floor(n), finiteSize));
  const rng = createRng(hashSeed(seed, 0x7a5e));
  const out: TrialConfig[] = [];
  const seen = new Set<string>();
  let attempts = 0;
  const maxAttempts = target * 50 + 100;
  while (out.length < target && attempts < maxAttempts) {
    attempts++;
    const config: TrialConfig = {};
    dims.forEach((d, i) => {
      config[keys[i]!] = sampleDimension(d, rng);
    });
    const id = configId(config);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(config);
  }
  return out;
}

function sampleDimension(d: TuneDimension, rng: () => number): ParamValue {
  if (d.values) {
    const list = dedupe(d.values);
    return list[Math.min(list.length - 1, Math.floor(rng() * list.length))]!;
  }
  const { min, max, scale, integer } = d.range!;
  if (integer) {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    if (scale === 'log' && lo > 0) {
      // Log-uniform over the integers: sample continuously in [lo-0.5, hi+0.5) on a log scale, then round.
      const a = Math.log(Math.max(lo - 0.5, lo / 2));
      const b = Math.log(hi + 0.5);
      return Math.min(hi, Math.max(lo, Math.round(Math.exp(a + rng() * (b - a)))));
    }
    return lo + Math.min(hi - lo, Math.floor(rng() * (hi - lo + 1)));
  }
  const v = scale === 'log' ? Math.exp(Math.log(min) + rng() * (Math.log(max) - Math.log(min))) : min + rng() * (max - min);
  return Math.min(max, Math.max(min, Number(v.toPrecision(4))));
}

/** Trial configurations for a plan's strategy ('halving' samples like grid when the grid fits, else randomly). */
export function configsForPlan(tune: Pick<TunePlan, 'strategy' | 'maxTrials' | 'seed' | 'dimensions'>): TrialConfig[] {
  const maxTrials = Math.max(1, Math.floor(tune.maxTrials));
  if (tune.strategy === 'grid') return gridConfigs(tune.dimensions, maxTrials);
  if (tune.strategy === 'halving') {
    // Halving needs many cheap candidates; a grid that fits is the most even coverage, otherwise sample.
    const hasContinuous = tune.dimensions.some((d) => d.range && !d.range.integer);
    if (!hasContinuous && gridSize(tune.dimensions) <= maxTrials) return gridConfigs(tune.dimensions, maxTrials);
    return randomConfigs(tune.dimensions, maxTrials, tune.seed);
  }
  return randomConfigs(tune.dimensions, maxTrials, tune.seed);
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics

export type TuneMetric = TunePlan['metric'];

/** val_accuracy is maximised, val_loss minimised. */
export function isBetter(metric: TuneMetric, a: number, b: number): boolean {
  return metric === 'val_loss' ? a < b : a > b;
}

/** Index of the best finite metric (ties: the earliest), or -1. */
export function bestIndex(metric: TuneMetric, values: ReadonlyArray<number | null>): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    if (best < 0 || isBetter(metric, v, values[best]!)) best = i;
  });
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// Successive halving

export interface Rung {
  /** Cumulative epochs a trial has trained for when it finishes this rung. */
  epochs: number;
  /** How many trials train at this rung. */
  size: number;
}

export const DEFAULT_ETA = 3;

/**
 * Rungs for successive halving: `nTrials` start at the first rung with few epochs; after each rung the top 1/eta
 * (by validation metric) are promoted to train longer; the last rung trains for the full `maxEpochs`. Epochs grow
 * by a factor eta per rung, so the number of rungs is limited both by the trial count and by the epoch budget.
 */
export function halvingRungs(nTrials: number, maxEpochs: number, eta = DEFAULT_ETA): Rung[] {
  const n = Math.max(1, Math.floor(nTrials));
  const e = Math.max(1, Math.floor(maxEpochs));
  const factor = Math.max(2, eta);
  let byTrials = 1;
  while (Math.floor(n / factor ** byTrials) >= 1 && byTrials < 20) byTrials++;
  let byEpochs = 1;
  while (Math.floor(e / factor ** byEpochs) >= 1 && byEpochs < 20) byEpochs++;
  const count = Math.min(byTrials, byEpochs);
  const rungs: Rung[] = [];
  let size = n;
  for (let r = 0; r < count; r++) {
    const epochs = r === count - 1 ? e : Math.max(1, Math.round(e / factor ** (count - 1 - r)));
    rungs.push({ epochs, size });
    size = Math.max(1, Math.floor(size / factor));
  }
  return rungs;
}

export type TrialStatus = 'pending' | 'running' | 'done' | 'stopped' | 'failed';

export interface HalvingJob {
  trialId: number;
  rung: number;
  /** Train this trial until it has trained this many epochs in total. */
  epochs: number;
  /** Epochs it has already trained (from the previous rung), for hosts that can resume. */
  fromEpochs: number;
}

/**
 * Synchronous successive halving as a pure state machine. The runner asks `next()` for a job, trains it, and
 * `report()`s its validation metric (null = the trial failed). Trials run one at a time (one tfjs backend per
 * host), so promotion happens when a rung completes; that is ASHA with a single worker, and fully deterministic.
 */
export class SuccessiveHalving {
  readonly rungs: Rung[];
  private readonly statuses = new Map<number, TrialStatus>();
  private readonly metrics = new Map<number, number | null>();
  private readonly epochsDone = new Map<number, number>();
  private rung = 0;
  private queue: number[];
  private running: number | null = null;
  private rungResults: Array<{ trialId: number; metric: number | null }> = [];

  constructor(
    readonly trialIds: readonly number[],
    maxEpochs: number,
    readonly metric: TuneMetric,
    eta = DEFAULT_ETA,
  ) {
    this.rungs = halvingRungs(trialIds.length, maxEpochs, eta);
    for (const id of trialIds) {
      this.statuses.set(id, 'pending');
      this.metrics.set(id, null);
      this.epochsDone.set(id, 0);
    }
    this.queue = [...trialIds];
  }

  /** The next job, or null when the search is over (or a job is still running). */
  next(): HalvingJob | null {
    if (this.running !== null) return null;
    if (this.queue.length === 0) return null;
    const trialId = this.queue.shift()!;
    this.running = trialId;
    this.statuses.set(trialId, 'running');
    return { trialId, rung: this.rung, epochs: this.rungs[this.rung]!.epochs, fromEpochs: this.epochsDone.get(trialId)! };
  }

  /** Record the running job's validation metric (null or NaN = failed). */
  report(trialId: number, metric: number | null, epochsTrained?: number): void {
    if (this.running !== trialId) throw new Error(`trial ${trialId} is not the running job`);
    this.running = null;
    const value = metric !== null && Number.isFinite(metric) ? metric : null;
    this.metrics.set(trialId, value);
    this.epochsDone.set(trialId, epochsTrained ?? this.rungs[this.rung]!.epochs);
    this.statuses.set(trialId, value === null ? 'failed' : 'pending');
    this.rungResults.push({ trialId, metric: value });
    if (this.queue.length === 0) this.finishRung();
  }

  /** Stop everything not yet finished (time budget or cancel): pending trials become 'stopped'. */
  stopAll(): void {
    this.queue = [];
    for (const [id, s] of this.statuses) if (s === 'pending' || s === 'running') this.statuses.set(id, 'stopped');
    this.running = null;
  }

  private finishRung(): void {
    const ok = this.rungResults.filter((r) => r.metric !== null);
    const isLast = this.rung === this.rungs.length - 1;
    if (isLast) {
      for (const r of ok) this.statuses.set(r.trialId, 'done');
      this.rungResults = [];
      return;
    }
    const keep = Math.min(ok.length, this.rungs[this.rung + 1]!.size);
    // Stable sort: ties keep trial order, so the promotion is deterministic.
    const ranked = ok
      .map((r, order) => ({ ...r, order }))
      .sort((a, b) => (isBetter(this.metric, a.metric!, b.metric!) ? -1 : isBetter(this.metric, b.metric!, a.metric!) ? 1 : a.order - b.order));
    const promoted = ranked.slice(0, keep).map((r) => r.trialId);
    for (const r of ranked.slice(keep)) this.statuses.set(r.trialId, 'stopped');
    this.rungResults = [];
    if (promoted.length === 0) return;
    this.rung++;
    this.queue = promoted;
  }

  status(trialId: number): TrialStatus {
    return this.statuses.get(trialId) ?? 'pending';
  }

  /** Latest validation metric of a trial (from the highest rung it reached). */
  metricOf(trialId: number): number | null {
    return this.metrics.get(trialId) ?? null;
  }

  epochsOf(trialId: number): number {
    return this.epochsDone.get(trialId) ?? 0;
  }

  get currentRung(): number {
    return this.rung;
  }

  get finished(): boolean {
    return this.running === null && this.queue.length === 0;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Budget

/** maxTrials / maxMinutes accounting with an injectable clock. maxMinutes ≤ 0 means no time limit. */
export class TuneBudget {
  private launched = 0;
  private readonly startedAt: number;

  constructor(
    readonly maxTrials: number,
    readonly maxMinutes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  get elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /** Milliseconds left before the time budget runs out (Infinity without a time limit). */
  get remainingMs(): number {
    return this.maxMinutes > 0 ? this.maxMinutes * 60_000 - this.elapsedMs : Infinity;
  }

  get timeUp(): boolean {
    return this.remainingMs <= 0;
  }

  /** May another new trial start? (Promotions of already-launched trials in halving do not count as new trials.) */
  canLaunch(): boolean {
    return this.launched < this.maxTrials && !this.timeUp;
  }

  recordLaunch(): void {
    this.launched++;
  }

  get launchedCount(): number {
    return this.launched;
  }
}
