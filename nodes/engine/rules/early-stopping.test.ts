/** The early-stopping rule (pure): Keras semantics, min delta, patience, the kept epoch. */
import { describe, expect, it } from 'vitest';
import { EARLY_STOPPING_MIN_DELTA, EarlyStoppingRule, monitoredLoss } from './early-stopping';

describe('EarlyStoppingRule', () => {
  it('starts with nothing kept', () => {
    const rule = new EarlyStoppingRule(3);
    expect([rule.best, rule.bestEpoch]).toEqual([Infinity, 0]);
  });

  it('an improvement must beat the best by more than min delta (1e-4)', () => {
    expect(EARLY_STOPPING_MIN_DELTA).toBe(1e-4);
    const rule = new EarlyStoppingRule(5);
    expect(rule.update(1, 1)).toBe('improved');
    expect(rule.update(2, 1 - 1e-4)).toBe('wait'); // exactly min delta: not enough
    expect(rule.update(3, 1 - 1.5e-4)).toBe('improved');
    expect([rule.best, rule.bestEpoch]).toEqual([1 - 1.5e-4, 3]);
    expect(rule.update(4, 2)).toBe('wait');
    expect([rule.best, rule.bestEpoch]).toEqual([1 - 1.5e-4, 3]); // a worse epoch never becomes the best
  });

  it('stops after exactly `patience` epochs without improvement; an improvement resets the count', () => {
    const rule = new EarlyStoppingRule(3);
    expect(['improved', 'wait', 'wait', 'improved', 'wait', 'wait', 'stop'].length).toBe(7);
    const decisions = [1, 1.1, 1.2, 0.5, 0.6, 0.7, 0.8].map((v, i) => rule.update(i + 1, v));
    expect(decisions).toEqual(['improved', 'wait', 'wait', 'improved', 'wait', 'wait', 'stop']);
    expect(rule.bestEpoch).toBe(4);
    const one = new EarlyStoppingRule(1);
    expect([one.update(1, 1), one.update(2, 1)]).toEqual(['improved', 'stop']);
  });

  it('patience 0 (off): every epoch is "improved" and the last one is kept, even when worse', () => {
    const rule = new EarlyStoppingRule(0);
    expect([rule.update(1, 0.5), rule.update(2, 0.9), rule.update(3, 0.9)]).toEqual(['improved', 'improved', 'improved']);
    expect([rule.best, rule.bestEpoch]).toEqual([0.9, 3]);
    const negative = new EarlyStoppingRule(-1);
    expect(negative.update(1, 3)).toBe('improved');
    expect(negative.bestEpoch).toBe(1);
  });

  it('monitors the validation loss when it is a number, else the training loss', () => {
    expect(monitoredLoss({ loss: 2, valLoss: 1 })).toBe(1);
    expect(monitoredLoss({ loss: 2, valLoss: 0 })).toBe(0);
    expect(monitoredLoss({ loss: 2, valLoss: null })).toBe(2);
    expect(monitoredLoss({ loss: 2, valLoss: NaN })).toBe(2);
    expect(monitoredLoss({ loss: 2, valLoss: Infinity })).toBe(2);
  });
});
