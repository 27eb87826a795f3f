import { describe, expect, it } from 'vitest';
import {
  agreementTable,
  bootstrapAccuracyDifference,
  compareEntries,
  comparePair,
  correctnessString,
  formatP,
  mcnemarExact,
  pairedTTest,
  repeatHeadline,
  spread,
  tTwoSidedP,
  type ComparableRun,
} from '.';

describe('McNemar exact test', () => {
  it('matches the published worked example (Fagerland, Lydersen & Laake 2013, BMC Med Res Methodol 13:91: b = 1, c = 7 → exact p = 0.070)', () => {
    expect(mcnemarExact(1, 7)).toBeCloseTo(0.0703125, 10);
    expect(mcnemarExact(7, 1)).toBeCloseTo(0.0703125, 10);
  });
  it('matches exact rational binomial sums (computed with Python fractions)', () => {
    expect(mcnemarExact(3, 12)).toBeCloseTo(0.03515625, 12);
    expect(mcnemarExact(0, 9)).toBeCloseTo(0.00390625, 12);
    expect(mcnemarExact(10, 20)).toBeCloseTo(0.09873714670538902, 12);
    expect(mcnemarExact(59, 121) / 4.434449263755176e-6).toBeCloseTo(1, 8);
  });
  it('is 1 without discordant pairs or with balanced ones, and refuses bad counts', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(() => mcnemarExact(-1, 2)).toThrow();
    expect(() => mcnemarExact(1.5, 2)).toThrow();
  });
  it('tabulates agreement per image', () => {
    expect(agreementTable([true, true, false, false, true], [true, false, true, false, true])).toEqual({
      bothRight: 2,
      onlyA: 1,
      onlyB: 1,
      bothWrong: 1,
    });
    expect(() => agreementTable([true], [])).toThrow();
  });
});

describe('bootstrap interval of the accuracy difference', () => {
  const make = (n: number, pattern: (i: number) => [boolean, boolean]) => {
    const a: boolean[] = [];
    const b: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const [x, y] = pattern(i);
      a.push(x);
      b.push(y);
    }
    return { a, b };
  };
  it('agrees with the analytic paired (Wald) interval on a large sample', () => {
    // 1000 images: 100 only-B right, 50 only-A right → difference 0.05, se = sqrt((b+c)/n² − d²/n) .
    const { a, b } = make(1000, (i) => (i < 100 ? [false, true] : i < 150 ? [true, false] : i < 800 ? [true, true] : [false, false]));
    const ci = bootstrapAccuracyDifference(a, b, { resamples: 4000, seed: 3 });
    const d = 0.05;
    const se = Math.sqrt((150 / 1000 - d * d) / 1000);
    expect(ci.estimate).toBeCloseTo(d, 12);
    expect(ci.low).toBeCloseTo(d - 1.96 * se, 2);
    expect(ci.high).toBeCloseTo(d + 1.96 * se, 2);
  });
  it('matches the exact bootstrap distribution (all multinomial resamples enumerated) on a small sample', () => {
    // 20 images: 6 only-B right (+1), 2 only-A right (−1), 12 ties. A resample's sum is (#+1) − (#−1) with counts
    // ~ Multinomial(20; 0.3, 0.1, 0.6); exact CDF: P(≤ −0.10) = 0.0201, P(≤ −0.05) = 0.0465, P(≤ 0.40) = 0.9549,
    // P(≤ 0.45) = 0.9811 (checked with Python fractions), so the exact 2.5%/97.5% percentiles are −0.05 and 0.45.
    const n = 20;
    const { a, b } = make(n, (i) => (i < 6 ? [false, true] : i < 8 ? [true, false] : [true, true]));
    const logFact = (k: number): number => (k <= 1 ? 0 : Math.log(k) + logFact(k - 1));
    const cdf = new Map<number, number>();
    for (let plus = 0; plus <= n; plus++) {
      for (let minus = 0; plus + minus <= n; minus++) {
        const ties = n - plus - minus;
        const logP = logFact(n) - logFact(plus) - logFact(minus) - logFact(ties) + plus * Math.log(0.3) + minus * Math.log(0.1) + ties * Math.log(0.6);
        cdf.set(plus - minus, (cdf.get(plus - minus) ?? 0) + Math.exp(logP));
      }
    }
    let acc = 0;
    const exact: Array<[number, number]> = [...cdf.keys()].sort((x, y) => x - y).map((s) => [s / n, (acc += cdf.get(s)!)]);
    const percentile = (q: number) => exact.find(([, c]) => c >= q)![0];
    expect(percentile(0.025)).toBeCloseTo(-0.05, 12);
    expect(percentile(0.975)).toBeCloseTo(0.45, 12);
    const ci = bootstrapAccuracyDifference(a, b, { resamples: 20_000, seed: 11 });
    expect(ci.estimate).toBeCloseTo(0.2, 12);
    expect(ci.low).toBeCloseTo(percentile(0.025), 12);
    expect(ci.high).toBeCloseTo(percentile(0.975), 12);
  });
  it('is reproducible for a seed and collapses to 0 for identical runs', () => {
    const { a, b } = make(72, (i) => [i % 3 !== 0, i % 4 !== 0]);
    expect(bootstrapAccuracyDifference(a, b, { seed: 9 })).toEqual(bootstrapAccuracyDifference(a, b, { seed: 9 }));
    expect(bootstrapAccuracyDifference(a, b, { seed: 9 })).not.toEqual(bootstrapAccuracyDifference(a, b, { seed: 10 }));
    const same = bootstrapAccuracyDifference(a, a, { seed: 1 });
    expect([same.low, same.high, same.estimate]).toEqual([0, 0, 0]);
  });
});

