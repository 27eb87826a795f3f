/**
 * Seeing inside (issue #11): Grad-CAM for 8 test images; the layer sweep's one multi-output forward pass over 6+
 * candidate layers as a ratio to ONE trunk feature pass at the deepest candidate (target ≤ 1.5×); the
 * data-efficiency curve (10 heads trained at once on cached features) as a ratio to ONE cached-feature training of
 * the head by the engine (target ≤ 3×). Decoded pixels are prepared once up front so both sides of each ratio
 * time the same thing (no JPEG decoding in either).
 */
import { runSinglePlan } from '../nodes/engine/run';
import { FeatureStore } from '../nodes/engine/feature-store';
import type { TrainedModel } from '../nodes/engine/host';
import { resolveModelMeta, resolveScaling, scalingToAffine } from '../nodes/pretrained-model/catalog';
import { tf } from '../nodes/engine/host-node';
import { ViewSession } from '../nodes/engine/views/session';
import { candidateCuts, probeLayers, sweepActivations } from '../nodes/engine/views/layer-sweep';
import { splitOfPlan } from '../nodes/engine/views/split';
import { inputBatch, loadPixels } from '../nodes/engine/views/pixels';
import { disposeModelWeights } from '../nodes/engine/views/dispose';
import { benchPlan, type BenchSection } from './common';

const EPOCHS = 20;

export const insideSection: BenchSection = {
  name: 'seeing inside: heatmaps, layer sweep, data-efficiency curve',
  async run(setup, log) {
    const host = setup.host;
    const plan = benchPlan(setup, EPOCHS);
    const store = new FeatureStore();
    // Warm-up run fills the feature store; the timed run then trains the head on cached features only.
    await runSinglePlan(plan, host, { onEvent: () => {}, featureStore: store });
    let trained: TrainedModel | null = null;
    const result = await runSinglePlan(plan, host, { onEvent: () => {}, featureStore: store, onTrainedModel: (t) => (trained = t) });
    const oneTrainingMs = result.trainMs;
    const source = await host.openDataset(plan.dataset.datasetId);
    const before = tf.memory().numTensors;
    const session = new ViewSession(tf, { plan, source, trained: trained!, predictions: result.evaluation.predictions!, loadModel: (s) => host.loadModel(s) });

    // ---- Heatmaps for 8 images (pixels decoded by an untimed first call).
    const eight = Array.from({ length: Math.min(8, session.testItems.length) }, (_, i) => i);
    await session.testHeatmaps(eight, 'true');
    let started = performance.now();
    await session.testHeatmaps(eight, 'predicted');
    const heatmapMs = performance.now() - started;
    log(`  heatmaps for ${eight.length} images: ${heatmapMs.toFixed(0)} ms (Grad-CAM through the head, ${tf.getBackend()})`);

    // ---- Layer sweep vs one trunk pass at the deepest candidate, same pre-decoded pixels.
    const model = await host.loadModel(plan.classifier.model.source);
    const meta = resolveModelMeta(plan.classifier.model.source, host.modelMeta ? await host.modelMeta(plan.classifier.model.source) : null);
    const { scale, offset } = scalingToAffine(resolveScaling(plan.classifier.model.inputScaling, meta));
    const inputSize = session.input.inputSize;
    const candidates = candidateCuts(model, result.truncateAt ?? null);
    const split = splitOfPlan(source, plan);
    const items = [...split.train, ...split.validation];
    const pixels = await loadPixels(tf, source, items, inputSize);
    const pixelOf = new Map(items.map((item, k) => [item, pixels[k]]));
    const batch = async (batchItems: number[]) => {
      const ok = batchItems.filter((i) => pixelOf.get(i));
      return { x: ok.length ? inputBatch(tf, ok.map((i) => pixelOf.get(i)!), { inputSize, scale, offset }) : null, kept: ok };
    };
    const deepest = candidates[candidates.length - 1];
    const single = tf.model({ inputs: model.inputs, outputs: model.getLayer(deepest.name).output as tf.SymbolicTensor });
    await sweepActivations(tf, model, [deepest], { items: items.slice(0, 16), batch }); // warm-up (kernels)
    await sweepActivations(tf, model, candidates, { items: items.slice(0, 16), batch });
    started = performance.now();
    for (let from = 0; from < items.length; from += 16) {
      const { x } = await batch(items.slice(from, from + 16));
      if (!x) continue;
      const f = tf.tidy(() => tf.mean(single.predict(x) as tf.Tensor, [1, 2]));
      x.dispose();
      await f.data();
      f.dispose();
    }
    const onePassMs = performance.now() - started;
    started = performance.now();
    const activations = await sweepActivations(tf, model, candidates, { items, batch });
    const sweepPassMs = performance.now() - started;
    started = performance.now();
    const sweep = probeLayers(activations, (i) => source.items[i].label, source.labels.length, split, result.truncateAt ?? null);
    const probeMs = performance.now() - started;
    disposeModelWeights(model);
    const sweepRatio = sweepPassMs / onePassMs;
    log(
      `  layer sweep over ${candidates.length} cuts: one multi-output pass ${sweepPassMs.toFixed(0)} ms vs one trunk pass at ${deepest.name} ` +
        `${onePassMs.toFixed(0)} ms → ${sweepRatio.toFixed(2)}× (target ≤ 1.5×); + ${probeMs.toFixed(0)} ms for ${candidates.length} linear probes ` +
        `(${items.length} images; best ${sweep.best})`,
    );

    // ---- Data-efficiency curve vs one cached-feature training of the head.
    await session.warm();
    started = performance.now();
    const features = await session.curveFeatures();
    const featuresMs = performance.now() - started;
    started = performance.now();
    const points = await session.curve(features);
    const curveMs = performance.now() - started;
    const curveRatio = curveMs / Math.max(1, oneTrainingMs);
    log(
      `  data-efficiency curve (${points.length} sizes × 2 trunks = ${points.length * 2} heads, ${EPOCHS} epochs): ${curveMs.toFixed(0)} ms vs one ` +
        `cached-feature training ${oneTrainingMs} ms → ${curveRatio.toFixed(2)}× (target ≤ 3×); random-trunk features ${featuresMs.toFixed(0)} ms; ` +
        points.map((p) => `${p.all ? 'all' : p.perClass}/class ${(p.pretrained * 100).toFixed(0)}% vs ${(p.random * 100).toFixed(0)}%`).join(', '),
    );
    session.dispose();
    const leaked = tf.memory().numTensors - before;
    log(`  tensors after all views: ${leaked === 0 ? 'back to start' : `${leaked} not freed`}`);
    (trained as TrainedModel | null)?.model.dispose();
    return {
      heatmap8Ms: Math.round(heatmapMs),
      sweepCuts: candidates.length,
      sweepPassMs: Math.round(sweepPassMs),
      sweepOnePassMs: Math.round(onePassMs),
      sweepPassRatio: Number(sweepRatio.toFixed(2)),
      sweepProbeMs: Math.round(probeMs),
      dataEfficiencyMs: Math.round(curveMs),
      dataEfficiencyFeaturesMs: Math.round(featuresMs),
      oneCachedTrainingMs: oneTrainingMs,
      dataEfficiencyRatio: Number(curveRatio.toFixed(2)),
      viewTensorsLeaked: leaked,
    };
  },
};
