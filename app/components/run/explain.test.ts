import { describe, expect, it } from 'vitest';
import type { EpochLog, RunResult } from '@/nodes/engine/types';
import { explainRun, trustworthyDifferencePoints } from './explain';

function result(accuracy: number, testSize: number, epochs: Array<[number, number]>): RunResult {
  const logs: EpochLog[] = epochs.map(([acc, val], i) => ({ epoch: i + 1, loss: 0.5, accuracy: acc, valLoss: 0.6, valAccuracy: val, ms: 10 }));
  return {
    backend: 'wasm', featureBackend: null, path: 'cached', pathReason: '', epochs: logs, trainMs: 1, totalMs: 1, imagesPerSecond: 1,
    labels: ['a', 'b', 'c', 'd'], splitSizes: { train: 80, validation: 16, test: testSize }, splitFingerprint: 'x',
    evaluation: { accuracy, loss: 0.4, testSize, labels: ['a', 'b', 'c', 'd'], perClass: [], confusionMatrix: [], misclassified: [] } as unknown as RunResult['evaluation'],
  } as RunResult;
}

describe('explainRun', () => {
  it('names overfitting when train ≫ validation, pointing at Augment Data when the graph has one', () => {
    const e = explainRun(result(0.8, 24, [[0.7, 0.6], [0.99, 0.8]]), { hasAugment: true });
    const d = e.diagnoses.find((x) => x.kind === 'overfitting');
    expect(d?.node).toBe('augment');
    expect(d?.text).toContain('99%');
    expect(e.accuracy).toContain('25%'); // chance with 4 classes
  });

  it('names underfitting when even training accuracy is low, pointing at Train', () => {
    const e = explainRun(result(0.45, 24, [[0.3, 0.3], [0.5, 0.45]]), { hasAugment: false });
    expect(e.diagnoses.find((x) => x.kind === 'underfitting')?.node).toBe('trainer');
  });

  it('says healthy when curves agree, and always how many points a small test set can trust', () => {
    const e = explainRun(result(0.92, 24, [[0.9, 0.88], [0.95, 0.92]]), { hasAugment: true });
    expect(e.diagnoses[0].kind).toBe('healthy');
    expect(e.diagnoses.find((x) => x.kind === 'uncertainty')?.text).toMatch(/too few test images to trust a difference below \d+ points/);
  });

  it('fewer test images need bigger differences', () => {
    expect(trustworthyDifferencePoints(0.8, 24)).toBeGreaterThan(trustworthyDifferencePoints(0.8, 400));
    expect(trustworthyDifferencePoints(1, 24)).toBeGreaterThan(0);
  });
});
