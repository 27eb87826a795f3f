/**
 * The training engine: runs a compiled Plan on any EngineHost (browser worker or Node) and streams RunEvents.
 *
 * Two paths:
 *  - 'cached': the trunk is fully frozen, so its output never changes. Trunk features are computed once per image
 *    (per augmented view when augmenting) and a small head model is trained on them; trunk + head are then
 *    assembled into one classifier for the caller. Same maths as the full path, a fraction of the work.
 *  - 'full': forward (and backward) passes through the whole network every epoch (fine-tuning).
 *
 * Every tensor and variable the run creates is disposed on every exit (done, error, cancel), except the trained
 * classifier handed to `onTrainedModel`, which the caller owns.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { AugmentPlan, FreezePlan, HeadPlan, Plan, TrainPlan } from '../core/plan';
import type { DecodedImage, EngineHost, ImageSource, RunPlan, RunPlanOptions } from './host';
import {
  RunError,
  type BackendName,
  type EpochLog,
  type Evaluation,
  type NodeRunState,
  type RunEvent,
  type RunResult,
} from './types';
import {
  guessTruncationLayer,
  resolveModelMeta,
  resolveScaling,
  scalingToAffine,
  type ConcreteScaling,
} from '../pretrained-model/catalog';
import { augmentBatch, augmentIsActive, describeAugment } from '../augment-data/augment';
import { splitFingerprint, testPredictions } from './stats/fingerprint';
import { createRng, hashSeed, shuffleInPlace, stratifiedSplit, type Rng } from '../dataset/split';
import { confusionMatrix, lossAndAccuracy, mostConfidentMistakes, perClassMetrics } from './metrics';
import { featureCacheKey, type FeatureRows } from './feature-store';
import { runTune } from './tune';

type TF = typeof tfjs;
type Tensor = tfjs.Tensor;
type LayersModel = tfjs.LayersModel;
type Layer = tfjs.layers.Layer;
type SymbolicTensor = tfjs.SymbolicTensor;

/** Images per forward pass when computing features / predictions. */
const INFERENCE_BATCH = 16;
const DEFAULT_PIXEL_CACHE_BYTES = 256 * 1024 * 1024;
/** Minimum gap between 'batch'/'progress' events, so a fast head does not flood the UI. */
const EVENT_INTERVAL_MS = 100;

// ---------------------------------------------------------------------------------------------------------------
// Small utilities

function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /out of memory|\bOOM\b|failed to allocate|allocation failed|array buffer allocation|cannot allocate|memory access out of bounds|exceeds the maximum|Invalid typed array length|CONTEXT_LOST/i.test(
    message,
  );
}

function uniqueNodeIds(plan: Plan): string[] {
  const ids = Object.values(plan.nodeIds).filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(ids)];
}

/** Dispose every weight of every layer reachable from `roots` (recursing into nested models), once each. Layer
 * ref-counting cannot be trusted when one layer lives in several models (loaded model, truncated trunk, assembled
 * classifier), so variables are disposed directly. */
function disposeLayerWeights(roots: Iterable<Layer>, keep: Set<Layer> = new Set()): void {
  const seen = new Set<Layer>();
  const visit = (layer: Layer) => {
    if (seen.has(layer) || keep.has(layer)) return;
    seen.add(layer);
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(nested)) nested.forEach(visit);
    for (const weight of layer.weights) {
      try {
        const value = weight.read();
        if (!value.isDisposed) value.dispose();
      } catch {
        // Already disposed through another owner.
      }
    }
  };
  for (const layer of roots) visit(layer);
}

/** Make a layer behave as in inference (BatchNormalization uses its moving statistics and does not update them,
 * Dropout is off) whatever mode the model is called in. This is what "frozen" means for BN in Keras. */
function forceInferenceMode(layer: Layer): void {
  const original = layer.call.bind(layer);
  layer.call = (inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) =>
    original(inputs, { ...(kwargs ?? {}), training: false });
}

// ---------------------------------------------------------------------------------------------------------------
// Pixels: lazily decoded, resized to the model input, cached up to a byte budget.

class PixelStore {
  private cache = new Map<number, Uint8Array>();
  private cachedBytes = 0;
  readonly failed = new Map<number, string>();

  constructor(
    private readonly tf: TF,
    private readonly source: ImageSource,
    readonly height: number,
    readonly width: number,
    private readonly budgetBytes: number,
  ) {}

