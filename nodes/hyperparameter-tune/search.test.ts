import { describe, expect, it } from 'vitest';
import type { TuneDimension } from '../core/plan';
import {
  SuccessiveHalving,
  TuneBudget,
  bestIndex,
  configToOverrides,
  configsForPlan,
  dimensionProblem,
  expandDimension,
  gridConfigs,
  gridSize,
  halvingRungs,
  randomConfigs,
  type TrialConfig,
} from './search';

const lr: TuneDimension = { nodeId: 'train', param: 'learningRate', range: { min: 1e-4, max: 1e-2, scale: 'log', steps: 3 } };
const units: TuneDimension = { nodeId: 'head', param: 'hiddenUnits', values: [32, 64, 128, 64] };
const opt: TuneDimension = { nodeId: 'train', param: 'optimizer', values: ['adam', 'sgd'] };

describe('expandDimension', () => {
  it('expands log and linear ranges including both ends', () => {
    expect(expandDimension(lr)).toEqual([1e-4, 1e-3, 1e-2]);
    expect(expandDimension({ nodeId: 'a', param: 'p', range: { min: 0, max: 0.5, scale: 'linear', steps: 6 } })).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5,
    ]);
  });

  it('rounds integer ranges and removes duplicates', () => {
    expect(expandDimension({ nodeId: 'a', param: 'p', range: { min: 1, max: 3, scale: 'linear', steps: 5, integer: true } })).toEqual([1, 2, 3]);
    expect(expandDimension(units)).toEqual([32, 64, 128]);
  });

  it('reports unusable dimensions', () => {
    expect(dimensionProblem({ nodeId: 'a', param: 'p', range: { min: 0, max: 1, scale: 'log', steps: 3 } })).toMatch(/above 0/);
    expect(dimensionProblem({ nodeId: 'a', param: 'p', range: { min: 2, max: 1, scale: 'linear', steps: 3 } })).toMatch(/larger/);
    expect(dimensionProblem({ nodeId: 'a', param: 'p', values: [] })).toMatch(/empty/);
    expect(dimensionProblem({ nodeId: 'a', param: 'p' })).toMatch(/list of values or a range/);
    expect(dimensionProblem(lr)).toBeNull();
    expect(() => expandDimension({ nodeId: 'a', param: 'p', values: [] })).toThrow();
  });
});

describe('gridConfigs', () => {
  it('enumerates exactly the cartesian product in a stable order', () => {
    const dims = [lr, units, opt];
    const configs = gridConfigs(dims);
    expect(gridSize(dims)).toBe(3 * 3 * 2);
    expect(configs).toHaveLength(18);
    const ids = new Set(configs.map((c) => JSON.stringify(c)));
    expect(ids.size).toBe(18);
    for (const a of [1e-4, 1e-3, 1e-2])
      for (const u of [32, 64, 128])
        for (const o of ['adam', 'sgd'])
          expect(ids.has(JSON.stringify({ 'train.learningRate': a, 'head.hiddenUnits': u, 'train.optimizer': o }))).toBe(true);
    // First dimension slowest, last fastest.
    expect(configs[0]).toEqual({ 'train.learningRate': 1e-4, 'head.hiddenUnits': 32, 'train.optimizer': 'adam' });
    expect(configs[1]).toEqual({ 'train.learningRate': 1e-4, 'head.hiddenUnits': 32, 'train.optimizer': 'sgd' });
    expect(configs[17]).toEqual({ 'train.learningRate': 1e-2, 'head.hiddenUnits': 128, 'train.optimizer': 'sgd' });
    expect(gridConfigs(dims)).toEqual(configs);
  });

  it('caps at maxTrials with an evenly spread subset of the grid', () => {
    const configs = gridConfigs([lr, units, opt], 6);
    expect(configs).toHaveLength(6);
    const full = gridConfigs([lr, units, opt]).map((c) => JSON.stringify(c));
    const positions = configs.map((c) => full.indexOf(JSON.stringify(c)));
    expect(positions).toEqual([0, 3, 6, 9, 12, 15]);
    // Every learning rate is still explored.
    expect(new Set(configs.map((c) => c['train.learningRate'])).size).toBe(3);
  });

  it('gives one empty config without dimensions and rejects duplicate params', () => {
    expect(gridConfigs([])).toEqual([{}]);
    expect(() => gridConfigs([opt, opt])).toThrow(/twice/);
  });
});

