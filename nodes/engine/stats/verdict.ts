/**
 * Plain-language verdicts and headline strings for comparisons and repeats (what the UI shows, in one place).
 */
import type { Spread } from './repeat-stats';

export const SIGNIFICANCE = 0.05;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "p = 0.03", "p = 0.41", "p < 0.001". */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'p = —';
  if (p < 0.001) return 'p < 0.001';
  if (p >= 0.995) return 'p = 1';
  return `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** Verdict for two runs on the same test images. */
export function pairedVerdict(
  opts: { p: number; difference: number; testSize: number; nameA?: string; nameB?: string },
): { significant: boolean; text: string } {
  const a = opts.nameA ?? 'A';
  const b = opts.nameB ?? 'B';
  if (opts.p < SIGNIFICANCE && opts.difference !== 0) {
    const [better, worse] = opts.difference > 0 ? [b, a] : [a, b];
    return { significant: true, text: `${capitalise(better)} is better than ${worse} (${formatP(opts.p)}).` };
  }
  return {
    significant: false,
    text: `No evidence of a difference on ${opts.testSize} test images (${formatP(opts.p)}): the gap is within what one split's noise produces.`,
  };
}

/** Verdict for repeated runs paired by seed. */
export function repeatedVerdict(
  opts: { p: number; meanDifference: number; pairs: number; nameA?: string; nameB?: string },
): { significant: boolean; text: string } {
  const a = opts.nameA ?? 'A';
  const b = opts.nameB ?? 'B';
  if (opts.pairs < 2 || !Number.isFinite(opts.p)) {
    return { significant: false, text: `Too few paired seeds (${opts.pairs}) to judge: repeat both with at least 2 seeds.` };
  }
  if (opts.p < SIGNIFICANCE && opts.meanDifference !== 0) {
    const [better, worse] = opts.meanDifference > 0 ? [b, a] : [a, b];
    return { significant: true, text: `${capitalise(better)} is better than ${worse} on average over ${opts.pairs} paired seeds (${formatP(opts.p)}).` };
  }
  return { significant: false, text: `No evidence of a difference over ${opts.pairs} paired seeds (${formatP(opts.p)}).` };
}

/** "68% ± 4 over 5 splits" (points of accuracy, sample sd). */
export function repeatHeadline(s: Spread): string {
  return `${Math.round(s.mean * 100)}% ± ${Math.round(s.sd * 100)} over ${s.n} splits`;
}

/** Signed points: "+3.1 points". */
export function formatPoints(diff: number, digits = 1): string {
  if (!Number.isFinite(diff)) return '—';
  const v = diff * 100;
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)} points`;
}