  private async pixelsOf(index: number): Promise<Uint8Array | null> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    if (this.failed.has(index)) return null;
    let image: DecodedImage;
    try {
      image = await this.source.load(index, Math.max(this.height, this.width));
    } catch (error) {
      this.failed.set(index, error instanceof Error ? error.message : String(error));
      return null;
    }
    const pixels = await this.resize(image);
    const bytes = pixels.byteLength;
    if (this.cachedBytes + bytes <= this.budgetBytes) {
      this.cache.set(index, pixels);
      this.cachedBytes += bytes;
    }
    return pixels;
  }

  // Async read-back: on WebGPU in a worker, dataSync() goes through OffscreenCanvas WebGPU contexts and kills the
  // GPU instance with software adapters ("A valid external Instance reference no longer exists").
  private async resize(image: DecodedImage): Promise<Uint8Array> {
    const { tf, height, width } = this;
    if (image.width === width && image.height === height) return image.data;
    const resized = tf.tidy(() => {
      const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      // Stretch to the model size: keeps the whole object in view (Keras' image_dataset_from_directory default).
      return tf.image.resizeBilinear(input, [height, width], false, true);
    });
    const values = await resized.data();
    resized.dispose();
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i]; // Uint8Array assignment rounds-to-zero + clamps
    return out;
  }

  /** Bytes `count` resized images take. */
  bytesFor(count: number): number {
    return count * this.height * this.width * 3;
  }

  /** Decode + resize items into the cache ahead of training (only call when they fit the budget). */
  async preload(indices: number[], onProgress: (done: number) => void, checkCancelled: () => void): Promise<void> {
    const chunk = 16;
    for (let from = 0; from < indices.length; from += chunk) {
      checkCancelled();
      await Promise.all(indices.slice(from, from + chunk).map((i) => this.pixelsOf(i)));
      onProgress(Math.min(indices.length, from + chunk));
    }
  }

  clear(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }

  /** [n, H, W, 3] float32 in 0..255 for the items that could be decoded, plus which ones those were. */
  async batch(indices: number[]): Promise<{ pixels: tfjs.Tensor4D | null; kept: number[] }> {
    const loaded = await Promise.all(indices.map((i) => this.pixelsOf(i)));
    const kept: number[] = [];
    const chunks: Uint8Array[] = [];
    loaded.forEach((pixels, k) => {
      if (pixels) {
        kept.push(indices[k]);
        chunks.push(pixels);
      }
    });
    if (kept.length === 0) return { pixels: null, kept };
    const frame = this.height * this.width * 3;
    const all = new Float32Array(kept.length * frame);
    chunks.forEach((chunk, k) => all.set(chunk, k * frame));
    return { pixels: this.tf.tensor4d(all, [kept.length, this.height, this.width, 3]), kept };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Run state: events, node states, cancellation, resources.

class RunContext {
  private nodeStates = new Map<string, NodeRunState>();
  private lastThrottled = new Map<string, number>();
  readonly models: LayersModel[] = [];
  readonly looseLayers: Layer[] = [];
  readonly optimizers: tfjs.Optimizer[] = [];
  readonly tensors: Tensor[] = [];

  constructor(
    readonly tf: TF,
    readonly plan: Plan,
    private readonly options: RunPlanOptions,
  ) {}

  emit(event: RunEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // A broken listener must not break training.
    }
  }

  /** Emit at most every EVENT_INTERVAL_MS per key unless `force`. */
  emitThrottled(key: string, event: RunEvent, force = false): void {
    const now = Date.now();
    if (!force && now - (this.lastThrottled.get(key) ?? 0) < EVENT_INTERVAL_MS) return;
    this.lastThrottled.set(key, now);
    this.emit(event);
  }

  setNode(nodeId: string | undefined, state: NodeRunState, message?: string, progress?: number): void {
    if (!nodeId) return;
    this.nodeStates.set(nodeId, state);
    this.emit({ type: 'node', nodeId, state, message, progress });
  }

  initNodes(): void {
    for (const id of uniqueNodeIds(this.plan)) this.setNode(id, 'waiting');
  }

  /** Close every node still waiting/running with `state`. */
  finishNodes(state: NodeRunState): void {
    for (const [id, current] of this.nodeStates) {
      if (current === 'waiting' || current === 'running') this.setNode(id, state);
    }
  }

  checkCancelled(): void {
    if (this.options.signal?.aborted) throw new RunError('Run cancelled.', 'cancelled', null);
  }

  status(message: string): void {
    this.emit({ type: 'status', message });
  }

  disposeAll(): void {
    for (const optimizer of this.optimizers) {
      try {
        optimizer.dispose();
      } catch {
        /* already disposed */
      }
    }
    disposeLayerWeights([...this.models, ...this.looseLayers]);
    for (const tensor of this.tensors) if (!tensor.isDisposed) tensor.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dataset

interface PreparedData {
  source: ImageSource;
  labels: string[];
  /** Item indices (into source.items) per split. */
  train: number[];
  validation: number[];
  test: number[];
}

async function prepareData(ctx: RunContext, host: EngineHost): Promise<PreparedData> {
  const { plan } = ctx;
  const datasetNode = plan.nodeIds.dataset;
  ctx.setNode(datasetNode, 'running', 'Opening images');
  let source: ImageSource;
  try {
    source = await host.openDataset(plan.dataset.datasetId);
  } catch (error) {
    if (error instanceof RunError) throw new RunError(error.message, error.kind, error.nodeId ?? datasetNode ?? null);
    throw new RunError(
      `Could not open dataset "${plan.dataset.datasetId}": ${error instanceof Error ? error.message : String(error)}`,
      'dataset',
      datasetNode,
    );
  }
  ctx.checkCancelled();

  // Subsample each class (seeded) when maxImagesPerClass is set.
  const byClass = new Map<number, number[]>();
  source.items.forEach((item, index) => {
    const list = byClass.get(item.label);
    if (list) list.push(index);
    else byClass.set(item.label, [index]);
  });
  const usable: number[] = [];
  const max = plan.dataset.maxImagesPerClass;
  for (const [label, indices] of byClass) {
    const chosen =
      max > 0 && indices.length > max
        ? shuffleInPlace(indices.slice(), createRng(hashSeed(plan.dataset.splitSeed, label, 0x5ab)))
            .slice(0, max)
            .sort((a, b) => a - b)
        : indices;
    usable.push(...chosen);
  }
  usable.sort((a, b) => a - b);

  const classesWithImages = [...byClass.keys()].filter((label) => (byClass.get(label)?.length ?? 0) > 0);
  if (classesWithImages.length < 2) {
    const found = classesWithImages.map((l) => `"${source.labels[l]}"`).join(', ') || 'none';
    throw new RunError(
      `A classifier needs at least 2 classes (one sub-folder per class) with images; this dataset has ` +
        `${classesWithImages.length} (${found}). Add another class of images.`,
      'too-few-classes',
      datasetNode,
    );
  }

  const labelsOfUsable = usable.map((i) => source.items[i].label);
  let split;
  try {
    split = stratifiedSplit(labelsOfUsable, {
      testSplit: plan.dataset.testSplit,
      validationSplit: plan.train.validationSplit,
      seed: plan.dataset.splitSeed,
    });
  } catch (error) {
    throw new RunError(
      `Could not split the dataset: ${error instanceof Error ? error.message : String(error)}`,
      'dataset',
      datasetNode,
    );
  }
  const data: PreparedData = {
    source,
    labels: source.labels,
    train: split.train.map((k) => usable[k]),
    validation: split.validation.map((k) => usable[k]),
    test: split.test.map((k) => usable[k]),
  };
  if (data.train.length === 0) {
    throw new RunError('No images left for training after the test/validation split.', 'dataset', datasetNode);
  }
  const skippedNote = source.skipped.length ? `, ${source.skipped.length} files skipped` : '';
  ctx.setNode(
    datasetNode,
    'done',
    `${usable.length} images in ${source.labels.length} classes: ${data.train.length} train / ` +
      `${data.validation.length} validation / ${data.test.length} test${skippedNote}`,
  );
  return data;
}

// ---------------------------------------------------------------------------------------------------------------
// Model: load, truncate, freeze, head

interface PreparedTrunk {
  base: LayersModel;
  trunk: LayersModel;
  truncateAt: string;
  inputSize: [number, number];
  scaling: ConcreteScaling;
  /** Feature shape after the trunk (without batch). */
  featureShape: number[];
  fullyFrozen: boolean;
  trainsConvLayers: boolean;
  frozenCount: number;
  layerCount: number;
}

function layersWithoutInput(model: LayersModel): Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
}

function listLayerNames(names: string[]): string {
  const shown = names.length > 40 ? [...names.slice(0, 10), '…', ...names.slice(-25)] : names;
  return shown.join(', ');
}

function reinitialiseWeights(tf: TF, layers: Layer[], seed: number): void {
  layers.forEach((layer, layerIndex) => {
    const values = layer.weights.map((weight, weightIndex) => {
      const name = weight.originalName ?? weight.name;
      const shape = weight.shape as number[];
      const s = hashSeed(seed, layerIndex, weightIndex);
      if (/moving_variance|gamma/.test(name)) return tf.ones(shape);
      if (/kernel|depthwise|pointwise|embeddings/.test(name) && shape.length >= 2) {
        return tf.initializers.glorotUniform({ seed: s }).apply(shape);
      }
      return tf.zeros(shape);
    });
    if (values.length > 0) layer.setWeights(values);
    tf.dispose(values);
  });
}

async function prepareTrunk(ctx: RunContext, host: EngineHost, randomTrunk: boolean): Promise<PreparedTrunk> {
  const { tf, plan } = ctx;
  const modelValue = plan.classifier.model;
  const modelNode = plan.nodeIds.model;
  ctx.setNode(modelNode, 'running', 'Loading model');
  ctx.emit({ type: 'progress', phase: 'loading', done: 0, total: 1, etaMs: null });

  let base: LayersModel;
  try {
    base = await host.loadModel(modelValue.source);
  } catch (error) {
    if (error instanceof RunError) throw new RunError(error.message, error.kind, error.nodeId ?? modelNode);
    throw new RunError(
      `Could not load the model: ${error instanceof Error ? error.message : String(error)}`,
      'model-unreachable',
      modelNode,
    );
  }
  ctx.models.push(base);
  ctx.checkCancelled();
  if (!base || !Array.isArray((base as { layers?: unknown }).layers) || typeof base.predict !== 'function') {
    throw new RunError('The file loaded is not a Keras-style TensorFlow.js LayersModel.', 'model-invalid', modelNode);
  }

  const folderMeta = host.modelMeta ? await host.modelMeta(modelValue.source).catch(() => null) : null;
  const meta = resolveModelMeta(modelValue.source, folderMeta);

  // Input shape.
  const inputShape = base.inputs[0]?.shape ?? [];
  if (base.inputs.length !== 1 || inputShape.length !== 4) {
    throw new RunError(
      `The model must take one image input [batch, height, width, channels]; it takes ` +
        `${base.inputs.map((i) => JSON.stringify(i.shape)).join(', ')}.`,
      'input-shape',
      modelNode,
    );
  }
  if (inputShape[3] !== 3) {
    throw new RunError(
      `The model expects ${inputShape[3]}-channel images; Graft feeds RGB (3 channels).`,
      'input-shape',
      modelNode,
    );
  }
  const inputSize: [number, number] = [
    inputShape[1] ?? meta.inputSize?.[0] ?? 224,
    inputShape[2] ?? meta.inputSize?.[1] ?? 224,
  ];

  // Truncation.
  const allNames = layersWithoutInput(base).map((l) => l.name);
  const truncateAt = modelValue.truncateAt || meta.defaultTruncation || guessTruncationLayer(base);
  let cutLayer: Layer;
  try {
    cutLayer = base.getLayer(truncateAt);
  } catch {
    throw new RunError(
      `The model has no layer named "${truncateAt}". Valid layers: ${listLayerNames(allNames)}.`,
      'model-invalid',
      modelNode,
    );
  }
  const trunk = tf.model({ inputs: base.inputs, outputs: cutLayer.output as SymbolicTensor, name: 'trunk' });
  ctx.models.push(trunk);
  const featureShape = (trunk.outputs[0].shape.slice(1) as Array<number | null>).map((d) => d ?? 0);
  if (featureShape.some((d) => d <= 0) || (featureShape.length !== 1 && featureShape.length !== 3)) {
    throw new RunError(
      `Layer "${truncateAt}" outputs shape ${JSON.stringify(trunk.outputs[0].shape)}; Graft needs a feature map ` +
        `[h, w, channels] or a vector. Pick a different truncation layer.`,
      'input-shape',
      modelNode,
    );
  }
  const scaling = resolveScaling(modelValue.inputScaling, meta);
  const trunkLayers = layersWithoutInput(trunk);
  if (randomTrunk || modelValue.weights === 'random') {
    reinitialiseWeights(tf, trunkLayers, plan.train.seed);
  }
  ctx.setNode(
    modelNode,
    'done',
    `${meta.displayName}: cut at ${truncateAt} → ${JSON.stringify(featureShape)}, input ${inputSize[0]}×${inputSize[1]}`,
  );

  // Freezing.
  const freezeNode = plan.nodeIds.freeze;
  ctx.setNode(freezeNode, 'running');
  const frozenCount = frozenLayerCount(modelValue.freeze, trunkLayers, freezeNode);
  let trainsConvLayers = false;
  trunkLayers.forEach((layer, i) => {
    if (i < frozenCount) {
      layer.trainable = false;
      forceInferenceMode(layer);
    } else {
      layer.trainable = true;
      if (layer.trainableWeights.length > 0) trainsConvLayers = true;
    }
  });
  const fullyFrozen = !trainsConvLayers;
  ctx.setNode(
    freezeNode,
    'done',
    fullyFrozen
      ? `All ${trunkLayers.length} trunk layers frozen`
      : `${frozenCount} of ${trunkLayers.length} trunk layers frozen`,
  );
  return {
    base,
    trunk,
    truncateAt,
    inputSize,
    scaling,
    featureShape,
    fullyFrozen,
    trainsConvLayers,
    frozenCount,
    layerCount: trunkLayers.length,
  };
}

function frozenLayerCount(freeze: FreezePlan, layers: Layer[], freezeNode: string | undefined): number {
  switch (freeze.mode) {
    case 'none':
      return 0;
    case 'all':
      return layers.length;
    case 'firstN':
      return Math.max(0, Math.min(layers.length, Math.floor(freeze.count)));
    case 'upTo': {
      const index = layers.findIndex((l) => l.name === freeze.layer);
      if (index < 0) {
        throw new RunError(
          `Freeze Layers: the trunk has no layer named "${freeze.layer}". Valid layers: ` +
            `${listLayerNames(layers.map((l) => l.name))}.`,
          'model-invalid',
          freezeNode ?? null,
        );
      }
      return index + 1;
    }
  }
}

interface Head {
  /** Parameter-free reduction of the trunk's feature map to a vector (null when the trunk gives a vector). */
  pooling: Layer | null;
  /** Trainable layers from the feature vector to the softmax. */
  layers: Layer[];
  featureDim: number;
}

function buildHead(tf: TF, head: HeadPlan, featureShape: number[], numClasses: number, seed: number): Head {
  let pooling: Layer | null = null;
  let featureDim = featureShape[0];
  if (featureShape.length === 3) {
    const [h, w, c] = featureShape;
    if (head.pooling === 'gap') pooling = tf.layers.globalAveragePooling2d({ name: 'head_pool' });
    else if (head.pooling === 'gmp') pooling = tf.layers.globalMaxPooling2d({ name: 'head_pool' });
    else pooling = tf.layers.flatten({ name: 'head_flatten' });
    featureDim = head.pooling === 'flatten' ? h * w * c : c;
  }
  const layers: Layer[] = [];
  for (let i = 0; i < head.hiddenLayers; i++) {
    layers.push(
      tf.layers.dense({
        units: head.hiddenUnits,
        activation: head.activation,
        kernelInitializer:
          head.activation === 'relu' || head.activation === 'elu'
            ? tf.initializers.heNormal({ seed: hashSeed(seed, 0xd1, i) })
            : tf.initializers.glorotUniform({ seed: hashSeed(seed, 0xd1, i) }),
        name: `head_dense_${i + 1}`,
      }),
    );
    if (head.dropout > 0) layers.push(tf.layers.dropout({ rate: head.dropout, name: `head_dropout_${i + 1}` }));
  }
  if (head.hiddenLayers === 0 && head.dropout > 0) {
    layers.push(tf.layers.dropout({ rate: head.dropout, name: 'head_dropout' }));
  }
  layers.push(
    tf.layers.dense({
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: hashSeed(seed, 0x0c, 0) }),
      name: 'head_output',
    }),
  );
  return { pooling, layers, featureDim };
}

