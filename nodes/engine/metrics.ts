/**
 * Classification metrics computed from predicted probabilities (pure TS, no tfjs).
 */
import type { PerClassMetrics } from './types';

export interface Predictions {
  /** Row-major [n, numClasses] probabilities. */
  probabilities: Float32Array;
  numClasses: number;
  trueLabels: number[];
}

export function argmaxRow(probabilities: Float32Array, row: number, numClasses: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let c = 0; c < numClasses; c++) {
    const v = probabilities[row * numClasses + c];
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/** Mean categorical cross-entropy and accuracy. Probabilities are clipped like Keras (ε = 1e-7). */
export function lossAndAccuracy(p: Predictions): { loss: number; accuracy: number } {
  const n = p.trueLabels.length;
  if (n === 0) return { loss: NaN, accuracy: NaN };
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const prob = p.probabilities[i * p.numClasses + p.trueLabels[i]];
    loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, prob)));
    if (argmaxRow(p.probabilities, i, p.numClasses) === p.trueLabels[i]) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}

/** confusion[true][predicted]. */
export function confusionMatrix(p: Predictions): number[][] {
  const m = Array.from({ length: p.numClasses }, () => new Array<number>(p.numClasses).fill(0));
  p.trueLabels.forEach((truth, i) => {
    m[truth][argmaxRow(p.probabilities, i, p.numClasses)] += 1;
  });
  return m;
}

export function perClassMetrics(confusion: number[][], labels: string[]): PerClassMetrics[] {
  return labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[c], 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
}

/** Indices of wrong predictions, most confident first. */
export function mostConfidentMistakes(
  p: Predictions,
  count: number,
): Array<{ index: number; predicted: number; confidence: number }> {
  const mistakes: Array<{ index: number; predicted: number; confidence: number }> = [];
  p.trueLabels.forEach((truth, i) => {
    const predicted = argmaxRow(p.probabilities, i, p.numClasses);
    if (predicted !== truth) {
      mistakes.push({ index: i, predicted, confidence: p.probabilities[i * p.numClasses + predicted] });
    }
  });
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return mistakes.slice(0, Math.max(0, count));
}
