import { describe, expect, it } from 'vitest';
import { assertSplittable, createRng, hashSeed, smallClasses, SplitError, splitCounts, stratifiedSplit } from './split';

function labelsWith(counts: number[]): number[] {
  return counts.flatMap((n, label) => Array.from({ length: n }, () => label));
}

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });
  it('is roughly uniform', () => {
    const rng = createRng(1);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) bins[Math.floor(rng() * 10)]++;
    for (const count of bins) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
  it('hashSeed separates nearby inputs', () => {
    expect(hashSeed(1, 2)).not.toBe(hashSeed(2, 1));
    expect(hashSeed(1, 2)).toBe(hashSeed(1, 2));
  });
});

describe('stratifiedSplit', () => {
  const labels = labelsWith([50, 20, 7, 2]);

  it('partitions every index exactly once', () => {
    const split = stratifiedSplit(labels, { testSplit: 0.2, validationSplit: 0.1, seed: 3 });
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
  });

  it('keeps class proportions and gives every class with ≥2 images a test image', () => {
    const split = stratifiedSplit(labels, { testSplit: 0.2, validationSplit: 0.1, seed: 3 });
    const testPerClass = [0, 0, 0, 0];
    for (const i of split.test) testPerClass[labels[i]]++;
    expect(testPerClass).toEqual([10, 4, 1, 1]);
    const trainPerClass = [0, 0, 0, 0];
    for (const i of split.train) trainPerClass[labels[i]]++;
    for (const n of trainPerClass) expect(n).toBeGreaterThanOrEqual(1);
  });

  it('is reproducible for a seed and changes with the seed', () => {
    const opts = { testSplit: 0.25, validationSplit: 0.2, seed: 9 };
    expect(stratifiedSplit(labels, opts)).toEqual(stratifiedSplit(labels, opts));
    expect(stratifiedSplit(labels, { ...opts, seed: 10 }).test).not.toEqual(stratifiedSplit(labels, opts).test);
  });

  it('matches splitCounts', () => {
    const opts = { testSplit: 0.3, validationSplit: 0.15, seed: 1 };
    const split = stratifiedSplit(labels, opts);
    const counts = splitCounts(labels, opts);
    expect(counts.reduce((s, c) => s + c.test, 0)).toBe(split.test.length);
    expect(counts.reduce((s, c) => s + c.validation, 0)).toBe(split.validation.length);
    expect(counts.reduce((s, c) => s + c.train, 0)).toBe(split.train.length);
    expect(counts[3]).toEqual({ label: 3, total: 2, train: 1, validation: 0, test: 1 });
  });

  it('keeps a lone image in training and rejects bad fractions', () => {
    const split = stratifiedSplit([0, 0, 0, 1], { testSplit: 0.5, validationSplit: 0, seed: 0 });
    expect(split.train).toContain(3);
    expect(() => stratifiedSplit(labels, { testSplit: 1, validationSplit: 0, seed: 0 })).toThrow(SplitError);
    expect(() => stratifiedSplit(labels, { testSplit: -0.1, validationSplit: 0, seed: 0 })).toThrow(SplitError);
  });
});

describe('class size checks', () => {
  it('names classes that are too small', () => {
    expect(smallClasses(labelsWith([5, 1, 3]), 2)).toEqual([1]);
    expect(smallClasses(labelsWith([5, 3]), 2, 3)).toEqual([2]);
    expect(() => assertSplittable(labelsWith([5, 1]), ['cats', 'dogs'])).toThrow(/"dogs" \(1\)/);
    expect(() => assertSplittable(labelsWith([5]), ['cats'])).toThrow(/at least 2 classes/);
    expect(() => assertSplittable(labelsWith([5, 4]), ['cats', 'dogs'])).not.toThrow();
  });
});
