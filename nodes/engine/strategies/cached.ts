/**
 * Cached-features strategy: the trunk is fully frozen, so its output never changes. Trunk features are computed
 * once per image (per augmented view when augmenting) and only the head is trained on them; hyperparameter trials
 * share them through RunPlanOptions.featureStore. Same maths as full passes, a fraction of the work.
 */
import { augmentBatch, describeAugment } from '../../augment-data/augment';
import { createRng, hashSeed } from '../../dataset/rng';
import { lossAndAccuracy } from '../metrics';
import type { FeatureRows } from '../feature-store';
import { FeatureMoments, assembleClassifier, headOnFeatures, poolFeatures, setStandardization } from '../model/head';
import { buildFusedTrunk, describeFusedTrunk, type FusedTrunk } from '../model/fused-trunk';
import { INFERENCE_BATCH, oneHot, predictInBatches, type Strategy, type StrategyInput } from './common';
import { extractFeatures } from './extract';

export async function cachedFeatures(input: StrategyInput): Promise<Strategy> {
  const { ctx, host, options, data, trunk, head, pixels, selection, augment } = input;
  const { tf, plan } = ctx;
  const numClasses = data.labels.length;
  const featuresOn = selection.features ?? selection.train;
  const store = options.featureStore;
  const storeKey = store ? input.featureKey : null;
  const stored = storeKey ? (storeKey.persistent ? await store!.lookup(storeKey.key) : store!.get(storeKey.key)) : undefined;
  await host.useBackend(featuresOn);
  const views = augment ? Math.max(1, Math.floor(augment.cachedViews || 1)) : 1;
  const note = augment
    ? ` Augmentation (${describeAugment(augment)}) is baked into ${views} cached random view${views > 1 ? 's' : ''}` +
      ` per training image; each epoch trains on one of them per image.`
    : '';
  const augmentNode = plan.nodeIds.augment;
  if (augmentNode) ctx.setNode(augmentNode, 'running', augment ? `Caching ${views} views per image` : undefined);
  ctx.setNode(plan.nodeIds.train, 'running', 'Computing features');

  const totalImages = data.train.length * views + data.validation.length + (options.skipEvaluation ? 0 : data.test.length);
  let doneImages = 0;
  const featureStart = Date.now();
  const featureDim = head.featureDim;
  // The frozen trunk's forward with batch norms folded and activations fused (same features up to float rounding):
  // built on the features backend before the first extraction, disposed once extraction is over.
  let fused: FusedTrunk | null = null;
  const fusedTrunk = (): FusedTrunk => {
    if (!fused) {
      fused = buildFusedTrunk(tf, trunk.trunk);
      ctx.status(`Feature extraction: ${describeFusedTrunk(fused.summary)}.`);
    }
    return fused;
  };
  const extract = async (indices: number[], augmentView: boolean): Promise<FeatureRows> => {
    const before = doneImages;
    const trunkForward = fusedTrunk();
    return extractFeatures({
      tf,
      pixels,
      indices,
      batchSize: INFERENCE_BATCH,
      forward: (raw) => {
        const x = augmentView && augment ? augmentBatch(tf, raw, augment, input.augmentRng) : raw;
        return poolFeatures(head, trunkForward.predict(input.scalePixels(x)));
      },
      checkCancelled: () => ctx.pollCancelled(),
      onProgress: (done) => {
        doneImages = before + done;
        ctx.progress('features', doneImages, totalImages, featureStart);
      },
    });
  };

  const reuse = stored && stored.featureDim === featureDim ? stored : undefined;
  if (reuse) ctx.status('Trunk features reused from cache: nothing to extract.');
  const trainViews: FeatureRows[] = reuse ? reuse.trainViews : [];
  let validation: FeatureRows;
  let test: FeatureRows;
  try {
    if (!reuse) for (let v = 0; v < views; v++) trainViews.push(await extract(data.train, augment !== null));
    validation = reuse ? reuse.validation : await extract(data.validation, false);
    test = options.skipEvaluation ? { features: new Float32Array(0), kept: [] } : (reuse?.test ?? (await extract(data.test, false)));
  } finally {
    (fused as FusedTrunk | null)?.dispose();
  }
  if (storeKey && (!reuse || (!reuse.test && !options.skipEvaluation))) {
    const entry = { featureDim, trainViews, validation, test: options.skipEvaluation ? null : test, featureBackend: selection.features };
    if (storeKey.persistent) await store!.save(storeKey.key, entry);
    else store!.set(storeKey.key, entry);
  }
  const featuresMs = reuse ? 0 : Date.now() - featureStart;
  if (augmentNode) ctx.setNode(augmentNode, 'done');
  pixels.clear(); // features are all the head needs from here on

  // Row lookup: the same images decode in every view (failures are deterministic), so view rows align.
  const trainKept = trainViews[0].kept;
  const labelOf = (i: number) => data.source.items[i].label;
  const trainLabels = trainKept.map(labelOf);
  const valLabels = validation.kept.map(labelOf);

  await host.useBackend(selection.train);
  const model = headOnFeatures(tf, head);
  ctx.models.push(model);
  if (head.standardizer) {
    // Statistics of exactly the rows the head trains on (every cached view); never validation or test rows.
    const moments = new FeatureMoments(featureDim);
    for (const view of trainViews) moments.add(view.features);
    setStandardization(tf, head, moments);
  }
  input.compile(model);
  const viewRng = createRng(hashSeed(plan.train.seed, 0x71e3));
  ctx.setNode(plan.nodeIds.train, 'running', 'Training the head');
  const rowsTensor = (rows: FeatureRows, from: number, to: number) =>
    Promise.resolve(tf.tensor2d(rows.features.subarray(from * featureDim, to * featureDim), [to - from, featureDim]));

  return {
    model,
    note: note + (reuse ? ' Trunk features reused from cache (nothing extracted).' : ''),
    featuresReused: reuse !== undefined,
    featuresMs,
    featureBackend: selection.features,
    batches: {
      count: trainKept.length,
      async makeBatch(positions) {
        const rows = new Float32Array(positions.length * featureDim);
        positions.forEach((p, k) => {
          const view = views > 1 ? Math.floor(viewRng() * views) : 0;
          rows.set(trainViews[view].features.subarray(p * featureDim, (p + 1) * featureDim), k * featureDim);
        });
        return {
          x: tf.tensor2d(rows, [positions.length, featureDim]),
          y: oneHot(tf, positions.map((p) => trainLabels[p]), numClasses),
        };
      },
    },
    async validate() {
      if (validation.kept.length === 0) return null;
      const probabilities = await predictInBatches(ctx, model, validation.kept.length, (from, to) => rowsTensor(validation, from, to));
      return lossAndAccuracy({ probabilities, numClasses, trueLabels: valLabels });
    },
    async predictTest() {
      const probabilities = await predictInBatches(ctx, model, test.kept.length, (from, to) => rowsTensor(test, from, to));
      return { probabilities, kept: test.kept };
    },
    classifier() {
      const classifier = assembleClassifier(tf, trunk.trunk, head, trunk.inputSize);
      ctx.models.push(classifier);
      return classifier;
    },
  };
}
