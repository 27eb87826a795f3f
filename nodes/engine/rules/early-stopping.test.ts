/** The early-stopping rule (pure): Keras semantics, min delta, patience, the kept epoch. */
import { describe, expect, it } from 'vitest';
import { BestWeightsKeeper, keptEpochText, EARLY_STOPPING_MIN_DELTA, EarlyStoppingRule, monitoredLoss } from './early-stopping';

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

describe('BestWeightsKeeper (the restore shared by the engine and "View code")', () => {
  /** A stand-in weight: a number with clone/dispose bookkeeping, so copies and releases can be counted. */
  class Weight {
    static live = 0;
    constructor(readonly value: number) {
      Weight.live += 1;
    }
    clone(): Weight {
      return new Weight(this.value);
    }
    dispose(): void {
      Weight.live -= 1;
    }
  }
  const model = { weights: [] as Weight[], getWeights() { return this.weights; }, setWeights(w: Weight[]) { this.weights = w.map((x) => new Weight(x.value)); } };

  it('puts the best epoch back when the budget runs out, names what it was best at, and frees its copy', () => {
    const keeper = new BestWeightsKeeper<Weight>(5);
    const losses = [0.9, 0.4, 0.6, 0.8];
    losses.forEach((valLoss, i) => {
      model.weights = [new Weight(i + 1)];
      expect(keeper.epochEnd({ epoch: i + 1, loss: 1, valLoss }, model)).toBe('continue');
    });
    expect(keeper.finish(model)).toBe(2);
    expect(model.weights.map((w) => w.value)).toEqual([2]);
    expect(keeper.monitored).toBe('validation loss');
    expect(keptEpochText(keeper.keptEpoch, 4, keeper.monitored)).toBe('kept the weights of epoch 2 (best validation loss)');
    const before = Weight.live;
    keeper.release();
    expect(Weight.live).toBe(before - 1);
  });

  it('with patience 0 keeps the last epoch and copies nothing', () => {
    const keeper = new BestWeightsKeeper<Weight>(0);
    const before = Weight.live;
    for (const epoch of [1, 2, 3]) keeper.epochEnd({ epoch, loss: epoch, valLoss: null }, model);
    expect(Weight.live).toBe(before);
    expect(keeper.finish(model)).toBe(3);
    expect(keeper.monitored).toBe('training loss');
  });
});
