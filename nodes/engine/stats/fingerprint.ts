/**
 * Identity of a test split and per-image test predictions (pure TS). Two runs whose fingerprints are equal
 * evaluated exactly the same images in the same order, so their predictions can be paired image by image.
 */
import type { TestPrediction } from '../types';

/** FNV-1a over UTF-16 code units, two independent 32-bit lanes → 16 hex digits (collisions are not a concern
 * at these sizes; this is an identity check, not security). */
export function fnv64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

export function splitFingerprint(datasetId: string, testIds: readonly string[]): string {
  return `${testIds.length}-${fnv64(JSON.stringify([datasetId, testIds]))}`;
}

/** Predictions of the evaluated test images (`kept` = item indices that decoded, in test-split order). */
export function testPredictions(
  kept: readonly number[],
  trueLabels: readonly number[],
  probabilities: Float32Array,
  numClasses: number,
  idOf: (item: number) => string,
): TestPrediction[] {
  return kept.map((item, index) => {
    const row = Array.from(probabilities.subarray(index * numClasses, (index + 1) * numClasses));
    let predictedClass = 0;
    for (let c = 1; c < numClasses; c++) if (row[c] > row[predictedClass]) predictedClass = c;
    return { index, id: idOf(item), trueClass: trueLabels[index], predictedClass, probabilities: row.map((p) => Math.round(p * 1e4) / 1e4) };
  });
}
