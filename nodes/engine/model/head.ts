/**
 * Model assembly, step 2: the new head (pooling → standardisation → hidden layers → softmax) and the trunk + head
 * classifier. Embedded verbatim by "View code", so the exported program builds the same head.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { HeadPlan } from '../../core/plan';
import type { TF } from '../context';
import { createRng, hashSeed, type Rng } from '../../dataset/rng';

type Layer = tfjs.layers.Layer;
type SymbolicTensor = tfjs.SymbolicTensor;

export interface Head {
  /** Parameter-free reduction of the trunk's feature map to a vector (null when the trunk gives a vector). */
  pooling: Layer | null;
  /** The layers from the feature vector to the softmax (the standardiser first, when on). */
  layers: Layer[];
  /** Fixed per-feature standardisation (set from training features by `setStandardization`), or null when off. */
  standardizer: Layer | null;
  featureDim: number;
}

/** BatchNormalization's epsilon: added to each variance, it bounds how much a near-constant feature is amplified. */
export const STANDARDIZE_EPSILON = 1e-3;

/** Run a layer in inference mode whatever mode the model is called in (a fixed function of its input). */
function alwaysInference(layer: Layer): void {
  const original = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => original(inputs, { ...(kwargs ?? {}), training: false });
}

/**
 * Dropout masks drawn from the run's training seed: every training call gets a fresh seed from `rng`, so masks
 * differ step to step (tfjs reuses one mask forever when a Dropout layer has a fixed seed) and identical runs are
 * identical. The layer's own seed is put back afterwards, so a saved model carries none.
 */
function seedDropout(layer: Layer, rng: Rng): void {
  const original = layer.call.bind(layer);
  const seeded = layer as unknown as { seed?: number };
  layer.call = (inputs, kwargs) => {
    if (kwargs?.training !== true) return original(inputs, kwargs);
    const saved = seeded.seed;
    seeded.seed = 1 + Math.floor(rng() * 0x7ffffffe); // 0 would mean "unseeded" to tfjs
    try {
      return original(inputs, kwargs);
    } finally {
      seeded.seed = saved;
    }
  };
}

export function buildHead(tf: TF, head: HeadPlan, featureShape: number[], numClasses: number, seed: number): Head {
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
  let standardizer: Layer | null = null;
  if (head.standardize) {
    // A fixed affine (x − mean) / √(variance + ε): BatchNormalization in inference mode (scale 1, offset 0) is a
    // built-in layer, so exported and shared models load anywhere tfjs runs. Not trained; the statistics come from
    // the training features (setStandardization) before the first step. (Scale and offset are kept as fixed
    // weights: tfjs's batch-norm gradient fails without a scale tensor.)
    standardizer = tf.layers.batchNormalization({ name: 'head_standardize', epsilon: STANDARDIZE_EPSILON, trainable: false });
    alwaysInference(standardizer);
    layers.push(standardizer);
  }
  const dropout = (name: string, i: number) => {
    const layer = tf.layers.dropout({ rate: head.dropout, name });
    seedDropout(layer, createRng(hashSeed(seed, 0xd0, i)));
    return layer;
  };
  const kernelRegularizer = head.weightDecay ? tf.regularizers.l2({ l2: head.weightDecay }) : undefined;
  for (let i = 0; i < head.hiddenLayers; i++) {
    layers.push(
      tf.layers.dense({
        units: head.hiddenUnits,
        activation: head.activation,
        kernelInitializer:
          head.activation === 'relu' || head.activation === 'elu'
            ? tf.initializers.heNormal({ seed: hashSeed(seed, 0xd1, i) })
            : tf.initializers.glorotUniform({ seed: hashSeed(seed, 0xd1, i) }),
        kernelRegularizer,
        name: `head_dense_${i + 1}`,
      }),
    );
    if (head.dropout > 0) layers.push(dropout(`head_dropout_${i + 1}`, i));
  }
  if (head.hiddenLayers === 0 && head.dropout > 0) layers.push(dropout('head_dropout', 0));
  layers.push(
    tf.layers.dense({
      units: numClasses,
      activation: 'softmax',
      // Zero (the default): every class starts equally likely and the first steps move the scores only as far as
      // the data says, instead of from random scores that early stopping may never wash out (BiT's head init).
      kernelInitializer: head.outputInit === 'glorot' ? tf.initializers.glorotUniform({ seed: hashSeed(seed, 0x0c, 0) }) : tf.initializers.zeros(),
      kernelRegularizer,
      name: 'head_output',
    }),
  );
  return { pooling, layers, standardizer, featureDim };
}

