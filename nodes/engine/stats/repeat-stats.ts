/**
 * Statistics over repeated runs (one accuracy per seed): mean ± sample standard deviation, and a paired t-test
 * for two recipes repeated over the same seeds (each seed gives both the same split, so differences are paired).
 */

export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, min: NaN, max: NaN };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min: Math.min(...v), max: Math.max(...v) };
}

// ---- Student's t distribution (regularised incomplete beta by Lentz's continued fraction) ----

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** t such that the two-sided p equals `p` (bisection; monotone). */
export function tCritical(p: number, df: number): number {
  let lo = 0;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PairedResult {
  /** Number of paired seeds. */
  n: number;
  /** Mean of (B − A). */
  meanDifference: number;
  sdDifference: number;
  /** Two-sided paired t-test p-value (NaN with fewer than 2 pairs; 1 when every difference is exactly 0). */
  p: number;
  /** 95% confidence interval of the mean difference. */
  low: number;
  high: number;
}

export function pairedTTest(a: readonly number[], b: readonly number[], level = 0.95): PairedResult {
  if (a.length !== b.length) throw new Error('Paired samples must have the same length.');
  const diffs = a.map((x, i) => b[i] - x);
  const s = spread(diffs);
  if (s.n < 2) return { n: s.n, meanDifference: s.mean, sdDifference: NaN, p: NaN, low: NaN, high: NaN };
  const se = s.sd / Math.sqrt(s.n);
  if (se === 0) {
    return { n: s.n, meanDifference: s.mean, sdDifference: 0, p: s.mean === 0 ? 1 : 0, low: s.mean, high: s.mean };
  }
  const df = s.n - 1;
  const half = tCritical(1 - level, df) * se;
  return { n: s.n, meanDifference: s.mean, sdDifference: s.sd, p: tTwoSidedP(s.mean / se, df), low: s.mean - half, high: s.mean + half };
}
