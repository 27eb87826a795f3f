/**
 * "How much data do I need?": test accuracy against training images per class (5, 10, 20, 40, all) for the
 * pretrained trunk and for the same head on a randomly initialised frozen trunk. Works on cached features only, and
 * trains every (size, trunk) head AT ONCE: the K heads are stacked into batched weight tensors [K, in, out], each
 * step feeds each head a batch from its own subset, and the summed loss gives each head exactly its own gradient
 * (Adam is per-parameter). So the whole curve costs about one head training, not ten.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { createRng, hashSeed, shuffleInPlace } from '../../dataset/split';
import { FeatureMoments, STANDARDIZE_EPSILON } from '../model/head';

type TF = typeof tfjs;

export interface TrunkFeatures {
  /** Row-major [trainLabels.length, dim] and [testLabels.length, dim]. */
  train: Float32Array;
  test: Float32Array;
}

export interface CurveHead {
  hiddenLayers: number;
  hiddenUnits: number;
  activation: 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'selu';
  dropout: number;
  /** Standardise features with the statistics of each head's own training subset (Add Head's standardisation). */
  standardize?: boolean;
  /** Add Head's output-layer initialisation (default zeros). */
  outputInit?: 'zeros' | 'glorot';
}

export interface CurveTraining {
  learningRate: number;
  batchSize: number;
  epochs: number;
  seed: number;
}

export interface CurveInput {
  pretrained: TrunkFeatures;
  random: TrunkFeatures;
  dim: number;
  trainLabels: number[];
  testLabels: number[];
  numClasses: number;
  head: CurveHead;
  training: CurveTraining;
  /** Training images per class to try (below the smallest class's count); "all" is always added. */
  sizes?: number[];
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export interface CurvePoint {
  /** Images per class asked for ("all" = the largest class's count). */
  perClass: number;
  all: boolean;
  /** Training images actually used. */
  images: number;
  pretrained: number;
  random: number;
}

export const DEFAULT_SIZES = [5, 10, 20, 40];

/** Nested per-class subsets (each smaller one inside the larger), positions into the training rows. */
export function subsets(labels: number[], numClasses: number, sizes: number[], seed: number): Array<{ perClass: number; all: boolean; rows: number[] }> {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((l, i) => byClass[l]?.push(i));
  byClass.forEach((rows, c) => shuffleInPlace(rows, createRng(hashSeed(seed, c, 0xda7a))));
  const largest = Math.max(...byClass.map((r) => r.length));
  const out = sizes
    .filter((s) => s > 0 && s < largest)
    .map((s) => ({ perClass: s, all: false, rows: byClass.flatMap((r) => r.slice(0, s)).sort((a, b) => a - b) }));
  out.push({ perClass: largest, all: true, rows: labels.map((_, i) => i) });
  return out;
}

function activate(tf: TF, x: tfjs.Tensor, activation: CurveHead['activation']): tfjs.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
  }
}

