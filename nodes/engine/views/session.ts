/**
 * Everything the "seeing inside" views compute about ONE finished run, on any host: the run's plan, its images
 * (through the same ImageSource and split), and the trained classifier the engine handed over. Features are
 * computed once and kept as plain arrays; every tensor a view creates is disposed before it returns.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSource, Plan } from '../../core/plan';
import type { DecodedImage, ImageSource, TrainedModel } from '../host';
import type { TestPrediction } from '../types';
import { scalingToAffine } from '../../pretrained-model/catalog';
import { hashSeed } from '../../dataset/split';
import { layerOutputIn } from '../model/layer-output';
import { buildFusedTrunk } from '../model/fused-trunk';
import { poolFeatures } from '../model/head';
import { splitClassifier, headLogits, lastHidden, logitsOf, type ClassifierParts } from './classifier-parts';
import { gradCam } from './gradcam';
import { splitOfPlan, type RunSplit } from './split';
import { inputBatch, loadPixels, resizeTo, type ModelInput } from './pixels';
import { concatFloat } from '../strategies/common';
import { project2d, separation, type FeatureMapPoint, type Projection } from './feature-map';
import { dataEfficiencyCurve, type CurvePoint } from './data-efficiency';
import { disposeModelWeights } from './dispose';

type TF = typeof tfjs;

const BATCH = 16;
/** Grad-CAM images per batch (gradients hold the feature maps twice). */
export const HEATMAP_BATCH = 8;

export interface Heatmap {
  width: number;
  height: number;
  /** Row-major [height * width] in [0, 1]. */
  values: number[];
  /** Class the map explains. */
  classIndex: number;
}

export interface FeatureMapView {
  method: Projection;
  /** One entry per image (train first, then test). */
  items: Array<{ split: 'train' | 'test'; item: number; label: number; predicted: number; testIndex: number | null }>;
  trunk: FeatureMapPoint[];
  hidden: FeatureMapPoint[];
  /** What the second panel shows (the head's last hidden layer, or its class scores when it has no hidden layer). */
  hiddenWhat: 'last hidden layer' | 'class scores';
  separation: { trunk: number; hidden: number };
}

export interface DataEfficiencyView {
  points: CurvePoint[];
  testImages: number;
  ms: number;
}

export interface ViewSessionInput {
  plan: Plan;
  source: ImageSource;
  trained: TrainedModel;
  predictions: TestPrediction[];
  loadModel(source: ModelSource): Promise<tfjs.LayersModel>;
  /** The epoch whose weights the run kept (RunResult.keptEpoch): with early stopping the run trained that long, not
   * the Train node's epoch ceiling, so the data-efficiency curve trains its heads as long. */
  keptEpoch?: number;
}

export class ViewSession {
  readonly split: RunSplit;
  readonly parts: ClassifierParts;
  readonly input: ModelInput;
  /** Test-split item per prediction index (prediction.index → source item). */
  readonly testItems: number[];
  private testPixels = new Map<number, Uint8Array>();
  private pooled: { train: Float32Array; trainItems: number[]; test: Float32Array; testItems: number[]; dim: number } | null = null;

  constructor(
    private readonly tf: TF,
    private readonly run: ViewSessionInput,
  ) {
    this.split = splitOfPlan(run.source, run.plan);
    const byName = new Map(this.split.test.map((item) => [run.source.items[item].name, item]));
    this.testItems = run.predictions.map((p) => {
      const item = byName.get(p.id);
      if (item === undefined) {
        throw new Error(`Test image "${p.id}" is not in this dataset's test split any more: re-run to see inside.`);
      }
      return item;
    });
    this.parts = splitClassifier(run.trained.model);
    const { scale, offset } = scalingToAffine(run.trained.inputScaling);
    this.input = { inputSize: run.trained.inputSize, scale, offset };
  }

  get labels(): string[] {
    return this.run.trained.labels;
  }

  get numClasses(): number {
    return this.run.trained.labels.length;
  }

  /** Whether the cut layer is a feature map (Grad-CAM needs one). */
  get hasSpatialCut(): boolean {
    return (this.parts.trunk.outputs[0].shape?.length ?? 0) === 4;
  }

