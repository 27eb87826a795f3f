/**
 * Full-passes strategy (fine-tuning, or the feature cache turned off): forward (and backward) passes through the
 * whole trunk + head every epoch; augmentation is applied freshly to every batch.
 */
import { augmentBatch, describeAugment } from '../../augment-data/augment';
import { lossAndAccuracy } from '../metrics';
import { FeatureMoments, assembleClassifier, poolFeatures, setStandardization } from '../model/head';
import { INFERENCE_BATCH, oneHot, predictInBatches, type Strategy, type StrategyInput } from './common';
import { extractFeatures } from './extract';
import type * as tfjs from '@tensorflow/tfjs';

/** Batches of training features held at once while measuring the standardisation's statistics. */
const STATISTICS_CHUNK_BATCHES = 8;

export async function fullPasses(input: StrategyInput): Promise<Strategy> {
  const { ctx, host, data, trunk, head, pixels, selection, augment } = input;
  const { tf, plan } = ctx;
  const numClasses = data.labels.length;
  const labelOf = (i: number) => data.source.items[i].label;
  await host.useBackend(selection.train);
  const model = assembleClassifier(tf, trunk.trunk, head, trunk.inputSize);
  ctx.models.push(model);
  if (head.standardizer) {
    // The standardisation is fixed before training from the starting trunk's features of the training images (no
    // augmentation): one inference pass, like a frozen BatchNormalization's statistics.
    // Chunk by chunk: this path also runs when the features are too big to hold (strategies/choose.ts).
    ctx.setNode(plan.nodeIds.train, 'running', 'Measuring feature statistics');
    const moments = new FeatureMoments(head.featureDim);
    const chunk = INFERENCE_BATCH * STATISTICS_CHUNK_BATCHES;
    for (let from = 0; from < data.train.length; from += chunk) {
      const rows = await extractFeatures({
        tf,
        pixels,
        indices: data.train.slice(from, from + chunk),
        batchSize: INFERENCE_BATCH,
        forward: (raw) => poolFeatures(head, trunk.trunk.predict(input.scalePixels(raw)) as tfjs.Tensor),
        checkCancelled: () => ctx.pollCancelled(),
      });
      moments.add(rows.features);
    }
    setStandardization(tf, head, moments);
  }
  input.compile(model);
  const augmentNode = plan.nodeIds.augment;
  if (augmentNode) ctx.setNode(augmentNode, 'running', augment ? 'Augmenting every batch' : undefined);
  ctx.setNode(plan.nodeIds.train, 'running', 'Training');

  const predictPixels = async (indices: number[]) => {
    const kept: number[] = [];
    const probabilities = await predictInBatches(ctx, model, indices.length, async (from, to) => {
      const batch = await pixels.batch(indices.slice(from, to));
      kept.push(...batch.kept);
      if (!batch.pixels) return null;
      const raw = batch.pixels;
      const scaled = input.scalePixels(raw);
      raw.dispose();
      return scaled;
    });
    return { probabilities, kept };
  };

  return {
    model,
    note: augment ? ` Augmentation (${describeAugment(augment)}) is applied freshly to every batch.` : '',
    featureBackend: null,
    batches: {
      count: data.train.length,
      async makeBatch(positions) {
        const batch = await pixels.batch(positions.map((p) => data.train[p]));
        if (!batch.pixels) return null;
        const raw = batch.pixels;
        const x = tf.tidy(() => input.scalePixels(augment ? augmentBatch(tf, raw, augment, input.augmentRng) : raw));
        raw.dispose();
        return { x, y: oneHot(tf, batch.kept.map(labelOf), numClasses) };
      },
    },
    async validate() {
      if (data.validation.length === 0) return null;
      const { probabilities, kept } = await predictPixels(data.validation);
      if (kept.length === 0) return null;
      return lossAndAccuracy({ probabilities, numClasses, trueLabels: kept.map(labelOf) });
    },
    async predictTest() {
      if (augmentNode) ctx.setNode(augmentNode, 'done');
      if (input.options.skipEvaluation) return { probabilities: new Float32Array(0), kept: [] };
      return predictPixels(data.test);
    },
    classifier: () => model,
  };
}
