/**
 * Seeded, stratified train/validation/test splits. Pure TS (runs in Node and in the Web Worker).
 *
 * Reproducible: the same labels + options + seed always give the same split, on every host.
 * Stratified: each class is shuffled and split on its own, so small classes keep their share in every split.
 */

import { createRng, hashSeed, shuffleInPlace } from './rng';

export { createRng, hashSeed, shuffleInPlace, type Rng } from './rng';

export interface SplitOptions {
  /** Fraction of each class held out for the final test, in [0, 1). */
  testSplit: number;
  /** Fraction of each class's remaining (non-test) images used for validation, in [0, 1). */
  validationSplit: number;
  seed: number;
}

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

export interface ClassSplitCount {
  label: number;
  total: number;
  train: number;
  validation: number;
  test: number;
}

/** A split that cannot give a meaningful result (a class too small, bad fractions). `classes` names the culprits. */
export class SplitError extends Error {
  constructor(
    message: string,
    public readonly classes: number[] = [],
  ) {
    super(message);
    this.name = 'SplitError';
  }
}

function checkFraction(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new SplitError(`${name} must be a fraction in [0, 1), got ${value}`);
  }
}

/** How many of `n` images go to a held-out part: round(n·fraction), at least 1 when the fraction is > 0 and the
 * class can spare one (keeps ≥ 1 image for the remaining parts). */
function heldOutCount(n: number, fraction: number): number {
  if (fraction <= 0 || n < 2) return 0;
  const count = Math.max(1, Math.round(n * fraction));
  return Math.min(count, n - 1);
}

function countsFor(n: number, options: Pick<SplitOptions, 'testSplit' | 'validationSplit'>) {
  const test = heldOutCount(n, options.testSplit);
  const validation = heldOutCount(n - test, options.validationSplit);
  return { test, validation, train: n - test - validation };
}

function groupByClass(labelsPerItem: readonly number[]): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  labelsPerItem.forEach((label, index) => {
    if (!Number.isInteger(label) || label < 0) throw new SplitError(`item ${index} has an invalid label ${label}`);
    const list = byClass.get(label);
    if (list) list.push(index);
    else byClass.set(label, [index]);
  });
  return byClass;
}

/**
 * Split item indices per class. Every class with ≥ 2 images gets ≥ 1 test image when testSplit > 0, and every
 * class keeps ≥ 1 training image. Index lists are returned sorted ascending.
 */
export function stratifiedSplit(labelsPerItem: readonly number[], options: SplitOptions): SplitIndices {
  checkFraction('testSplit', options.testSplit);
  checkFraction('validationSplit', options.validationSplit);
  const result: SplitIndices = { train: [], validation: [], test: [] };
  const byClass = groupByClass(labelsPerItem);
  for (const [label, indices] of byClass) {
    // One independent stream per class: adding images to one class does not reshuffle the others.
    const shuffled = shuffleInPlace(indices.slice(), createRng(hashSeed(options.seed, label, 0x5eed)));
    const counts = countsFor(shuffled.length, options);
    result.test.push(...shuffled.slice(0, counts.test));
    result.validation.push(...shuffled.slice(counts.test, counts.test + counts.validation));
    result.train.push(...shuffled.slice(counts.test + counts.validation));
  }
  const ascending = (a: number, b: number) => a - b;
  result.train.sort(ascending);
  result.validation.sort(ascending);
  result.test.sort(ascending);
  return result;
}

/** Per-class split sizes (for the UI), without building index lists. `numClasses` includes empty classes. */
export function splitCounts(
  labelsPerItem: readonly number[],
  options: Pick<SplitOptions, 'testSplit' | 'validationSplit'>,
  numClasses?: number,
): ClassSplitCount[] {
  checkFraction('testSplit', options.testSplit);
  checkFraction('validationSplit', options.validationSplit);
  const totals = new Map<number, number>();
  for (const label of labelsPerItem) totals.set(label, (totals.get(label) ?? 0) + 1);
  const classCount = Math.max(numClasses ?? 0, ...[...totals.keys()].map((l) => l + 1), 0);
  const out: ClassSplitCount[] = [];
  for (let label = 0; label < classCount; label++) {
    const total = totals.get(label) ?? 0;
    out.push({ label, total, ...countsFor(total, options) });
  }
  return out;
}

/** Classes (by index) with fewer than `minPerClass` images; `numClasses` lets empty classes count as too small. */
export function smallClasses(labelsPerItem: readonly number[], minPerClass: number, numClasses?: number): number[] {
  const counts = splitCounts(labelsPerItem, { testSplit: 0, validationSplit: 0 }, numClasses);
  return counts.filter((c) => c.total < minPerClass).map((c) => c.label);
}

/**
 * Throw a SplitError a user can act on when the data cannot be split for training + testing:
 * fewer than 2 classes with images, or a class with fewer than `minPerClass` (default 2) images.
 */
export function assertSplittable(
  labelsPerItem: readonly number[],
  labels: readonly string[],
  minPerClass = 2,
): void {
  const counts = splitCounts(labelsPerItem, { testSplit: 0, validationSplit: 0 }, labels.length);
  const nonEmpty = counts.filter((c) => c.total > 0);
  if (nonEmpty.length < 2) {
    throw new SplitError(
      `Need at least 2 classes with images to train a classifier; found ${nonEmpty.length}.`,
      nonEmpty.map((c) => c.label),
    );
  }
  const tooSmall = counts.filter((c) => c.total < minPerClass);
  if (tooSmall.length > 0) {
    const names = tooSmall.map((c) => `"${labels[c.label] ?? c.label}" (${c.total})`).join(', ');
    throw new SplitError(
      `Each class needs at least ${minPerClass} images (some for training, some for testing). Too small: ${names}.`,
      tooSmall.map((c) => c.label),
    );
  }
}

export interface DatasetSplitOptions extends SplitOptions {
  /** Keep at most this many images per class (seeded choice); 0 = all. */
  maxImagesPerClass: number;
}

/**
 * The whole data split of a run, on item labels: subsample each class (seeded) when `maxImagesPerClass` is set,
 * then the stratified train/validation/test split. Returns item indices (ascending) — the engine and the exported
 * program both call exactly this.
 */
export function splitDataset(labelsPerItem: readonly number[], options: DatasetSplitOptions): SplitIndices & { used: number[] } {
  const byClass = groupByClass(labelsPerItem);
  const used: number[] = [];
  const max = options.maxImagesPerClass;
  for (const [label, indices] of byClass) {
    const chosen =
      max > 0 && indices.length > max
        ? shuffleInPlace(indices.slice(), createRng(hashSeed(options.seed, label, 0x5ab)))
            .slice(0, max)
            .sort((a, b) => a - b)
        : indices;
    used.push(...chosen);
  }
  used.sort((a, b) => a - b);
  const split = stratifiedSplit(
    used.map((i) => labelsPerItem[i]),
    options,
  );
  return {
    used,
    train: split.train.map((k) => used[k]),
    validation: split.validation.map((k) => used[k]),
    test: split.test.map((k) => used[k]),
  };
}

/** The order training items are visited in one epoch (1-based): a seeded shuffle, fresh every epoch. */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  return shuffleInPlace(
    Array.from({ length: count }, (_, i) => i),
    createRng(hashSeed(seed, epoch, 0xe9)),
  );
}