export async function dataEfficiencyCurve(tf: TF, input: CurveInput): Promise<CurvePoint[]> {
  const { dim, numClasses: C, head, training } = input;
  const sets = subsets(input.trainLabels, C, input.sizes ?? DEFAULT_SIZES, training.seed);
  const trunks = [input.pretrained, input.random];
  // Config k = (subset s, trunk t), k = s * 2 + t.
  const configs = sets.flatMap((set) => trunks.map((features) => ({ set, features })));
  const K = configs.length;
  // Add Head's standardisation, per head: statistics of exactly the rows that head trains on.
  const standardisers = configs.map(({ set, features }) => {
    if (!head.standardize) return null;
    const moments = new FeatureMoments(dim);
    for (const row of set.rows) moments.add(features.train.subarray(row * dim, (row + 1) * dim));
    const { mean, variance } = moments.result();
    return { mean, inv: variance.map((v) => 1 / Math.sqrt(v + STANDARDIZE_EPSILON)) };
  });
  const standardised = (rows: Float32Array, k: number): Float32Array => {
    const st = standardisers[k];
    if (!st) return rows;
    return rows.map((v, i) => (v - st.mean[i % dim]) * st.inv[i % dim]);
  };
  const trainRows = configs.map((c, k) => standardised(c.features.train, k));
  const widths = [dim, ...Array.from({ length: head.hiddenLayers }, () => head.hiddenUnits), C];
  const variables: tfjs.Variable[] = [];
  const optimizer = tf.train.adam(training.learningRate);
  try {
    const layers = widths.slice(1).map((out, l) => {
      const fanIn = widths[l];
      const relu = head.activation === 'relu' || head.activation === 'elu';
      const last = l === widths.length - 2;
      const seed = hashSeed(training.seed, 0xd1, l);
      const limit = Math.sqrt(6 / (fanIn + out));
      const w = tf.tidy(() =>
        tf.variable(
          last && head.outputInit !== 'glorot'
            ? tf.zeros([K, fanIn, out])
            : !last && relu
            ? tf.randomNormal([K, fanIn, out], 0, Math.sqrt(2 / fanIn), 'float32', seed)
            : tf.randomUniform([K, fanIn, out], -limit, limit, 'float32', seed),
        ),
      );
      const b = tf.tidy(() => tf.variable(tf.zeros([K, 1, out])));
      variables.push(w, b);
      return { w, b, last };
    });
    const forward = (x: tfjs.Tensor, train: boolean): tfjs.Tensor => {
      let h = x;
      for (const layer of layers) {
        h = tf.add(tf.matMul(h, layer.w), layer.b);
        if (!layer.last) {
          h = activate(tf, h, head.activation);
          if (train && head.dropout > 0) h = tf.dropout(h, head.dropout);
        }
      }
      return h;
    };

    const B = Math.max(1, Math.floor(training.batchSize));
    const steps = Math.max(1, training.epochs * Math.ceil(input.trainLabels.length / B));
    const rng = createRng(hashSeed(training.seed, 0xe5));
    const orders = configs.map((c) => shuffleInPlace(c.set.rows.slice(), rng));
    const cursors = configs.map(() => 0);
    const xs = new Float32Array(K * B * dim);
    const ys = new Int32Array(K * B);
    for (let step = 0; step < steps; step++) {
      if (input.signal?.aborted) throw new DOMException('Cancelled.', 'AbortError');
      configs.forEach((_c, k) => {
        const order = orders[k];
        for (let j = 0; j < B; j++) {
          if (cursors[k] >= order.length) {
            shuffleInPlace(order, rng);
            cursors[k] = 0;
          }
          const row = order[cursors[k]++];
          xs.set(trainRows[k].subarray(row * dim, (row + 1) * dim), (k * B + j) * dim);
          ys[k * B + j] = input.trainLabels[row];
        }
      });
      const x = tf.tensor3d(xs, [K, B, dim]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), C).reshape([K, B, C]));
      optimizer.minimize(() => tf.mul(tf.losses.softmaxCrossEntropy(y, forward(x, true)), K) as tfjs.Scalar, false, variables);
      tf.dispose([x, y]);
      if (step % 20 === 0) {
        input.onProgress?.(step, steps);
        await new Promise((r) => setTimeout(r, 0)); // let cancel messages in
      }
    }
    input.onProgress?.(steps, steps);

    const accuracies: number[] = [];
    for (let k = 0; k < K; k++) {
      const features = standardised(configs[k].features.test, k);
      const n = input.testLabels.length;
      const predicted = tf.tidy(() => {
        let h: tfjs.Tensor = tf.tensor2d(features, [n, dim]);
        for (const layer of layers) {
          const w = tf.squeeze(tf.slice(layer.w, [k, 0, 0], [1, -1, -1]), [0]);
          const b = tf.reshape(tf.slice(layer.b, [k, 0, 0], [1, -1, -1]), [-1]);
          h = tf.add(tf.matMul(h, w), b);
          if (!layer.last) h = activate(tf, h, head.activation);
        }
        return tf.argMax(h, 1);
      });
      const values = await predicted.data();
      predicted.dispose();
      let correct = 0;
      input.testLabels.forEach((l, i) => {
        if (values[i] === l) correct++;
      });
      accuracies.push(n > 0 ? correct / n : NaN);
    }
    return sets.map((set, s) => ({
      perClass: set.perClass,
      all: set.all,
      images: set.rows.length,
      pretrained: accuracies[s * 2],
      random: accuracies[s * 2 + 1],
    }));
  } finally {
    optimizer.dispose();
    tf.dispose(variables);
  }
}
