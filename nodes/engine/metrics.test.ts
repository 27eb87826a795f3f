/**
 * Metrics against hand-computed matrices. Errors are asymmetric on purpose: a transposed confusion matrix, or
 * precision and recall swapped, give different numbers here (sums and the diagonal alone would not notice).
 */
import { describe, expect, it } from 'vitest';
import { argmaxRow, confusionMatrix, lossAndAccuracy, mostConfidentMistakes, perClassMetrics, type Predictions } from './metrics';
import { evaluateTest } from './evaluate';
import type { PreparedData } from './data/prepare';

/** One-hot-ish probabilities: `confidence` on `predicted`, the rest spread evenly. */
function predictions(rows: Array<[truth: number, predicted: number, confidence?: number]>, numClasses = 3): Predictions {
  const probabilities = new Float32Array(rows.length * numClasses);
  rows.forEach(([, predicted, confidence = 0.8], i) => {
    for (let c = 0; c < numClasses; c++) probabilities[i * numClasses + c] = c === predicted ? confidence : (1 - confidence) / (numClasses - 1);
  });
  return { probabilities, numClasses, trueLabels: rows.map(([t]) => t) };
}

// Truth → predicted. Class 0: 3 right, 1 called "1". Class 1: 1 right, 1 called "2". Class 2: 2 right.
// Nothing is ever predicted as class 0 wrongly, and class 2 is never mistaken: the matrix is far from symmetric.
const ROWS: Array<[number, number, number?]> = [
  [0, 0], [0, 0], [0, 0], [0, 1, 0.9],
  [1, 1], [1, 2, 0.6],
  [2, 2], [2, 2],
];

describe('confusion matrix and per-class metrics (hand-computed)', () => {
  // Computed inside each test (not at collection time) so mutation testing attributes the code to the tests.
  const p = () => predictions(ROWS);
  const m = () => confusionMatrix(p());

  it('is indexed [true][predicted]', () => {
    expect(m()).toEqual([
      [3, 1, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
  });

  it('precision = TP / predicted (column), recall = TP / support (row), F1 their harmonic mean', () => {
    const perClass = perClassMetrics(m(), ['a', 'b', 'c']);
    // a: TP 3, predicted 3, support 4. b: TP 1, predicted 2, support 2. c: TP 2, predicted 3, support 2.
    const expected = [
      { label: 'a', precision: 1, recall: 0.75, support: 4 },
      { label: 'b', precision: 0.5, recall: 0.5, support: 2 },
      { label: 'c', precision: 2 / 3, recall: 1, support: 2 },
    ];
    perClass.forEach((c, i) => {
      expect(c.label).toBe(expected[i].label);
      expect(c.precision).toBeCloseTo(expected[i].precision, 10);
      expect(c.recall).toBeCloseTo(expected[i].recall, 10);
      expect(c.support).toBe(expected[i].support);
      const { precision: pr, recall: rc } = expected[i];
      expect(c.f1).toBeCloseTo((2 * pr * rc) / (pr + rc), 10);
    });
  });

  it('a class never predicted and never present has 0 precision, recall and F1 (no NaN)', () => {
    const perClass = perClassMetrics([[2, 0], [1, 0]], ['x', 'y']);
    expect(perClass[1]).toEqual({ label: 'y', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(perClassMetrics([[0, 0], [0, 3]], ['x', 'y'])[0]).toEqual({ label: 'x', precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('accuracy = diagonal / n and loss = mean −log p(true), clipped at 1e-7', () => {
    const { loss, accuracy } = lossAndAccuracy(p());
    expect(accuracy).toBeCloseTo(6 / 8, 10);
    const pTrue = [0.8, 0.8, 0.8, 0.05, 0.8, 0.2, 0.8, 0.8];
    expect(loss).toBeCloseTo(pTrue.reduce((s, v) => s - Math.log(v), 0) / 8, 5);
    const certainWrong = { probabilities: new Float32Array([0, 1]), numClasses: 2, trueLabels: [0] };
    expect(lossAndAccuracy(certainWrong).loss).toBeCloseTo(-Math.log(1e-7), 5);
    const certainRight = { probabilities: new Float32Array([1, 0]), numClasses: 2, trueLabels: [0] };
    expect(lossAndAccuracy(certainRight).loss).toBeCloseTo(-Math.log(1 - 1e-7), 10);
    expect(lossAndAccuracy({ probabilities: new Float32Array(0), numClasses: 2, trueLabels: [] }).accuracy).toBeNaN();
    expect(lossAndAccuracy({ probabilities: new Float32Array(0), numClasses: 2, trueLabels: [] }).loss).toBeNaN();
  });

  it('argmax takes the first of equal maxima and handles negative scores', () => {
    expect(argmaxRow(new Float32Array([0.2, 0.5, 0.5]), 0, 3)).toBe(1);
    expect(argmaxRow(new Float32Array([9, 9, -3, -3, -1, -2]), 1, 3)).toBe(1);
    expect(argmaxRow(new Float32Array([-5, -4]), 0, 2)).toBe(1);
  });

  it('most confident mistakes: wrong predictions only, by confidence then index, at most `count`', () => {
    const mistakes = mostConfidentMistakes(
      predictions([[0, 1, 0.6], [1, 1], [2, 0, 0.9], [0, 2, 0.6], [1, 0, 0.7]]),
      4,
    );
    // Equal confidence (items 0 and 3): lower index first.
    expect(mistakes.map((x) => [x.index, x.predicted])).toEqual([[2, 0], [4, 0], [0, 1], [3, 2]]);
    expect(mistakes[0].confidence).toBeCloseTo(0.9, 6);
    expect(mostConfidentMistakes(predictions([[0, 1]]), 0)).toEqual([]);
    expect(mostConfidentMistakes(predictions([[0, 1]]), -1)).toEqual([]);
  });
});

describe('evaluateTest (the evaluation seam) keeps the orientation', () => {
  it('per-image predictions, matrix, per-class and mistakes agree with the hand-computed values', async () => {
    const p = predictions(ROWS);
    // Test items 10..17 of a source whose labels are the truths above (the seam maps kept items to labels).
    const items = Array.from({ length: 18 }, (_, i) => ({ name: `img${i}`, label: i >= 10 ? ROWS[i - 10][0] : 0 }));
    const data = { labels: ['a', 'b', 'c'], source: { items, load: async () => { throw new Error('no pixels'); } } } as unknown as PreparedData;
    const kept = Array.from({ length: 8 }, (_, i) => 10 + i);
    const evaluation = await evaluateTest(data, { probabilities: p.probabilities, kept }, 2, {});
    expect(evaluation.confusionMatrix).toEqual([[3, 1, 0], [0, 1, 1], [0, 0, 2]]);
    expect(evaluation.perClass.map((c) => [c.precision, c.recall].map((v) => Number(v.toFixed(4))))).toEqual([
      [1, 0.75], [0.5, 0.5], [0.6667, 1],
    ]);
    expect(evaluation.testSize).toBe(8);
    expect(evaluation.accuracy).toBeCloseTo(0.75, 10);
    expect(evaluation.predictions[3]).toMatchObject({ index: 3, id: 'img13', trueClass: 0, predictedClass: 1 });
    expect(evaluation.misclassified.map((x) => [x.index, x.trueLabel, x.predictedLabel])).toEqual([[3, 'a', 'b'], [5, 'b', 'c']]);
    expect(evaluation.misclassified[0].thumbnail).toBeNull();
  });
});
