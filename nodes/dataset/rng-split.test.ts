/**
 * The one RNG and the one split, pinned to exact values: the browser worker, the CLI and the exported "View code"
 * program must draw the same numbers (same test images, same epoch order), so any change to these functions —
 * even one that still "looks random" — is a change every saved split fingerprint would notice.
 */
import { describe, expect, it } from 'vitest';
import { createRng, hashSeed, shuffleInPlace } from './rng';
import { assertSplittable, epochOrder, smallClasses, splitCounts, splitDataset, stratifiedSplit, SplitError } from './split';

describe('createRng / hashSeed / shuffleInPlace (golden values)', () => {
  it('mulberry32 draws', () => {
    const r = createRng(42);
    expect([r(), r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    const zero = createRng(0);
    expect([zero(), zero()]).toEqual([0.26642920868471265, 0.0003297457005828619]);
    expect(createRng(-1)()).toBe(0.8964226141106337); // seeds are taken as uint32
    expect(createRng(2 ** 32 + 42)()).toBe(0.6011037519201636);
  });

  it('hashSeed: FNV-1a over 4 little-endian bytes per part, then fmix32; parts are floored uint32', () => {
    expect([hashSeed(), hashSeed(0), hashSeed(1), hashSeed(1, 2), hashSeed(2, 1)]).toEqual([2872998923, 1234692987, 1647799542, 541715573, 1955956435]);
    expect([hashSeed(1.9), hashSeed(256), hashSeed(0x01020304), hashSeed(-1)]).toEqual([1647799542, 1266336969, 351365245, 650290018]);
  });

  it('Fisher–Yates with the seeded stream', () => {
    const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(shuffleInPlace(items, createRng(7))).toBe(items);
    expect(items).toEqual([6, 5, 8, 1, 2, 3, 4, 7, 9, 0]);
    expect(shuffleInPlace([], createRng(7))).toEqual([]);
    // Exactly n − 1 draws (the exported program shares streams with the engine): the next draw is the 10th.
    const shared = createRng(7);
    shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], shared);
    const reference = createRng(7);
    for (let i = 0; i < 9; i++) reference();
    expect(shared()).toBe(reference());
    expect(shuffleInPlace(['x'], createRng(7))).toEqual(['x']);
    // Every position is reachable: over many seeds, the first item lands everywhere.
    const landed = new Set<number>();
    for (let s = 0; s < 200; s++) landed.add(shuffleInPlace([0, 1, 2, 3], createRng(s)).indexOf(0));
    expect([...landed].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('epochOrder and splitDataset (golden values)', () => {
  it('a seeded permutation per epoch', () => {
    expect(epochOrder(8, 3, 1)).toEqual([7, 5, 0, 4, 3, 1, 6, 2]);
    expect(epochOrder(8, 3, 2)).toEqual([1, 6, 2, 3, 7, 4, 0, 5]);
    expect(epochOrder(0, 3, 1)).toEqual([]);
  });

  it('subsamples each class (seeded), then splits stratified; indices refer to the original items', () => {
    const labels = [...Array(10).fill(0), ...Array(5).fill(1), ...Array(13).fill(2)];
    const split = splitDataset(labels, { testSplit: 0.2, validationSplit: 0.25, seed: 5, maxImagesPerClass: 8 });
    expect(split).toEqual({
      used: [0, 1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 25, 27],
      train: [0, 1, 3, 8, 12, 13, 14, 16, 19, 22, 25],
      validation: [4, 6, 11, 15, 27],
      test: [2, 5, 10, 18, 20],
    });
    // Class 1 (5 images) is below the cap: all of it is used.
    expect(split.used.filter((i) => labels[i] === 1)).toEqual([10, 11, 12, 13, 14]);
    // Interleaved labels: the used items still come back in ascending order.
    const interleaved = splitDataset([1, 0, 1, 0, 1, 0, 2, 2, 1, 0], { testSplit: 0, validationSplit: 0, seed: 1, maxImagesPerClass: 3 });
    expect(interleaved.used).toEqual([...interleaved.used].sort((a, b) => a - b));
    expect(interleaved.used).toHaveLength(8);
    expect(interleaved.train).toEqual(interleaved.used);
    // No cap (0) or a cap above every class: everything is used.
    expect(splitDataset(labels, { testSplit: 0.2, validationSplit: 0, seed: 5, maxImagesPerClass: 0 }).used).toHaveLength(28);
    expect(splitDataset(labels, { testSplit: 0.2, validationSplit: 0, seed: 5, maxImagesPerClass: 13 }).used).toHaveLength(28);
    expect(splitDataset(labels, { testSplit: 0.2, validationSplit: 0, seed: 5, maxImagesPerClass: 12 }).used).toHaveLength(27);
  });
});

describe('split counts and refusals', () => {
  it('held-out counts: round(n·f), at least 1 when f > 0 and n ≥ 2, never the whole class', () => {
    const counts = splitCounts([...Array(2).fill(0), ...Array(3).fill(1), ...Array(10).fill(2), ...Array(1).fill(3)], { testSplit: 0.5, validationSplit: 0.5 });
    expect(counts.map((c) => [c.total, c.test, c.validation, c.train])).toEqual([
      [2, 1, 0, 1], // the second held-out part would take the last training image
      [3, 2, 0, 1], // round(1.5) = 2 test, 1 left
      [10, 5, 3, 2], // 5 test, round(2.5) = 3 validation
      [1, 0, 0, 1], // a lone image stays in training
    ]);
    expect(splitCounts([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], { testSplit: 0.01, validationSplit: 0 })[0]).toMatchObject({ test: 1, train: 9 });
    expect(splitCounts([0, 0, 0], { testSplit: 0, validationSplit: 0 })[0]).toMatchObject({ test: 0, validation: 0, train: 3 });
    // Empty classes up to numClasses are listed with zero counts.
    expect(splitCounts([1, 1], { testSplit: 0.5, validationSplit: 0.5 }, 3).map((c) => [c.label, c.total, c.test, c.validation, c.train])).toEqual([
      [0, 0, 0, 0, 0],
      [1, 2, 1, 0, 1],
      [2, 0, 0, 0, 0],
    ]);
    // A held-out part never takes the last image: round(2 · 0.9) = 2 → 1.
    expect(splitCounts([0, 0], { testSplit: 0.9, validationSplit: 0 })[0]).toMatchObject({ test: 1, train: 1 });
    expect(splitCounts([], { testSplit: 0.5, validationSplit: 0 })).toEqual([]);
  });

  it('refuses bad fractions and labels with a SplitError naming them', () => {
    for (const [testSplit, validationSplit] of [[1, 0], [-0.1, 0], [NaN, 0], [0.2, 1], [0.2, Infinity]]) {
      expect(() => stratifiedSplit([0, 1], { testSplit, validationSplit, seed: 0 })).toThrow(SplitError);
      expect(() => splitCounts([0, 1], { testSplit, validationSplit })).toThrow(/must be a fraction in \[0, 1\)/);
    }
    const named = (testSplit: number, validationSplit: number) => {
      try {
        stratifiedSplit([0, 1], { testSplit, validationSplit, seed: 0 });
      } catch (e) {
        return [(e as SplitError).message, (e as SplitError).classes];
      }
      return null;
    };
    expect(named(2, 0)).toEqual(['testSplit must be a fraction in [0, 1), got 2', []]);
    expect(named(0, -1)).toEqual(['validationSplit must be a fraction in [0, 1), got -1', []]);
    expect(() => splitCounts([0], { testSplit: 0, validationSplit: 3 })).toThrow('validationSplit must be a fraction in [0, 1), got 3');
    expect(() => splitCounts([0], { testSplit: 3, validationSplit: 0 })).toThrow('testSplit must be a fraction in [0, 1), got 3');
    expect(() => stratifiedSplit([0, 1.5], { testSplit: 0.2, validationSplit: 0, seed: 0 })).toThrow('item 1 has an invalid label 1.5');
    expect(() => splitDataset([0, -1], { testSplit: 0.2, validationSplit: 0, seed: 0, maxImagesPerClass: 0 })).toThrow('item 1 has an invalid label -1');
  });

  it('small classes and splittability', () => {
    expect(smallClasses([0, 0, 0, 1, 2, 2], 2)).toEqual([1]);
    expect(smallClasses([0, 0], 2, 3)).toEqual([1, 2]);
    expect(smallClasses([0, 0, 1, 1], 2)).toEqual([]);
    expect(() => assertSplittable([0, 0, 1, 1], ['a', 'b'])).not.toThrow();
    const one = (() => {
      try {
        assertSplittable([0, 0, 0], ['a', 'b']);
      } catch (e) {
        return e as SplitError;
      }
      return null;
    })();
    expect(one?.message).toBe('Need at least 2 classes with images to train a classifier; found 1.');
    expect(one?.classes).toEqual([0]);
    const small = (() => {
      try {
        assertSplittable([0, 0, 0, 1, 2, 2], ['cats', 'dogs', 'owls'], 3);
      } catch (e) {
        return e as SplitError;
      }
      return null;
    })();
    expect(small?.message).toBe('Each class needs at least 3 images (some for training, some for testing). Too small: "dogs" (1), "owls" (2).');
    expect(small?.classes).toEqual([1, 2]);
    expect(small?.name).toBe('SplitError');
  });
});
