import { describe, expect, it } from 'vitest';
import { displayNameKey, permutation, pipelineChoices, scorePredictions, withTrainingSet } from './assignment-scoring';
import { pipelineTemplate, minimalTemplate } from '@/nodes/templates';

describe('scorePredictions', () => {
  it('accuracy and macro-F1 match hand-computed values', () => {
    const truth = ['a', 'a', 'a', 'b', 'b', 'c'];
    const pred = ['a', 'a', 'b', 'b', 'c', 'c'];
    // a: tp2 fp0 fn1 → 4/5; b: tp1 fp1 fn1 → 2/4; c: tp1 fp1 fn0 → 2/3
    const s = scorePredictions(pred, truth, ['a', 'b', 'c']);
    expect(s.accuracy).toBeCloseTo(4 / 6);
    expect(s.macroF1).toBeCloseTo((4 / 5 + 1 / 2 + 2 / 3) / 3);
  });
  it('a class never predicted nor present counts as F1 0; perfect is 1', () => {
    expect(scorePredictions(['a', 'b'], ['a', 'b'], ['a', 'b'])).toEqual({ accuracy: 1, macroF1: 1 });
    expect(scorePredictions(['a', 'a'], ['a', 'b'], ['a', 'b']).macroF1).toBeCloseTo((2 / 3 + 0) / 2);
  });
});

describe('pipelineChoices', () => {
  it('reads model, freeze mode, augmentation and tuning from the graph', () => {
    expect(pipelineChoices(pipelineTemplate())).toEqual({ model: 'graft-shapes-cnn', freeze: 'all', augmentation: true, tuned: false });
    expect(pipelineChoices(minimalTemplate())).toMatchObject({ augmentation: false });
    const g = pipelineTemplate();
    g.edges = g.edges.filter((e) => e.source !== 'augment' && e.target !== 'augment'); // an unwired node does not count
    expect(pipelineChoices(g).augmentation).toBe(false);
    g.nodes = g.nodes.map((n) => (n.type === 'train' ? { ...n, type: 'hyperparameter-tune' } : n));
    expect(pipelineChoices(g).tuned).toBe(true);
  });
});

describe('helpers', () => {
  it('withTrainingSet points every Dataset node at the training set', () => {
    const g = withTrainingSet(pipelineTemplate(), 'shared:abc');
    expect(g.nodes.filter((n) => n.type === 'dataset').map((n) => n.params.datasetId)).toEqual(['shared:abc']);
  });
  it('display names compare case- and space-insensitively', () => {
    expect(displayNameKey('  Ana   María ')).toBe(displayNameKey('ana maría'));
    expect(displayNameKey('Ｂｅｎ')).toBe('ben');
  });
  it('permutation is a permutation', () => {
    let x = 7;
    const p = permutation(50, (k) => (x = (x * 1103515245 + 12345) % 2 ** 31) % k);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