/** Per-feature mean and variance of feature rows, added batch by batch (sums in float64, shifted by the first row
 * so large means do not cancel the variance away). */
export class FeatureMoments {
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  count = 0;

  constructor(readonly dim: number) {
    this.shift = new Float64Array(dim);
    this.sum = new Float64Array(dim);
    this.sumSq = new Float64Array(dim);
  }

  /** Rows laid out [n, dim]. */
  add(rows: ArrayLike<number>): void {
    const { dim } = this;
    const n = Math.floor(rows.length / dim);
    if (n > 0 && this.count === 0) for (let j = 0; j < dim; j++) this.shift[j] = rows[j];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        const d = rows[i * dim + j] - this.shift[j];
        this.sum[j] += d;
        this.sumSq[j] += d * d;
      }
    }
    this.count += n;
  }

  /** Mean and (population) variance per feature; a feature constant on the training images gets variance 1, so it
   * is only centred, never blown up. */
  result(): { mean: Float32Array; variance: Float32Array } {
    const mean = new Float32Array(this.dim);
    const variance = new Float32Array(this.dim);
    const n = Math.max(1, this.count);
    for (let j = 0; j < this.dim; j++) {
      const m = this.sum[j] / n;
      const v = Math.max(0, this.sumSq[j] / n - m * m);
      mean[j] = this.shift[j] + m;
      variance[j] = v > 0 ? v : 1;
    }
    return { mean, variance };
  }
}

/** Fix the head's standardisation to the training features' statistics (no-op when standardisation is off). The
 * statistics must come from training features only: validation and test images are what the model is judged on. */
export function setStandardization(tf: TF, head: Head, moments: FeatureMoments): void {
  const layer = head.standardizer;
  if (!layer) return;
  if (moments.dim !== head.featureDim) throw new Error(`standardisation: ${moments.dim} features, the head expects ${head.featureDim}`);
  if (!layer.built) tf.tidy(() => { layer.apply(tf.zeros([1, head.featureDim])); });
  const { mean, variance } = moments.result();
  const values = [tf.ones([head.featureDim]), tf.zeros([head.featureDim]), tf.tensor1d(mean), tf.tensor1d(variance)];
  layer.setWeights(values);
  tf.dispose(values);
}

export function applyLayers(input: SymbolicTensor, layers: Layer[]): SymbolicTensor {
  let x = input;
  for (const layer of layers) x = layer.apply(x) as SymbolicTensor;
  return x;
}

/** The one trunk + head assembly: a classifier taking [n, h, w, 3] scaled pixels (shares the trunk and head layers). */
export function assembleClassifier(tf: TF, trunk: tfjs.LayersModel, head: Head, inputSize: [number, number]): tfjs.LayersModel {
  const input = tf.input({ shape: [inputSize[0], inputSize[1], 3] });
  let x = trunk.apply(input) as SymbolicTensor;
  if (head.pooling) x = head.pooling.apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: applyLayers(x, head.layers), name: 'graft_classifier' });
}

/** A cut-layer output pooled to the vector the head's layers read, the way the head does (unchanged when the trunk
 * already outputs a vector). Used wherever features are computed outside the assembled classifier. */
export function poolFeatures(owner: { pooling: Layer | null }, features: tfjs.Tensor): tfjs.Tensor {
  return owner.pooling ? (owner.pooling.apply(features) as tfjs.Tensor) : features;
}

/** The head alone on feature vectors (the cached-features strategy trains this). */
export function headOnFeatures(tf: TF, head: Head): tfjs.LayersModel {
  const input = tf.input({ shape: [head.featureDim] });
  return tf.model({ inputs: input, outputs: applyLayers(input, head.layers), name: 'head' });
}
