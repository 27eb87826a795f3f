/** Data-efficiency building blocks: nested per-class subsets, and the batched heads learning from features. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../host-node';
import { createRng } from '../../dataset/split';
import { dataEfficiencyCurve, subsets } from './data-efficiency';

/** Three classes of feature rows: "pretrained" ones carry 2 in the feature numbered like the class, "random" ones
 * only noise; each value is then `offset + scale × value`. 60 test rows. */
function curveData(seed: number, dim: number, trainCount: number, offset = 0, scale = 1) {
  const rng = createRng(seed);
  const make = (labels: number[], informative: boolean) => {
    const x = new Float32Array(labels.length * dim);
    labels.forEach((l, i) => {
      for (let d = 0; d < dim; d++) x[i * dim + d] = offset + scale * ((informative && d === l ? 2 : 0) + (rng() - 0.5) * 1.5);
    });
    return x;
  };
  const trainLabels = Array.from({ length: trainCount }, (_, i) => i % 3);
  const testLabels = Array.from({ length: 60 }, (_, i) => i % 3);
  return {
    pretrained: { train: make(trainLabels, true), test: make(testLabels, true) },
    random: { train: make(trainLabels, false), test: make(testLabels, false) },
    dim,
    trainLabels,
    testLabels,
    numClasses: 3,
  };
}

describe('data-efficiency curve', () => {
  beforeAll(async () => {
    await tf.ready();
  });

  it('subsets are nested, per class, and end with "all"', () => {
    const labels = Array.from({ length: 90 }, (_, i) => i % 3);
    const sets = subsets(labels, 3, [5, 10, 20, 40], 7);
    expect(sets.map((s) => [s.perClass, s.all, s.rows.length])).toEqual([
      [5, false, 15],
      [10, false, 30],
      [20, false, 60],
      [30, true, 90],
    ]);
    for (let k = 1; k < sets.length; k++) expect(sets[k].rows).toEqual(expect.arrayContaining(sets[k - 1].rows));
    for (const c of [0, 1, 2]) expect(sets[0].rows.filter((r) => labels[r] === c)).toHaveLength(5);
  });

  it('informative features beat noise features, more data helps, no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const points = await dataEfficiencyCurve(tf, {
      ...curveData(3, 8, 120),
      head: { hiddenLayers: 1, hiddenUnits: 16, activation: 'relu', dropout: 0.1 },
      training: { learningRate: 0.01, batchSize: 16, epochs: 15, seed: 1 },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(points.map((p) => p.perClass)).toEqual([5, 10, 20, 40]);
    const all = points[points.length - 1];
    expect(all.pretrained).toBeGreaterThan(0.8);
    expect(all.random).toBeLessThan(0.55);
    expect(all.pretrained).toBeGreaterThanOrEqual(points[0].pretrained - 0.05);
  }, 120_000);

  it('with standardisation (each head on its own subset\'s statistics) learns from features far off scale', async () => {
    const input = {
      // Informative features offset by 1000 and scaled by 50: hopeless for Adam at this learning rate unstandardised.
      ...curveData(5, 6, 90, 1000, 50),
      training: { learningRate: 0.01, batchSize: 16, epochs: 10, seed: 1 },
      sizes: [10],
    };
    const head = { hiddenLayers: 0, hiddenUnits: 1, activation: 'relu' as const, dropout: 0 };
    const standardised = await dataEfficiencyCurve(tf, { ...input, head: { ...head, standardize: true } });
    const raw = await dataEfficiencyCurve(tf, { ...input, head });
    expect(standardised.at(-1)!.pretrained).toBeGreaterThan(0.8);
    expect(standardised.at(-1)!.pretrained).toBeGreaterThan(raw.at(-1)!.pretrained + 0.1);
  }, 120_000);
});