  private async pixelsOfTest(testIndices: number[]): Promise<Array<Uint8Array | null>> {
    const missing = testIndices.filter((t) => !this.testPixels.has(t));
    const loaded = await loadPixels(this.tf, this.run.source, missing.map((t) => this.testItems[t]), this.input.inputSize);
    missing.forEach((t, k) => {
      const p = loaded[k];
      if (p) this.testPixels.set(t, p);
    });
    return testIndices.map((t) => this.testPixels.get(t) ?? null);
  }

  /** Grad-CAM maps for test images (by prediction index), for their predicted or true class. */
  async testHeatmaps(testIndices: number[], which: 'predicted' | 'true'): Promise<Array<Heatmap | null>> {
    const out: Array<Heatmap | null> = [];
    for (let from = 0; from < testIndices.length; from += HEATMAP_BATCH) {
      const chunk = testIndices.slice(from, from + HEATMAP_BATCH);
      const pixels = await this.pixelsOfTest(chunk);
      const okPositions = chunk.map((_, k) => k).filter((k) => pixels[k]);
      const classes = okPositions.map((k) => {
        const p = this.run.predictions[chunk[k]];
        return which === 'true' ? p.trueClass : p.predictedClass;
      });
      const maps = okPositions.length
        ? await this.heatmapsOf(okPositions.map((k) => pixels[k]!), classes)
        : [];
      const byPosition = new Map(okPositions.map((k, j) => [k, maps[j]]));
      chunk.forEach((_, k) => out.push(byPosition.get(k) ?? null));
    }
    return out;
  }

  /** Grad-CAM for any RGB image (Try it); `classIndex` null = the predicted class. */
  async imageHeatmap(image: DecodedImage, classIndex: number | null): Promise<Heatmap> {
    const [h, w] = this.input.inputSize;
    const pixels = await resizeTo(this.tf, image, h, w);
    let cls = classIndex;
    if (cls === null) {
      const probs = this.tf.tidy(() => this.tf.argMax(this.run.trained.model.predict(inputBatch(this.tf, [pixels], this.input)) as tfjs.Tensor, 1));
      cls = (await probs.data())[0];
      probs.dispose();
    }
    return (await this.heatmapsOf([pixels], [cls]))[0];
  }

  private async heatmapsOf(pixels: Uint8Array[], classes: number[]): Promise<Heatmap[]> {
    if (!this.hasSpatialCut) throw new Error('Heatmaps need a cut layer that outputs a feature map (height × width × channels).');
    const { tf } = this;
    const x = inputBatch(tf, pixels, this.input);
    const features = tf.tidy(() => this.parts.trunk.predict(x) as tfjs.Tensor4D);
    x.dispose();
    try {
      const result = await gradCam(tf, features, (a) => headLogits(tf, this.parts, a), classes, this.numClasses);
      return result.maps.map((m, i) => ({
        width: result.width,
        height: result.height,
        values: Array.from(m, (v) => Math.round(v * 1000) / 1000),
        classIndex: classes[i],
      }));
    } finally {
      features.dispose();
    }
  }

