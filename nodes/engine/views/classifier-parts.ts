/**
 * The engine's trained classifier (input → nested `trunk` model → [pooling] → head layers → softmax) seen as its
 * two halves: the frozen trunk up to the cut layer, and the head from the cut layer's feature map to the class
 * scores. Grad-CAM, the feature map and the data-efficiency curve all need exactly this split.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { poolFeatures } from '../model/head';

type TF = typeof tfjs;
type Tensor = tfjs.Tensor;
type Layer = tfjs.layers.Layer;

export interface ClassifierParts {
  /** Image batch (scaled) → the cut layer's output ([n, h, w, c] or [n, d]). */
  trunk: tfjs.LayersModel;
  /** Parameter-free pooling from the feature map to a vector (null when the trunk outputs a vector). */
  pooling: Layer | null;
  /** Head layers between pooling and the output layer (dense, dropout, …). */
  hidden: Layer[];
  /** Final dense layer (softmax activation). */
  output: Layer;
}

const POOLING = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten']);

export function splitClassifier(model: tfjs.LayersModel): ClassifierParts {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const trunkIndex = layers.findIndex((l) => Array.isArray((l as unknown as { layers?: unknown }).layers));
  if (trunkIndex < 0) throw new Error('The trained model has no nested trunk: it was not assembled by Graft.');
  const trunk = layers[trunkIndex] as unknown as tfjs.LayersModel;
  let rest = layers.slice(trunkIndex + 1);
  let pooling: Layer | null = null;
  if (rest.length > 0 && POOLING.has(rest[0].getClassName())) {
    pooling = rest[0];
    rest = rest.slice(1);
  }
  const output = rest[rest.length - 1];
  if (!output || output.getClassName() !== 'Dense') throw new Error('The trained model does not end in a dense layer.');
  return { trunk, pooling, hidden: rest.slice(0, -1), output };
}

/** The output layer's pre-softmax scores. */
export function logitsOf(tf: TF, output: Layer, x: Tensor): Tensor {
  const [kernel, bias] = output.getWeights();
  return bias ? tf.add(tf.matMul(x, kernel), bias) : tf.matMul(x, kernel);
}

/** Head from the cut layer's output to pre-softmax class scores (inference mode: dropout off). */
export function headLogits(tf: TF, parts: ClassifierParts, features: Tensor): Tensor {
  return logitsOf(tf, parts.output, lastHidden(parts, poolFeatures(parts, features)));
}

/** The head's last hidden representation (input of the output layer) from pooled features. */
export function lastHidden(parts: ClassifierParts, pooled: Tensor): Tensor {
  let x = pooled;
  for (const layer of parts.hidden) x = layer.apply(x, { training: false }) as Tensor;
  return x;
}
