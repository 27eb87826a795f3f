/**
 * The graft-shapes-cnn architecture, data loading into tensors, and the transfer check (frozen trunk + GAP +
 * softmax head) shared by `scripts/pretrain.ts`, its test and the tuning bench.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSource } from '../engine/host';

export const SHAPES_CNN_INPUT_SIZE = 32;
/** The layer whose output is the trunk's feature map (last conv block's activation). */
export const SHAPES_CNN_FEATURES_LAYER = 'features';
export const SHAPES_CNN_FILTERS = [16, 32, 48, 64];

/**
 * Four blocks conv→BN→ReLU(→max-pool), 16→32→48→64 filters; the last block's ReLU is 'features' (4×4×64, receptive
 * field ≈ the whole 32 px image) · GAP → dropout → softmax. ~47k parameters. A 4th block learned the source task
 * ~2× faster per step than 3 blocks (measured), for little extra compute at 4×4.
 * Every layer is named, initialisers are seeded (same seed ⇒ same weights).
 */
export function buildShapesCnn(numClasses: number, seed: number, filters: number[] = SHAPES_CNN_FILTERS): tf.LayersModel {
  const input = tf.input({ shape: [SHAPES_CNN_INPUT_SIZE, SHAPES_CNN_INPUT_SIZE, 3], name: 'input' });
  let x: tf.SymbolicTensor = input;
  filters.forEach((count, i) => {
    const block = `block${i + 1}`;
    x = tf.layers
      .conv2d({
        name: `${block}_conv`,
        filters: count,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.heNormal({ seed: seed + i }),
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `${block}_bn`, momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
    const last = i === filters.length - 1;
    x = tf.layers.reLU({ name: last ? SHAPES_CNN_FEATURES_LAYER : `${block}_relu` }).apply(x) as tf.SymbolicTensor;
    if (!last) x = tf.layers.maxPooling2d({ name: `${block}_pool`, poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout', rate: 0.2, seed }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      name: 'predictions',
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 100 }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'graft_shapes_cnn' });
}

/** The model cut at `layerName` (default 'features'): the frozen trunk of the transfer check. */
export function truncate(model: tf.LayersModel, layerName = SHAPES_CNN_FEATURES_LAYER): tf.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer(layerName).output as tf.SymbolicTensor });
}

/** Load items of an ImageSource as a [n, size, size, 3] float tensor scaled to [0, 1] ('zero1') + labels. */
export async function loadImages(
  source: ImageSource,
  indices: readonly number[],
  size = SHAPES_CNN_INPUT_SIZE,
): Promise<{ x: tf.Tensor4D; labels: Int32Array }> {
  const pixels = new Float32Array(indices.length * size * size * 3);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const image = await source.load(indices[k], size);
    if (image.width !== size || image.height !== size) {
      throw new Error(`expected ${size}×${size} images, got ${image.width}×${image.height}`);
    }
    const offset = k * size * size * 3;
    for (let i = 0; i < image.data.length; i++) pixels[offset + i] = image.data[i] / 255;
    labels[k] = source.items[indices[k]].label;
  }
  return { x: tf.tensor4d(pixels, [indices.length, size, size, 3]), labels };
}

/** Global-average-pooled trunk features, computed in batches. */
export function pooledFeatures(trunk: tf.LayersModel, x: tf.Tensor4D, batchSize = 64): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < x.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, x.shape[0] - start);
      const batch = x.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      parts.push((trunk.predict(batch) as tf.Tensor4D).mean([1, 2]) as tf.Tensor2D);
    }
    return tf.concat(parts, 0);
  });
}

export interface HeadResult {
  trainAccuracy: number;
  testAccuracy: number;
}

/**
 * Train a softmax head on frozen pooled features and report accuracy on held-out features. Features are
 * standardised with train statistics so both trunks (pretrained, random) get an equally well-conditioned head.
 */
export async function trainHeadOnFeatures(
  train: { features: tf.Tensor2D; labels: Int32Array },
  test: { features: tf.Tensor2D; labels: Int32Array },
  numClasses: number,
  seed: number,
  epochs = 150,
): Promise<HeadResult> {
  const { mean, variance } = tf.moments(train.features, 0);
  const std = tf.sqrt(variance).add(1e-6);
  const norm = (f: tf.Tensor2D) => tf.tidy(() => f.sub(mean).div(std) as tf.Tensor2D);
  const trainX = norm(train.features);
  const testX = norm(test.features);
  const trainY = tf.oneHot(tf.tensor1d(train.labels, 'int32'), numClasses);
  const head = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [train.features.shape[1]],
        units: numClasses,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }),
      }),
    ],
  });
  head.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await head.fit(trainX, trainY, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
  const accuracyOf = (x: tf.Tensor2D, labels: Int32Array) =>
    tf.tidy(() => {
      const predicted = (head.predict(x) as tf.Tensor2D).argMax(1).dataSync();
      let correct = 0;
      predicted.forEach((p, i) => {
        if (p === labels[i]) correct++;
      });
      return correct / labels.length;
    });
  const result = { trainAccuracy: accuracyOf(trainX, train.labels), testAccuracy: accuracyOf(testX, test.labels) };
  tf.dispose([mean, variance, std, trainX, testX, trainY]);
  head.dispose();
  return result;
}

/** Head trained on `trunk`'s frozen features of the train images, evaluated on the test images. */
export async function transferAccuracy(
  trunk: tf.LayersModel,
  data: { trainX: tf.Tensor4D; trainLabels: Int32Array; testX: tf.Tensor4D; testLabels: Int32Array },
  numClasses: number,
  seed: number,
): Promise<HeadResult> {
  const trainFeatures = pooledFeatures(trunk, data.trainX);
  const testFeatures = pooledFeatures(trunk, data.testX);
  try {
    return await trainHeadOnFeatures(
      { features: trainFeatures, labels: data.trainLabels },
      { features: testFeatures, labels: data.testLabels },
      numClasses,
      seed,
    );
  } finally {
    tf.dispose([trainFeatures, testFeatures]);
  }
}
