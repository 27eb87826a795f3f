import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../engine/types';
import { bestTrialId, formatConfig, sortTrials, upsertTrial } from './trials';

const t = (id: number, metric: number | null, status: TrialRecord['status'] = 'done', ms = 100): TrialRecord => ({
  id,
  config: { 'train.learningRate': 0.001 * id, 'head.hiddenUnits': 16 * id },
  status,
  metric,
  epochs: 3,
  ms,
});

describe('trials helpers', () => {
  it('upserts trial events by id, in id order', () => {
    let list: TrialRecord[] = [];
    list = upsertTrial(list, t(2, null, 'running'));
    list = upsertTrial(list, t(1, 0.5));
    list = upsertTrial(list, t(2, 0.7));
    expect(list.map((x) => [x.id, x.status, x.metric])).toEqual([
      [1, 'done', 0.5],
      [2, 'done', 0.7],
    ]);
  });

  it('picks the best completed trial in the metric direction', () => {
    const trials = [t(1, 0.5), t(2, 0.9, 'stopped'), t(3, 0.7), t(4, null, 'failed')];
    expect(bestTrialId(trials, 'val_accuracy')).toBe(3);
    expect(bestTrialId([t(1, 0.5), t(2, 0.3)], 'val_loss')).toBe(2);
    expect(bestTrialId([t(1, null, 'failed')], 'val_accuracy')).toBeNull();
  });

  it('sorts by column with missing metrics last', () => {
    const trials = [t(1, 0.5, 'done', 300), t(2, null, 'failed', 100), t(3, 0.9, 'done', 200)];
    expect(sortTrials(trials, 'metric', 'desc').map((x) => x.id)).toEqual([3, 1, 2]);
    expect(sortTrials(trials, 'metric', 'asc').map((x) => x.id)).toEqual([1, 3, 2]);
    expect(sortTrials(trials, 'ms', 'asc').map((x) => x.id)).toEqual([2, 3, 1]);
    expect(sortTrials(trials, 'id', 'desc').map((x) => x.id)).toEqual([3, 2, 1]);
  });

  it('formats configs readably', () => {
    expect(formatConfig({ 'train.learningRate': 0.0001, 'head.hiddenUnits': 64 })).toBe('learningRate=1e-4, hiddenUnits=64');
    expect(formatConfig({})).toBe('(current settings)');
  });
});
