/**
 * Compare two runs (or two repeated runs) the right way: image by image on the same test set (McNemar + bootstrap),
 * seed by seed when both were repeated (paired t-test), and refuse to compare different test sets.
 */
import { agreementTable, mcnemarExact, type Agreement } from './mcnemar';
import { bootstrapAccuracyDifference, type Interval } from './bootstrap';
import { pairedTTest, spread, type PairedResult, type Spread } from './repeat-stats';
import { pairedVerdict, repeatedVerdict } from './verdict';

/** One evaluated run as far as comparisons need it. `correct` = '1'/'0' per test image in test-split order. */
export interface ComparableRun {
  accuracy: number | null;
  testSize: number;
  splitFingerprint: string | null;
  correct: string | null;
  splitSeed: number | null;
  trainSeed: number | null;
}

/** A recipe evaluated once, or repeated over several seeds. */
export interface ComparableEntry {
  label: string;
  runs: ComparableRun[];
}

export type Comparison =
  | {
      kind: 'paired';
      agreement: Agreement;
      p: number;
      interval: Interval;
      testSize: number;
      significant: boolean;
      verdict: string;
    }
  | {
      kind: 'repeated';
      a: Spread;
      b: Spread;
      paired: PairedResult;
      /** Seeds found on both sides (compared pairwise). */
      seeds: number[];
      significant: boolean;
      verdict: string;
    }
  | { kind: 'different-test-sets'; reason: string }
  | { kind: 'not-comparable'; reason: string };

/** '1'/'0' per test image, ordered by image id: two runs with the same split fingerprint (the same set of test
 * images) line up image by image even if their test splits listed the images in another order. */
export function correctnessString(predictions: ReadonlyArray<{ id?: string; index: number; trueClass: number; predictedClass: number }>): string {
  return [...predictions]
    .sort((a, b) => (a.id !== undefined && b.id !== undefined && a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.index - b.index))
    .map((p) => (p.trueClass === p.predictedClass ? '1' : '0'))
    .join('');
}

const toBools = (s: string) => Array.from(s, (ch) => ch === '1');

export function comparePair(a: ComparableRun, b: ComparableRun, names = { a: 'A', b: 'B' }): Comparison {
  if (!a.correct || !b.correct || !a.splitFingerprint || !b.splitFingerprint) {
    return { kind: 'not-comparable', reason: 'One of the runs has no per-image test predictions (it ran before Graft recorded them, or it failed).' };
  }
  if (a.splitFingerprint !== b.splitFingerprint || a.correct.length !== b.correct.length) {
    return {
      kind: 'different-test-sets',
      reason:
        `The two runs were tested on different images (${a.testSize} vs ${b.testSize} test images, different split` +
        `${a.splitSeed !== null && b.splitSeed !== null && a.splitSeed !== b.splitSeed ? ` seeds ${a.splitSeed} and ${b.splitSeed}` : ''}` +
        '), so a difference could just be an easier test set. Re-run one on the other\'s split to compare them fairly.',
    };
  }
  const ca = toBools(a.correct);
  const cb = toBools(b.correct);
  const agreement = agreementTable(ca, cb);
  const p = mcnemarExact(agreement.onlyA, agreement.onlyB);
  const interval = bootstrapAccuracyDifference(ca, cb, { seed: 20240601 });
  const v = pairedVerdict({ p, difference: interval.estimate, testSize: ca.length, nameA: names.a, nameB: names.b });
  return { kind: 'paired', agreement, p, interval, testSize: ca.length, significant: v.significant, verdict: v.text };
}

/** Repeated runs on both sides: pair them by split seed (same seed ⇒ same split), then a paired t-test. */
export function compareRepeated(a: ComparableEntry, b: ComparableEntry): Comparison {
  const bySeed = new Map<number, ComparableRun>();
  for (const r of b.runs) if (r.splitSeed !== null && r.accuracy !== null) bySeed.set(r.splitSeed, r);
  const seeds: number[] = [];
  const accA: number[] = [];
  const accB: number[] = [];
  for (const r of a.runs) {
    if (r.splitSeed === null || r.accuracy === null) continue;
    const other = bySeed.get(r.splitSeed);
    if (!other || other.accuracy === null) continue;
    if (r.splitFingerprint && other.splitFingerprint && r.splitFingerprint !== other.splitFingerprint) continue;
    seeds.push(r.splitSeed);
    accA.push(r.accuracy);
    accB.push(other.accuracy);
  }
  if (seeds.length < 2) {
    return {
      kind: 'different-test-sets',
      reason: `Only ${seeds.length} seed${seeds.length === 1 ? '' : 's'} in common: repeat both with the same seeds to compare them pairwise.`,
    };
  }
  const paired = pairedTTest(accA, accB);
  const v = repeatedVerdict({ p: paired.p, meanDifference: paired.meanDifference, pairs: seeds.length, nameA: a.label, nameB: b.label });
  return { kind: 'repeated', a: spread(accA), b: spread(accB), paired, seeds, significant: v.significant, verdict: v.text };
}

/** Entry point used by the UI: repeated comparison when both sides have ≥ 2 runs, else image-by-image. */
export function compareEntries(a: ComparableEntry, b: ComparableEntry): Comparison {
  if (a.runs.length >= 2 && b.runs.length >= 2) return compareRepeated(a, b);
  const ra = a.runs[0];
  const rb = b.runs.find((r) => r.splitFingerprint === ra?.splitFingerprint) ?? b.runs[0];
  if (!ra || !rb) return { kind: 'not-comparable', reason: 'Nothing to compare yet.' };
  return comparePair(ra, rb, { a: a.label, b: b.label });
}