function applyLayers(input: SymbolicTensor, layers: Layer[]): SymbolicTensor {
  let x = input;
  for (const layer of layers) x = layer.apply(x) as SymbolicTensor;
  return x;
}

function makeOptimizer(tf: TF, train: TrainPlan): tfjs.Optimizer {
  switch (train.optimizer) {
    case 'sgd':
      return train.momentum > 0 ? tf.train.momentum(train.learningRate, train.momentum) : tf.train.sgd(train.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(train.learningRate, 0.9, train.momentum);
    case 'adam':
    default:
      return tf.train.adam(train.learningRate);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Training loop shared by both paths

interface Batch {
  x: Tensor;
  y: Tensor;
}

interface LoopSpec {
  model: LayersModel;
  /** Items (positions 0..count-1) trained per epoch. */
  count: number;
  makeBatch(epoch: number, positions: number[]): Promise<Batch | null>;
  validate(): Promise<{ loss: number; accuracy: number } | null>;
  /** Images per 'training' progress unit, for images/s. */
  onEpochStart?(epoch: number): void;
}

interface LoopResult {
  epochs: EpochLog[];
  stoppedEarly: boolean;
  bestEpoch: number;
}

async function trainLoop(ctx: RunContext, spec: LoopSpec, startedAt: number, imagesBefore: { value: number }): Promise<LoopResult> {
  const { tf, plan } = ctx;
  const train = plan.train;
  const trainNode = plan.nodeIds.train;
  const batchSize = Math.max(1, Math.floor(train.batchSize));
  const batchesPerEpoch = Math.ceil(spec.count / batchSize);
  const totalBatches = batchesPerEpoch * train.epochs;
  const epochs: EpochLog[] = [];
  const monitorValidation = plan.train.validationSplit > 0;
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Tensor[] | null = null;
  let sinceBest = 0;
  let stoppedEarly = false;
  let batchesDone = 0;
  const loopStart = Date.now();

  try {
    let pinnedBatches = 0; // consecutive batches with the loss pinned at the clipping ceiling
    for (let epoch = 1; epoch <= train.epochs; epoch++) {
      const epochStart = Date.now();
      spec.onEpochStart?.(epoch);
      const order = shuffleInPlace(
        Array.from({ length: spec.count }, (_, i) => i),
        createRng(hashSeed(train.seed, epoch, 0xe9)),
      );
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        ctx.checkCancelled();
        const positions = order.slice(b * batchSize, (b + 1) * batchSize);
        const batch = await spec.makeBatch(epoch, positions);
        if (!batch) continue;
        let loss: number;
        let accuracy: number;
        const n = batch.x.shape[0];
        try {
          const out = (await spec.model.trainOnBatch(batch.x, batch.y)) as number[];
          loss = out[0];
          accuracy = out[1];
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        // tfjs clips probabilities at 1e-7, so a diverged softmax classifier shows a loss pinned near
        // -log(1e-7) ≈ 16.1 rather than NaN; treat both as divergence. A single spike can recover, so only a
        // loss pinned there for several batches in a row counts.
        pinnedBatches = loss > DIVERGED_LOSS ? pinnedBatches + 1 : 0;
        if (!Number.isFinite(loss) || pinnedBatches >= PINNED_BATCHES_TO_DIVERGE) {
          throw divergedError(train, epoch, b + 1, loss, trainNode);
        }
        lossSum += loss * n;
        accSum += accuracy * n;
        seen += n;
        batchesDone += 1;
        imagesBefore.value += n;
        const elapsed = Date.now() - loopStart;
        const etaMs = (elapsed / batchesDone) * (totalBatches - batchesDone);
        const imagesPerSecond = imagesBefore.value / Math.max(1e-3, (Date.now() - startedAt) / 1000);
        const last = b === batchesPerEpoch - 1;
        ctx.emitThrottled('batch', { type: 'batch', epoch, batch: b + 1, batchesPerEpoch, loss }, last);
        ctx.emitThrottled(
          'train-progress',
          { type: 'progress', phase: 'training', done: batchesDone, total: totalBatches, etaMs, imagesPerSecond },
          last,
        );
      }
      if (await hasNonFiniteWeights(tf, spec.model)) throw divergedError(train, epoch, batchesPerEpoch, NaN, trainNode);
      const validation = await spec.validate();
      const log: EpochLog = {
        epoch,
        loss: seen ? lossSum / seen : NaN,
        accuracy: seen ? accSum / seen : NaN,
        valLoss: validation ? validation.loss : null,
        valAccuracy: validation ? validation.accuracy : null,
        ms: Date.now() - epochStart,
      };
      epochs.push(log);
      ctx.emit({ type: 'epoch', log, totalEpochs: train.epochs });
      ctx.setNode(trainNode, 'running', `Epoch ${epoch}/${train.epochs}`, epoch / train.epochs);

      if (train.earlyStoppingPatience > 0) {
        const monitored = monitorValidation && log.valLoss !== null ? log.valLoss : log.loss;
        if (monitored < best - 1e-4) {
          best = monitored;
          bestEpoch = epoch;
          sinceBest = 0;
          if (bestWeights) tf.dispose(bestWeights);
          bestWeights = spec.model.getWeights().map((w) => w.clone());
        } else {
          sinceBest += 1;
          if (sinceBest >= train.earlyStoppingPatience) {
            stoppedEarly = true;
            ctx.status(
              `Early stopping: no improvement for ${train.earlyStoppingPatience} epochs; keeping epoch ${bestEpoch}.`,
            );
            break;
          }
        }
      } else {
        bestEpoch = epoch;
      }
    }
    if (bestWeights && stoppedEarly) spec.model.setWeights(bestWeights);
  } finally {
    if (bestWeights) tf.dispose(bestWeights);
  }
  return { epochs, stoppedEarly, bestEpoch };
}

/** Mean cross-entropy above this means (nearly) every example is predicted with p ≤ 1e-6 for its true class. */
const DIVERGED_LOSS = 0.85 * -Math.log(1e-7);
const PINNED_BATCHES_TO_DIVERGE = 3;

function divergedError(train: TrainPlan, epoch: number, batch: number, loss: number, trainNode: string): RunError {
  const what = Number.isNaN(loss) ? 'the loss and weights became NaN' : Number.isFinite(loss) ? `the loss exploded to ${loss.toFixed(1)}` : `the loss became ${loss}`;
  return new RunError(
    `Training diverged: ${what} in epoch ${epoch} (batch ${batch}). The learning rate (${train.learningRate}) is ` +
      `probably too high — try ${formatRate(train.learningRate / 10)} or lower.`,
    'nan-loss',
    trainNode,
  );
}

async function hasNonFiniteWeights(tf: TF, model: LayersModel): Promise<boolean> {
  const flags = tf.tidy(() =>
    tf.stack(model.trainableWeights.map((w) => tf.all(tf.isFinite(w.read())))).all(),
  );
  const ok = (await flags.data())[0] === 1;
  flags.dispose();
  return !ok;
}

function formatRate(rate: number): string {
  return rate >= 0.001 ? String(Number(rate.toPrecision(2))) : rate.toExponential(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Prediction helpers

async function predictInBatches(
  ctx: RunContext,
  model: LayersModel,
  count: number,
  makeInput: (from: number, to: number) => Promise<Tensor | null>,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let from = 0; from < count; from += INFERENCE_BATCH) {
    ctx.checkCancelled();
    const input = await makeInput(from, Math.min(count, from + INFERENCE_BATCH));
    if (!input) continue;
    const probs = ctx.tf.tidy(() => model.predict(input) as Tensor);
    input.dispose();
    out.push((await probs.data()) as Float32Array);
    probs.dispose();
  }
  return out;
}

function concatFloat(chunks: Float32Array[]): Float32Array {
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function oneHot(tf: TF, labels: number[], numClasses: number): Tensor {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat());
}

// ---------------------------------------------------------------------------------------------------------------
// The run

/** Run a plan: a hyperparameter search (nodes/engine/tune.ts) when the plan has tuning, else one training run. */
export const runPlan: RunPlan = (plan, host, options) =>
  plan.tune ? runTune(plan, host, options, runSinglePlan) : runSinglePlan(plan, host, options);

/** One training run (a tuning plan's trials each go through this). */
export const runSinglePlan: RunPlan = async (plan, host, options) => {
  const tf = host.tf;
  const ctx = new RunContext(tf, plan, options);
  const startedAt = Date.now();
  ctx.initNodes();
  try {
    const result = await runInner(ctx, host, options, startedAt);
    ctx.finishNodes('done');
    ctx.emit({ type: 'done', result });
    return result;
  } catch (raw) {
    const error = toRunError(raw, plan);
    if (error.kind === 'cancelled') {
      ctx.finishNodes('cancelled');
    } else {
      if (error.nodeId) ctx.setNode(error.nodeId, 'error', error.message);
      ctx.finishNodes('cancelled');
    }
    ctx.emit({ type: 'error', nodeId: error.nodeId, message: error.message, kind: error.kind });
    throw error;
  } finally {
    ctx.disposeAll();
  }
};

function toRunError(raw: unknown, plan: Plan): RunError {
  if (raw instanceof RunError) return raw;
  if (isOutOfMemory(raw)) {
    return new RunError(
      'Ran out of memory. Try a smaller batch size, fewer images per class, a smaller model, or pooling ' +
        "('gap') instead of 'flatten' in the head.",
      'out-of-memory',
      plan.nodeIds.train,
    );
  }
  const message = raw instanceof Error ? raw.message : String(raw);
  return new RunError(`Internal error: ${message}`, 'internal', null);
}

async function runInner(
  ctx: RunContext,
  host: EngineHost,
  options: RunPlanOptions,
  startedAt: number,
): Promise<RunResult> {
  const { tf, plan } = ctx;
  const trainPlan = plan.train;
  const data = await prepareData(ctx, host);
  ctx.checkCancelled();
  const trunk = await prepareTrunk(ctx, host, options.randomTrunk === true);
  ctx.checkCancelled();
  const numClasses = data.labels.length;

  // Backends.
  const selection = await host.selectBackends(plan, { trainsConvLayers: trunk.trainsConvLayers });
  ctx.emit({
    type: 'backend',
    backend: selection.train,
    featureBackend: selection.features,
    reason: selection.reason,
    adapter: selection.adapter,
  });

  // Head.
  const headNode = plan.nodeIds.head;
  ctx.setNode(headNode, 'running');
  const head = buildHead(tf, plan.classifier.head, trunk.featureShape, numClasses, trainPlan.seed);
  ctx.looseLayers.push(...head.layers);
  if (head.pooling) ctx.looseLayers.push(head.pooling);
  ctx.setNode(
    headNode,
    'done',
    `${head.pooling ? plan.classifier.head.pooling.toUpperCase() + ' → ' : ''}${head.featureDim} features → ` +
      `${plan.classifier.head.hiddenLayers > 0 ? `${plan.classifier.head.hiddenLayers}×${plan.classifier.head.hiddenUnits} ${plan.classifier.head.activation} → ` : ''}` +
      `softmax(${numClasses})`,
  );

  // Path.
  const augment: AugmentPlan | null = augmentIsActive(plan.dataset.augment) ? plan.dataset.augment : null;
  let path: 'cached' | 'full';
  let pathReason: string;
  if (options.forcePath === 'full') {
    path = 'full';
    pathReason = 'Full forward passes every epoch (forced).';
  } else if (!trunk.fullyFrozen) {
    path = 'full';
    pathReason =
      `${trunk.layerCount - trunk.frozenCount} of ${trunk.layerCount} trunk layers are trainable (fine-tuning), so ` +
      'every epoch runs full forward and backward passes.';
    if (options.forcePath === 'cached') throw new RunError('The cached path needs a fully frozen trunk.', 'internal');
  } else if (trainPlan.featureCache === 'off' && options.forcePath !== 'cached') {
    path = 'full';
    pathReason = 'Feature cache turned off in the Train node: full forward passes every epoch.';
  } else {
    path = 'cached';
    pathReason = 'Trunk fully frozen: its features were computed once per image and only the head was trained on them.';
  }

  const [height, width] = trunk.inputSize;
  const pixels = new PixelStore(tf, data.source, height, width, options.pixelCacheBytes ?? DEFAULT_PIXEL_CACHE_BYTES);
  const { scale, offset } = scalingToAffine(trunk.scaling);
  const scalePixels = (x: Tensor) => tf.tidy(() => tf.add(tf.mul(x, scale), offset));
  const augmentSeedRng: Rng = createRng(hashSeed(plan.dataset.augment?.seed ?? 0, trainPlan.seed, 0xa6));

  // Decode every image once up front when they fit the pixel budget: both paths then start from the same
  // in-memory pixels, and trainMs measures training rather than JPEG decoding (reported as the 'loading' phase).
  const everyImage = [...data.train, ...data.validation, ...(options.skipEvaluation ? [] : data.test)];
  const loadStart = Date.now();
  // Hyperparameter trials share trunk features through options.featureStore (keyed by what shapes them). Looked up
  // once here: a trial that reuses stored features has nothing to decode.
  const store = path === 'cached' ? options.featureStore : undefined;
  const storeKey = store
    ? featureCacheKey(plan, { randomTrunk: options.randomTrunk, featureBackend: selection.features ?? selection.train })
    : null;
  const stored = storeKey ? store!.get(storeKey) : undefined;
  const featuresAlreadyStored = stored !== undefined;
  if (
    !featuresAlreadyStored &&
    pixels.bytesFor(everyImage.length) <= (options.pixelCacheBytes ?? DEFAULT_PIXEL_CACHE_BYTES)
  ) {
    await pixels.preload(
      everyImage,
      (done) => {
        const elapsed = Date.now() - loadStart;
        ctx.emitThrottled(
          'loading',
          {
            type: 'progress',
            phase: 'loading',
            done,
            total: everyImage.length,
            etaMs: (elapsed / done) * (everyImage.length - done),
            imagesPerSecond: done / Math.max(1e-3, elapsed / 1000),
          },
          done === everyImage.length,
        );
      },
      () => ctx.checkCancelled(),
    );
  }
  const loadMs = Date.now() - loadStart;

  const optimizer = makeOptimizer(tf, trainPlan);
  ctx.optimizers.push(optimizer);
  const trainNode = plan.nodeIds.train;
  const imagesTrained = { value: 0 };
  let featureBackend: BackendName | null = null;
  let loop: LoopResult;
  let testProbabilities: Float32Array;
  let testKept: number[];
  let finalModel: LayersModel;
  const trainStart = Date.now();

  if (path === 'cached') {
    // ---- Feature cache ----
    const featuresOn = selection.features ?? selection.train;
    featureBackend = selection.features;
    await host.useBackend(featuresOn);
    const views = augment ? Math.max(1, Math.floor(augment.cachedViews || 1)) : 1;
    if (augment) {
      pathReason +=
        ` Augmentation (${describeAugment(augment)}) is baked into ${views} cached random view${views > 1 ? 's' : ''}` +
        ` per training image; each epoch trains on one of them per image.`;
    }
    const augmentNode = plan.nodeIds.augment;
    if (augmentNode) ctx.setNode(augmentNode, 'running', augment ? `Caching ${views} views per image` : undefined);
    ctx.setNode(trainNode, 'running', 'Computing features');

    const totalImages =
      data.train.length * views + data.validation.length + (options.skipEvaluation ? 0 : data.test.length);
    let doneImages = 0;
    const featureStart = Date.now();
    const featureDim = head.featureDim;
    const extract = async (
      indices: number[],
      augmentView: boolean,
    ): Promise<{ features: Float32Array; kept: number[] }> => {
      const chunks: Float32Array[] = [];
      const kept: number[] = [];
      for (let from = 0; from < indices.length; from += INFERENCE_BATCH) {
        ctx.checkCancelled();
        const batch = await pixels.batch(indices.slice(from, from + INFERENCE_BATCH));
        if (batch.pixels) {
          const raw = batch.pixels;
          const features = tf.tidy(() => {
            const x = augmentView && augment ? augmentBatch(tf, raw as tfjs.Tensor4D, augment, augmentSeedRng) : raw;
            const f = trunk.trunk.predict(scalePixels(x)) as Tensor;
            return head.pooling ? (head.pooling.apply(f) as Tensor) : f;
          });
          raw.dispose();
          chunks.push((await features.data()) as Float32Array);
          features.dispose();
          kept.push(...batch.kept);
        }
        doneImages += Math.min(INFERENCE_BATCH, indices.length - from);
        const elapsed = Date.now() - featureStart;
        ctx.emitThrottled(
          'features',
          {
            type: 'progress',
            phase: 'features',
            done: doneImages,
            total: totalImages,
            etaMs: (elapsed / doneImages) * (totalImages - doneImages),
            imagesPerSecond: doneImages / Math.max(1e-3, elapsed / 1000),
          },
          doneImages === totalImages,
        );
      }
      return { features: concatFloat(chunks), kept };
    };

    const reuse = stored && stored.featureDim === featureDim ? stored : undefined;
    if (reuse) ctx.status('Reusing the trunk features computed by an earlier trial.');
    const trainViews: FeatureRows[] = reuse ? reuse.trainViews : [];
    if (!reuse) for (let v = 0; v < views; v++) trainViews.push(await extract(data.train, augment !== null));
    const validation = reuse ? reuse.validation : await extract(data.validation, false);
    const test = options.skipEvaluation
      ? { features: new Float32Array(0), kept: [] }
      : (reuse?.test ?? (await extract(data.test, false)));
    if (storeKey && (!reuse || (!reuse.test && !options.skipEvaluation))) {
      store!.set(storeKey, { featureDim, trainViews, validation, test: options.skipEvaluation ? null : test, featureBackend });
    }
    if (augmentNode) ctx.setNode(augmentNode, 'done');
    pixels.clear(); // features are all the head needs from here on

    // Row lookup: the same images decode in every view (failures are deterministic), so view rows align.
    const trainKept = trainViews[0].kept;
    const trainLabels = trainKept.map((i) => data.source.items[i].label);
    const valLabels = validation.kept.map((i) => data.source.items[i].label);

    await host.useBackend(selection.train);
    const headInput = tf.input({ shape: [featureDim] });
    const headModel = tf.model({ inputs: headInput, outputs: applyLayers(headInput, head.layers), name: 'head' });
    ctx.models.push(headModel);
    headModel.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const viewRng = createRng(hashSeed(trainPlan.seed, 0x71e3));
    ctx.setNode(trainNode, 'running', 'Training the head');

    loop = await trainLoop(
      ctx,
      {
        model: headModel,
        count: trainKept.length,
        async makeBatch(_epoch, positions) {
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
        async validate() {
          if (validation.kept.length === 0) return null;
          const probs = concatFloat(
            await predictInBatches(ctx, headModel, validation.kept.length, async (from, to) =>
              tf.tensor2d(validation.features.subarray(from * featureDim, to * featureDim), [to - from, featureDim]),
            ),
          );
          return lossAndAccuracy({ probabilities: probs, numClasses, trueLabels: valLabels });
        },
      },
      trainStart,
      imagesTrained,
    );
    testKept = test.kept;
    testProbabilities = concatFloat(
      await predictInBatches(ctx, headModel, test.kept.length, async (from, to) =>
        tf.tensor2d(test.features.subarray(from * featureDim, to * featureDim), [to - from, featureDim]),
      ),
    );
    // Assemble trunk + head into one classifier (shares the trained layers).
    const input = tf.input({ shape: [height, width, 3] });
    let x = trunk.trunk.apply(input) as SymbolicTensor;
    if (head.pooling) x = head.pooling.apply(x) as SymbolicTensor;
    finalModel = tf.model({ inputs: input, outputs: applyLayers(x, head.layers), name: 'graft_classifier' });
    ctx.models.push(finalModel);
  } else {
    // ---- Full forward passes ----
    await host.useBackend(selection.train);
    const input = tf.input({ shape: [height, width, 3] });
    let x = trunk.trunk.apply(input) as SymbolicTensor;
    if (head.pooling) x = head.pooling.apply(x) as SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: applyLayers(x, head.layers), name: 'graft_classifier' });
    ctx.models.push(model);
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const augmentNode = plan.nodeIds.augment;
    if (augmentNode) ctx.setNode(augmentNode, 'running', augment ? 'Augmenting every batch' : undefined);
    ctx.setNode(trainNode, 'running', 'Training');
    if (augment) pathReason += ` Augmentation (${describeAugment(augment)}) is applied freshly to every batch.`;
    const predictPixels = async (indices: number[]) => {
      const kept: number[] = [];
      const chunks = await predictInBatches(ctx, model, indices.length, async (from, to) => {
        const batch = await pixels.batch(indices.slice(from, to));
        kept.push(...batch.kept);
        if (!batch.pixels) return null;
        const raw = batch.pixels;
        const scaled = scalePixels(raw);
        raw.dispose();
        return scaled;
      });
      return { probabilities: concatFloat(chunks), kept };
    };
    loop = await trainLoop(
      ctx,
      {
        model,
        count: data.train.length,
        async makeBatch(_epoch, positions) {
          const batch = await pixels.batch(positions.map((p) => data.train[p]));
          if (!batch.pixels) return null;
          const raw = batch.pixels;
          const xBatch = tf.tidy(() =>
            scalePixels(augment ? augmentBatch(tf, raw as tfjs.Tensor4D, augment, augmentSeedRng) : raw),
          );
          raw.dispose();
          return { x: xBatch, y: oneHot(tf, batch.kept.map((i) => data.source.items[i].label), numClasses) };
        },
        async validate() {
          if (data.validation.length === 0) return null;
          const { probabilities, kept } = await predictPixels(data.validation);
          if (kept.length === 0) return null;
          return lossAndAccuracy({
            probabilities,
            numClasses,
            trueLabels: kept.map((i) => data.source.items[i].label),
          });
        },
      },
      trainStart,
      imagesTrained,
    );
    if (augmentNode) ctx.setNode(augmentNode, 'done');
    if (options.skipEvaluation) {
      testProbabilities = new Float32Array(0);
      testKept = [];
    } else {
      const predicted = await predictPixels(data.test);
      testProbabilities = predicted.probabilities;
      testKept = predicted.kept;
    }
    finalModel = model;
  }
  const trainMs = Date.now() - trainStart;
  const lastEpoch = loop.epochs[loop.epochs.length - 1];
  ctx.setNode(
    trainNode,
    'done',
    `${loop.epochs.length} epochs${loop.stoppedEarly ? ` (early stop, best ${loop.bestEpoch})` : ''}, ` +
      `train acc ${(lastEpoch?.accuracy ?? 0).toFixed(2)}`,
  );

  // ---- Evaluation ----
  const evaluateNode = plan.nodeIds.evaluate;
  ctx.setNode(evaluateNode, 'running');
  ctx.emit({ type: 'progress', phase: 'evaluating', done: 0, total: testKept.length, etaMs: null });
  let evaluation: Evaluation;
  if (options.skipEvaluation) {
    evaluation = emptyEvaluation(data.labels);
  } else {
    const trueLabels = testKept.map((i) => data.source.items[i].label);
    const predictions = { probabilities: testProbabilities, numClasses, trueLabels };
    const { loss, accuracy } = lossAndAccuracy(predictions);
    const confusion = confusionMatrix(predictions);
    const mistakes = mostConfidentMistakes(predictions, plan.evaluate?.misclassifiedCount ?? 8);
    const misclassified = [];
    for (const m of mistakes) {
      const itemIndex = testKept[m.index];
      let thumbnail: string | null = null;
      if (host.thumbnail) {
        try {
          thumbnail = await host.thumbnail(await data.source.load(itemIndex, 96));
        } catch {
          thumbnail = null;
        }
      }
      misclassified.push({
        index: m.index,
        trueLabel: data.labels[trueLabels[m.index]],
        predictedLabel: data.labels[m.predicted],
        confidence: m.confidence,
        thumbnail,
      });
    }
    evaluation = {
      accuracy,
      loss,
      labels: data.labels,
      perClass: perClassMetrics(confusion, data.labels),
      confusionMatrix: confusion,
      testSize: trueLabels.length,
      misclassified,
      predictions: testPredictions(testKept, trueLabels, testProbabilities, numClasses, (i) => data.source.items[i].name),
    };
  }
  ctx.emit({ type: 'progress', phase: 'evaluating', done: testKept.length, total: testKept.length, etaMs: 0 });
  ctx.setNode(
    evaluateNode,
    'done',
    options.skipEvaluation ? 'Skipped' : `Test accuracy ${(evaluation.accuracy * 100).toFixed(1)}%`,
  );

  if (pixels.failed.size > 0) {
    ctx.status(`${pixels.failed.size} images could not be decoded and were skipped.`);
  }

  // Hand over a self-contained copy of the classifier (fresh variables, no shared layers or patched calls), so the
  // caller can dispose it with model.dispose() and the engine can dispose everything it made.
  if (options.onTrainedModel) {
    const kept = await cloneModel(tf, finalModel);
    options.onTrainedModel({ model: kept, labels: data.labels, inputSize: trunk.inputSize, inputScaling: trunk.scaling });
  }

  const totalMs = Date.now() - startedAt;
  return {
    backend: selection.train,
    featureBackend,
    path,
    pathReason,
    epochs: loop.epochs,
    trainMs,
    totalMs,
    loadMs,
    imagesPerSecond: imagesTrained.value / Math.max(1e-3, trainMs / 1000),
    evaluation,
    labels: data.labels,
    splitSizes: { train: data.train.length, validation: data.validation.length, test: data.test.length },
    skipped: [
      ...data.source.skipped,
      ...[...pixels.failed].map(([index, reason]) => ({ name: data.source.items[index].name, reason })),
    ],
    truncateAt: trunk.truncateAt,
    inputScaling: trunk.scaling,
    inputSize: trunk.inputSize,
    splitFingerprint: splitFingerprint(plan.dataset.datasetId, data.test.map((i) => data.source.items[i].name)),
  };
}

function emptyEvaluation(labels: string[]): Evaluation {
  return {
    accuracy: NaN,
    loss: NaN,
    labels,
    perClass: [],
    confusionMatrix: labels.map(() => labels.map(() => 0)),
    testSize: 0,
    misclassified: [],
  };
}

/** Serialise + deserialise: a standalone LayersModel with its own variables. */
async function cloneModel(tf: TF, model: LayersModel): Promise<LayersModel> {
  let artifacts: tfjs.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('could not serialise the trained model');
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