  /** Pooled trunk features (the head's input) of the train and test images, computed once. */
  private async pooledFeatures(onProgress?: (done: number, total: number) => void, signal?: AbortSignal) {
    if (this.pooled) return this.pooled;
    const { tf } = this;
    // Inference only: the fused trunk (batch norms folded, activations fused), same features as predict.
    const trunk = buildFusedTrunk(tf, this.parts.trunk);
    const run = async (items: number[], offset: number, total: number) => {
      const chunks: Float32Array[] = [];
      const kept: number[] = [];
      for (let from = 0; from < items.length; from += BATCH) {
        if (signal?.aborted) throw new DOMException('Cancelled.', 'AbortError');
        const batch = items.slice(from, from + BATCH);
        const pixels = await loadPixels(tf, this.run.source, batch, this.input.inputSize);
        const ok = batch.map((_, k) => k).filter((k) => pixels[k]);
        if (ok.length) {
          const x = inputBatch(tf, ok.map((k) => pixels[k]!), this.input);
          const f = tf.tidy(() => poolFeatures(this.parts, trunk.predict(x)));
          x.dispose();
          chunks.push((await f.data()) as Float32Array);
          f.dispose();
          kept.push(...ok.map((k) => batch[k]));
        }
        onProgress?.(offset + Math.min(items.length, from + BATCH), total);
      }
      return { features: concatFloat(chunks), kept };
    };
    const total = this.split.train.length + this.testItems.length;
    let train: Awaited<ReturnType<typeof run>>;
    let test: Awaited<ReturnType<typeof run>>;
    try {
      train = await run(this.split.train, 0, total);
      test = await run(this.testItems, this.split.train.length, total);
    } finally {
      trunk.dispose();
    }
    const dim = train.kept.length ? train.features.length / train.kept.length : 0;
    this.pooled = { train: train.features, trainItems: train.kept, test: test.features, testItems: test.kept, dim };
    return this.pooled;
  }