describe('randomConfigs', () => {
  const dims: TuneDimension[] = [
    { nodeId: 'train', param: 'learningRate', range: { min: 1e-5, max: 1e-1, scale: 'log', steps: 1 } },
    { nodeId: 'head', param: 'dropout', range: { min: 0, max: 0.5, scale: 'linear', steps: 1 } },
    { nodeId: 'head', param: 'hiddenUnits', range: { min: 8, max: 256, scale: 'log', steps: 1, integer: true } },
    opt,
  ];

  it('is reproducible for a seed and different for another', () => {
    const a = randomConfigs(dims, 20, 7);
    const b = randomConfigs(dims, 20, 7);
    const c = randomConfigs(dims, 20, 8);
    expect(a).toHaveLength(20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('samples within ranges, log-uniformly for log scale', () => {
    const many = randomConfigs(dims, 400, 1);
    for (const cfg of many) {
      const l = cfg['train.learningRate'] as number;
      expect(l).toBeGreaterThanOrEqual(1e-5);
      expect(l).toBeLessThanOrEqual(1e-1);
      const d = cfg['head.dropout'] as number;
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(0.5);
      const u = cfg['head.hiddenUnits'] as number;
      expect(Number.isInteger(u)).toBe(true);
      expect(u).toBeGreaterThanOrEqual(8);
      expect(u).toBeLessThanOrEqual(256);
      expect(['adam', 'sgd']).toContain(cfg['train.optimizer']);
    }
    // Log-uniform over 4 decades: about a quarter of samples in each decade (uniform would put ~90% in the top one).
    const lowDecades = many.filter((c) => (c['train.learningRate'] as number) < 1e-3).length / many.length;
    expect(lowDecades).toBeGreaterThan(0.35);
    expect(lowDecades).toBeLessThan(0.65);
  });

  it('returns each configuration once when the space is smaller than n', () => {
    const small = randomConfigs([opt, units], 50, 3);
    expect(small).toHaveLength(6);
    expect(new Set(small.map((c) => JSON.stringify(c))).size).toBe(6);
  });
});

describe('configsForPlan / overrides', () => {
  it('follows the strategy', () => {
    expect(configsForPlan({ strategy: 'grid', maxTrials: 100, seed: 1, dimensions: [units, opt] })).toHaveLength(6);
    expect(configsForPlan({ strategy: 'random', maxTrials: 4, seed: 1, dimensions: [lr, units] })).toHaveLength(4);
  });

  it('groups a config per node', () => {
    const cfg: TrialConfig = { 'train.learningRate': 0.01, 'head.hiddenUnits': 64, 'train.optimizer': 'sgd' };
    expect(configToOverrides(cfg)).toEqual({ train: { learningRate: 0.01, optimizer: 'sgd' }, head: { hiddenUnits: 64 } });
  });

  it('picks the best metric in the right direction', () => {
    expect(bestIndex('val_accuracy', [0.5, null, 0.9, 0.9])).toBe(2);
    expect(bestIndex('val_loss', [0.5, 0.2, NaN, 0.3])).toBe(1);
    expect(bestIndex('val_loss', [null])).toBe(-1);
  });
});

describe('successive halving', () => {
  it('derives rungs from the epoch budget with reduction factor eta', () => {
    expect(halvingRungs(27, 27, 3)).toEqual([
      { epochs: 1, size: 27 },
      { epochs: 3, size: 9 },
      { epochs: 9, size: 3 },
      { epochs: 27, size: 1 },
    ]);
    expect(halvingRungs(16, 9, 3)).toEqual([
      { epochs: 1, size: 16 },
      { epochs: 3, size: 5 },
      { epochs: 9, size: 1 },
    ]);
    // Few epochs limit the number of rungs.
    expect(halvingRungs(16, 2, 3)).toEqual([{ epochs: 2, size: 16 }]);
  });

  /** Deterministic fake objective: trial quality q in (0,1), the metric approaches q as epochs grow. */
  function fakeMetric(quality: number, epochs: number): number {
    return quality * (1 - 0.5 ** epochs);
  }

  function runSearch(qualities: number[], maxEpochs: number, metric: 'val_accuracy' | 'val_loss' = 'val_accuracy') {
    const ids = qualities.map((_, i) => i);
    const sh = new SuccessiveHalving(ids, maxEpochs, metric, 3);
    const epochsTrained = new Map<number, number>();
    const jobs: Array<{ trialId: number; rung: number; epochs: number }> = [];
    for (let job = sh.next(); job; job = sh.next()) {
      jobs.push({ trialId: job.trialId, rung: job.rung, epochs: job.epochs });
      epochsTrained.set(job.trialId, job.epochs);
      const acc = fakeMetric(qualities[job.trialId]!, job.epochs);
      sh.report(job.trialId, metric === 'val_loss' ? 1 - acc : acc);
    }
    return { sh, jobs, epochsTrained };
  }

  it('promotes the top 1/eta and stops the rest', () => {
    const qualities = [0.5, 0.9, 0.3, 0.7, 0.95, 0.1, 0.6, 0.8, 0.2];
    const { sh, jobs, epochsTrained } = runSearch(qualities, 9);
    expect(sh.rungs).toEqual([
      { epochs: 1, size: 9 },
      { epochs: 3, size: 3 },
      { epochs: 9, size: 1 },
    ]);
    expect(sh.finished).toBe(true);
    // Rung 0: everyone for 1 epoch; rung 1: top 3 (0.95, 0.9, 0.8) for 3 epochs; rung 2: the best for 9.
    expect(jobs.filter((j) => j.rung === 0).map((j) => j.trialId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(jobs.filter((j) => j.rung === 1).map((j) => j.trialId)).toEqual([4, 1, 7]);
    expect(jobs.filter((j) => j.rung === 2).map((j) => j.trialId)).toEqual([4]);
    expect(sh.status(4)).toBe('done');
    for (const id of [0, 1, 2, 3, 5, 6, 7, 8]) expect(sh.status(id)).toBe('stopped');
    // The weak trials used far less than the full budget.
    expect(epochsTrained.get(5)).toBe(1);
    expect(epochsTrained.get(1)).toBe(3);
    const total = [...epochsTrained.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(9 * 9);
  });

  it('minimises val_loss', () => {
    const { sh } = runSearch([0.5, 0.9, 0.3, 0.7, 0.95, 0.1, 0.6, 0.8, 0.2], 9, 'val_loss');
    expect(sh.status(4)).toBe('done');
    expect(sh.status(5)).toBe('stopped');
  });

  it('marks failed trials and never promotes them', () => {
    const sh = new SuccessiveHalving([0, 1, 2], 3, 'val_accuracy', 3);
    const statuses: Record<number, number | null> = { 0: null, 1: 0.4, 2: 0.6 };
    for (let job = sh.next(); job; job = sh.next()) sh.report(job.trialId, statuses[job.trialId]!);
    expect(sh.status(0)).toBe('failed');
    expect(sh.status(1)).toBe('stopped');
    expect(sh.status(2)).toBe('done');
  });

  it('stopAll stops pending work', () => {
    const sh = new SuccessiveHalving([0, 1, 2, 3], 9, 'val_accuracy', 3);
    const job = sh.next()!;
    sh.report(job.trialId, 0.5);
    sh.stopAll();
    expect(sh.next()).toBeNull();
    expect(sh.status(1)).toBe('stopped');
  });
});

describe('TuneBudget', () => {
  it('stops launching at maxTrials or when time is up', () => {
    let now = 0;
    const budget = new TuneBudget(3, 1, () => now);
    expect(budget.canLaunch()).toBe(true);
    budget.recordLaunch();
    budget.recordLaunch();
    now = 59_000;
    expect(budget.canLaunch()).toBe(true);
    now = 60_000;
    expect(budget.canLaunch()).toBe(false);
    const unlimited = new TuneBudget(2, 0, () => now);
    unlimited.recordLaunch();
    unlimited.recordLaunch();
    expect(unlimited.canLaunch()).toBe(false);
    expect(unlimited.remainingMs).toBe(Infinity);
  });
});
