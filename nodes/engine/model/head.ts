/** Model assembly, step 2: the new head (pooling → hidden layers → softmax) and the trunk + head classifier. */
import type * as tfjs from '@tensorflow/tfjs';
import type { HeadPlan } from '../../core/plan';
import type { TF } from '../context';
import { hashSeed } from '../../dataset/rng';

type Layer = tfjs.layers.Layer;
type SymbolicTensor = tfjs.SymbolicTensor;

export interface Head {
  /** Parameter-free reduction of the trunk's feature map to a vector (null when the trunk gives a vector). */
  pooling: Layer | null;
  /** Trainable layers from the feature vector to the softmax. */
  layers: Layer[];
  featureDim: number;
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

/** The head alone on feature vectors (the cached-features strategy trains this). */
export function headOnFeatures(tf: TF, head: Head): tfjs.LayersModel {
  const input = tf.input({ shape: [head.featureDim] });
  return tf.model({ inputs: input, outputs: applyLayers(input, head.layers), name: 'head' });
}
