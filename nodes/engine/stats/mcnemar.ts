/**
 * McNemar's exact (conditional binomial) test for two classifiers scored on the same test images.
 * Only the discordant images carry information: b = A right & B wrong, c = A wrong & B right. Under "no
 * difference" each discordant image is a fair coin, so p = 2·P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), capped at 1.
 */

export interface Agreement {
  bothRight: number;
  onlyA: number;
  onlyB: number;
  bothWrong: number;
}

/** Per-image agreement of two runs' correctness vectors (same images, same order). */
export function agreementTable(correctA: readonly boolean[], correctB: readonly boolean[]): Agreement {
  if (correctA.length !== correctB.length) throw new Error('Both runs must be scored on the same test images.');
  const t: Agreement = { bothRight: 0, onlyA: 0, onlyB: 0, bothWrong: 0 };
  for (let i = 0; i < correctA.length; i++) {
    if (correctA[i] && correctB[i]) t.bothRight++;
    else if (correctA[i]) t.onlyA++;
    else if (correctB[i]) t.onlyB++;
    else t.bothWrong++;
  }
  return t;
}

/** log C(n, k) via a running sum (exact enough for n up to millions; no gamma approximation needed). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** Two-sided exact McNemar p-value from the discordant counts. */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new Error('counts must be whole numbers ≥ 0');
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // Sum the lower tail in log space, relative to its largest term, for numerical stability.
  const logs: number[] = [];
  for (let i = 0; i <= k; i++) logs.push(logChoose(n, i) - n * Math.LN2);
  const max = Math.max(...logs);
  const tail = Math.exp(max) * logs.reduce((s, l) => s + Math.exp(l - max), 0);
  return Math.min(1, 2 * tail);
}