  async featureMap(method: Projection, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<FeatureMapView> {
    const { tf } = this;
    const pooled = await this.pooledFeatures(onProgress, signal);
    const all = concatFloat([pooled.train, pooled.test]);
    const n = pooled.trainItems.length + pooled.testItems.length;
    const hasHidden = this.parts.hidden.some((l) => l.getClassName() === 'Dense');
    const hiddenTensor = tf.tidy(() => {
      const x = tf.tensor2d(all, [n, pooled.dim]);
      return hasHidden ? lastHidden(this.parts, x) : logitsOf(tf, this.parts.output, lastHidden(this.parts, x));
    });
    const hidden = (await hiddenTensor.data()) as Float32Array;
    const hiddenDim = hiddenTensor.shape[1] ?? 1;
    const predictedTensor = tf.tidy(() => tf.argMax(logitsOf(tf, this.parts.output, lastHidden(this.parts, tf.tensor2d(all, [n, pooled.dim]))), 1));
    const predicted = Array.from(await predictedTensor.data());
    tf.dispose([hiddenTensor, predictedTensor]);
    const testIndexOf = new Map(this.testItems.map((item, t) => [item, t]));
    const items = [
      ...pooled.trainItems.map((item) => ({ split: 'train' as const, item })),
      ...pooled.testItems.map((item) => ({ split: 'test' as const, item })),
    ].map((e, i) => ({
      ...e,
      label: this.run.source.items[e.item].label,
      predicted: predicted[i],
      testIndex: e.split === 'test' ? (testIndexOf.get(e.item) ?? null) : null,
    }));
    const seed = hashSeed(this.run.plan.train.seed, 0xfea7);
    const trunk = project2d(all, n, pooled.dim, method, seed);
    const hiddenPoints = project2d(hidden, n, hiddenDim, method, seed);
    const labels = items.map((i) => i.label);
    return {
      method,
      items,
      trunk,
      hidden: hiddenPoints,
      hiddenWhat: hasHidden ? 'last hidden layer' : 'class scores',
      separation: { trunk: separation(trunk, labels), hidden: separation(hiddenPoints, labels) },
    };
  }

  /** Pooled features of the train + test images through the plan's trunk with pretrained and with random weights. */
  private async trunkFeatures(randomWeights: boolean, signal?: AbortSignal): Promise<{ train: Float32Array; test: Float32Array }> {
    const { tf, run } = this;
    const pooled = await this.pooledFeatures(undefined, signal);
    const frozen = run.plan.classifier.model.freeze.mode === 'all' && run.plan.classifier.model.weights !== 'random';
    if (!randomWeights && frozen) return { train: pooled.train, test: pooled.test };
    const base = await run.loadModel(run.plan.classifier.model.source);
    let disposeFused = () => {};
    try {
      const cutName = this.parts.trunk.outputs[0].sourceLayer?.name ?? this.parts.trunk.layers[this.parts.trunk.layers.length - 1].name;
      const trunk = tf.model({ inputs: base.inputs, outputs: layerOutputIn(base, base.getLayer(cutName)) });
      if (randomWeights) reinitialise(tf, trunk, run.plan.train.seed);
      const fused = buildFusedTrunk(tf, trunk);
      disposeFused = () => fused.dispose();
      const pass = async (items: number[]) => {
        const chunks: Float32Array[] = [];
        for (let from = 0; from < items.length; from += BATCH) {
          if (signal?.aborted) throw new DOMException('Cancelled.', 'AbortError');
          const batch = items.slice(from, from + BATCH);
          const pixels = (await loadPixels(tf, run.source, batch, this.input.inputSize)).filter((p): p is Uint8Array => p !== null);
          const x = inputBatch(tf, pixels, this.input);
          const f = tf.tidy(() => poolFeatures(this.parts, fused.predict(x)));
          x.dispose();
          chunks.push((await f.data()) as Float32Array);
          f.dispose();
        }
        return concatFloat(chunks);
      };
      return { train: await pass(pooled.trainItems), test: await pass(pooled.testItems) };
    } finally {
      disposeFused();
      disposeModelWeights(base);
    }
  }

  /** Pooled train/test features through the pretrained and through a randomly initialised trunk. */
  async curveFeatures(signal?: AbortSignal, onProgress?: (done: number, total: number) => void) {
    const pooled = await this.pooledFeatures(undefined, signal);
    onProgress?.(0, 100);
    const pretrained = await this.trunkFeatures(false, signal);
    onProgress?.(15, 100);
    const random = await this.trunkFeatures(true, signal);
    onProgress?.(30, 100);
    return { pooled, pretrained, random };
  }

  /** The curve from those features: every (size, trunk) head trained at once (see data-efficiency.ts). */
  async curve(features: Awaited<ReturnType<ViewSession['curveFeatures']>>, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<CurvePoint[]> {
    const { pooled, pretrained, random } = features;
    const { head } = this.run.plan.classifier;
    const t = this.run.plan.train;
    return dataEfficiencyCurve(this.tf, {
      pretrained,
      random,
      dim: pooled.dim,
      trainLabels: pooled.trainItems.map((i) => this.run.source.items[i].label),
      testLabels: pooled.testItems.map((i) => this.run.source.items[i].label),
      numClasses: this.numClasses,
      head: { hiddenLayers: head.hiddenLayers, hiddenUnits: head.hiddenUnits, activation: head.activation, dropout: head.dropout, standardize: head.standardize, outputInit: head.outputInit },
      training: { learningRate: t.learningRate, batchSize: t.batchSize, epochs: this.run.keptEpoch || t.epochs, seed: t.seed },
      signal,
      onProgress,
    });
  }

  async dataEfficiency(onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<DataEfficiencyView> {
    const started = Date.now();
    const features = await this.curveFeatures(signal, onProgress);
    const points = await this.curve(features, signal, (done, total) => onProgress?.(30 + Math.round((70 * done) / Math.max(1, total)), 100));
    return { points, testImages: features.pooled.testItems.length, ms: Date.now() - started };
  }

  /** Cached pooled features (for the bench: features are computed once, like the engine's cache). */
  async warm(): Promise<void> {
    await this.pooledFeatures();
  }

  dispose(): void {
    this.testPixels.clear();
    this.pooled = null;
  }
}

/** Random weights for a trunk: the same scheme as the engine's "from scratch" baseline (Glorot kernels, unit
 * gammas/variances, zero biases/means), seeded by the training seed. */
function reinitialise(tf: TF, model: tfjs.LayersModel, seed: number): void {
  model.layers.forEach((layer, layerIndex) => {
    const values = layer.weights.map((weight, weightIndex) => {
      const name = weight.originalName ?? weight.name;
      const shape = weight.shape as number[];
      if (/moving_variance|gamma/.test(name)) return tf.ones(shape);
      if (/kernel|depthwise|pointwise|embeddings/.test(name) && shape.length >= 2) {
        return tf.initializers.glorotUniform({ seed: hashSeed(seed, layerIndex, weightIndex) }).apply(shape);
      }
      return tf.zeros(shape);
    });
    if (values.length > 0) layer.setWeights(values);
    tf.dispose(values);
  });
}