describe('repeat statistics', () => {
  it('mean ± sample sd of the issue’s seven accuracies', () => {
    const s = spread([0.597, 0.611, 0.681, 0.681, 0.708, 0.625, 0.681]);
    expect(s.n).toBe(7);
    expect(s.mean).toBeCloseTo(0.654857, 5);
    expect(s.sd).toBeCloseTo(0.042889, 5); // Python statistics.stdev
    expect(repeatHeadline(s)).toBe('65% ± 4 over 7 splits');
    expect(spread([0.5]).sd).toBe(0);
    expect(spread([]).n).toBe(0);
  });
  it('Student t tail probabilities match tables', () => {
    expect(tTwoSidedP(2.570582, 5)).toBeCloseTo(0.05, 5);
    expect(tTwoSidedP(2.0, 10)).toBeCloseTo(0.07339, 4);
    expect(tTwoSidedP(0, 3)).toBeCloseTo(1, 10);
  });
  it('paired t-test reproduces Student’s sleep data (R: t.test(extra ~ group, paired = TRUE): p = 0.002833, CI −2.4599…−0.7001)', () => {
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = pairedTTest(g2, g1); // difference g1 − g2, as R reports it
    expect(r.meanDifference).toBeCloseTo(-1.58, 10);
    expect(r.p).toBeCloseTo(0.002833, 5);
    expect(r.low).toBeCloseTo(-2.4598858, 5);
    expect(r.high).toBeCloseTo(-0.7001142, 5);
  });
});

describe('comparisons and verdicts', () => {
  const run = (correct: string, fp = 'fp', seed = 1): ComparableRun => ({
    accuracy: [...correct].filter((c) => c === '1').length / correct.length,
    testSize: correct.length,
    splitFingerprint: fp,
    correct,
    splitSeed: seed,
    trainSeed: seed,
  });
  it('says B is better with a small p when B fixes many images A gets wrong', () => {
    const a = run('0'.repeat(12) + '1'.repeat(60));
    const b = run('1'.repeat(12) + '1'.repeat(60));
    const c = comparePair(a, b);
    expect(c.kind).toBe('paired');
    if (c.kind !== 'paired') return;
    expect(c.agreement).toEqual({ bothRight: 60, onlyA: 0, onlyB: 12, bothWrong: 0 });
    expect(c.p).toBeCloseTo(2 / 4096, 10);
    expect(c.verdict).toBe('B is better than A (p < 0.001).');
  });
  it('finds no evidence on a small gap', () => {
    const a = run('10' + '1'.repeat(70));
    const b = run('01' + '1'.repeat(70));
    const c = comparePair(a, b);
    expect(c.kind === 'paired' && c.verdict.startsWith('No evidence of a difference on 72 test images')).toBe(true);
  });
  it('refuses different test sets', () => {
    expect(comparePair(run('1010', 'x'), run('1010', 'y')).kind).toBe('different-test-sets');
    expect(comparePair({ ...run('1'), correct: null }, run('1')).kind).toBe('not-comparable');
  });
  it('pairs repeated runs by seed', () => {
    const accsA = [0.6, 0.62, 0.65, 0.58, 0.61];
    const accsB = [0.66, 0.7, 0.71, 0.64, 0.69];
    const mk = (accs: number[]) => accs.map((acc, i) => ({ accuracy: acc, testSize: 72, splitFingerprint: `s${i}`, correct: null, splitSeed: i, trainSeed: i }));
    const c = compareEntries({ label: 'A', runs: mk(accsA) }, { label: 'B', runs: mk(accsB).reverse() });
    expect(c.kind).toBe('repeated');
    if (c.kind !== 'repeated') return;
    expect(c.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(c.paired.meanDifference).toBeCloseTo(0.068, 10);
    expect(c.verdict).toMatch(/^B is better than A on average over 5 paired seeds \(p = 0\.000|p < 0\.001/);
  });
  it('formats p-values', () => {
    expect(formatP(0.0312)).toBe('p = 0.03');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.0072)).toBe('p = 0.007');
  });
  it('lines predictions up by image id, whatever order the split listed them in', () => {
    const preds = [
      { id: 'b.png', index: 0, trueClass: 0, predictedClass: 1 },
      { id: 'a.png', index: 1, trueClass: 1, predictedClass: 1 },
    ];
    expect(correctnessString(preds)).toBe('10');
    expect(correctnessString([preds[1], preds[0]])).toBe('10');
  });
});
