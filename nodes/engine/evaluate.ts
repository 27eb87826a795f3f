/** Evaluation seam: test-split metrics, per-image predictions and the most confident mistakes. */
import type { EngineHost } from './host';
import type { Evaluation, MisclassifiedExample, TestPrediction } from './types';
import type { PreparedData } from './data/prepare';
import { argmaxRow, confusionMatrix, lossAndAccuracy, mostConfidentMistakes, perClassMetrics } from './metrics';

export function emptyEvaluation(labels: string[]): Evaluation {
  return {
    accuracy: NaN,
    loss: NaN,
    labels,
    perClass: [],
    confusionMatrix: labels.map(() => labels.map(() => 0)),
    testSize: 0,
    misclassified: [],
    predictions: [],
  };
}

/** Metrics for test probabilities (row-major [kept.length, classes]); `kept` = test item indices that decoded. */
export async function evaluateTest(
  data: PreparedData,
  test: { probabilities: Float32Array; kept: number[] },
  misclassifiedCount: number,
  host: Pick<EngineHost, 'thumbnail'>,
): Promise<Evaluation> {
  const numClasses = data.labels.length;
  const trueLabels = test.kept.map((i) => data.source.items[i].label);
  const p = { probabilities: test.probabilities, numClasses, trueLabels };
  const { loss, accuracy } = lossAndAccuracy(p);
  const confusion = confusionMatrix(p);
  const predictions: TestPrediction[] = test.kept.map((item, index) => ({
    index,
    id: data.source.items[item].name,
    trueClass: trueLabels[index],
    predictedClass: argmaxRow(test.probabilities, index, numClasses),
    probabilities: Array.from(test.probabilities.subarray(index * numClasses, (index + 1) * numClasses)),
  }));
  // The thumbnails load together (fetch + decode of a few images; one after another they took ~0.2 s of a Run).
  const misclassified: MisclassifiedExample[] = await Promise.all(
    mostConfidentMistakes(p, misclassifiedCount).map(async (m) => {
      let thumbnail: string | null = null;
      if (host.thumbnail) {
        try {
          thumbnail = await host.thumbnail(await data.source.load(test.kept[m.index], 96));
        } catch {
          thumbnail = null;
        }
      }
      return {
        index: m.index,
        trueLabel: data.labels[trueLabels[m.index]],
        predictedLabel: data.labels[m.predicted],
        confidence: m.confidence,
        thumbnail,
      };
    }),
  );
  return {
    accuracy,
    loss,
    labels: data.labels,
    perClass: perClassMetrics(confusion, data.labels),
    confusionMatrix: confusion,
    testSize: trueLabels.length,
    misclassified,
    predictions,
  };
}
