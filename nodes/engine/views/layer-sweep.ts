/**
 * "Which layer to cut?": how good are the features of each candidate cut layer for THIS dataset? One forward pass
 * of a multi-output model yields every candidate's activations at once (not one pass per layer); each is pooled
 * (global average) to a vector, and a linear probe per layer is fitted on the training images and scored on the
 * validation images. Deeper is not always better: late layers specialise in the pretraining task.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { accuracyOf, trainLinearProbe } from './linear-probe';
import { layerOutputIn } from '../model/layer-output';

type TF = typeof tfjs;
type Layer = tfjs.layers.Layer;

export interface SweepCandidate {
  name: string;
  /** 1-based position among the model's layers (the chart's x axis). */
  depth: number;
  /** Channels after pooling. */
  dim: number;
  /** e.g. "16×16×32". */
  shape: string;
}

/** Layers that end a block: activations, merges and poolings (where a block's output is complete). */
const BLOCK_END = new Set(['ReLU', 'Activation', 'LeakyReLU', 'ELU', 'Add', 'Concatenate', 'MaxPooling2D', 'AveragePooling2D']);

function singleShape(layer: Layer): Array<number | null> | null {
  const shape = layer.outputShape as unknown;
  if (!Array.isArray(shape) || shape.length === 0) return null;
  if (Array.isArray(shape[0])) return null; // several outputs
  return shape as Array<number | null>;
}

function evenlySpaced<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[Math.round((i * (items.length - 1)) / (count - 1))]);
  return [...new Set(out)];
}

/**
 * Candidate cut layers across the depth: the block outputs of the convolutional part (up to the first layer that
 * is no longer a spatial feature map), evenly spread, at least `min` when the model has that many spatial layers,
 * at most `max` (+ the current cut, always included when it is a feature map).
 */
export function candidateCuts(model: tfjs.LayersModel, currentCut: string | null, min = 6, max = 8): SweepCandidate[] {
  const layers = model.layers;
  const spatial: Array<{ layer: Layer; depth: number; shape: number[] }> = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer.getClassName() === 'InputLayer') continue;
    const shape = singleShape(layer);
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => !d || d <= 0)) break;
    spatial.push({ layer, depth: i, shape: shape.slice(1) as number[] });
  }
  const ends = spatial.filter((s) => BLOCK_END.has(s.layer.getClassName()));
  const pool = ends.length >= Math.min(min, spatial.length) ? ends : spatial;
  // The last feature map is always a candidate (what the default cut usually is).
  let chosen = evenlySpaced(pool, max);
  const last = spatial[spatial.length - 1];
  if (last && !chosen.includes(last)) chosen = [...chosen.slice(0, Math.max(0, max - 1)), last];
  const current = spatial.find((s) => s.layer.name === currentCut);
  if (current && !chosen.includes(current)) chosen.push(current);
  chosen.sort((a, b) => a.depth - b.depth);
  return chosen.map((s) => ({ name: s.layer.name, depth: s.depth, dim: s.shape[2], shape: s.shape.join('×') }));
}

export interface SweepActivations {
  candidates: SweepCandidate[];
  /** Per candidate: row-major [kept.length, dim] pooled activations. */
  features: Float32Array[];
  /** Which of the requested items decoded (the rows, in order). */
  kept: number[];
}

export interface SweepInput {
  /** Items to run, in order. */
  items: number[];
  /** Scaled model input for some of the items, and which ones decoded. */
  batch(items: number[]): Promise<{ x: tfjs.Tensor4D | null; kept: number[] }>;
  batchSize?: number;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

/** Every candidate's pooled activations from ONE forward pass per batch of a multi-output model. */
export async function sweepActivations(
  tf: TF,
  model: tfjs.LayersModel,
  candidates: SweepCandidate[],
  input: SweepInput,
): Promise<SweepActivations> {
  // Shares the loaded model's layers and weights: nothing new to dispose afterwards.
  const multi = tf.model({ inputs: model.inputs, outputs: candidates.map((c) => layerOutputIn(model, model.getLayer(c.name))) });
  const totalDim = candidates.reduce((s, c) => s + c.dim, 0);
  const chunks: Float32Array[] = [];
  const kept: number[] = [];
  const size = input.batchSize ?? 16;
  for (let from = 0; from < input.items.length; from += size) {
    if (input.signal?.aborted) throw new DOMException('Layer sweep cancelled.', 'AbortError');
    const { x, kept: batchKept } = await input.batch(input.items.slice(from, from + size));
    if (x) {
      const pooled = tf.tidy(() => {
        const outs = multi.predict(x) as tfjs.Tensor | tfjs.Tensor[];
        const list = Array.isArray(outs) ? outs : [outs];
        return tf.concat(list.map((o) => (o.rank === 4 ? tf.mean(o, [1, 2]) : o.reshape([o.shape[0], -1]))), 1);
      });
      x.dispose();
      chunks.push((await pooled.data()) as Float32Array);
      pooled.dispose();
      kept.push(...batchKept);
    }
    input.onProgress?.(Math.min(input.items.length, from + size), input.items.length);
  }
  const rows = kept.length;
  const features = candidates.map((c) => new Float32Array(rows * c.dim));
  let row = 0;
  for (const chunk of chunks) {
    const n = chunk.length / totalDim;
    for (let r = 0; r < n; r++, row++) {
      let offset = r * totalDim;
      candidates.forEach((c, k) => {
        features[k].set(chunk.subarray(offset, offset + c.dim), row * c.dim);
        offset += c.dim;
      });
    }
  }
  return { candidates, features, kept };
}

export interface LayerScore extends SweepCandidate {
  /** Validation accuracy of a linear probe on this layer's pooled activations. */
  accuracy: number;
}

export interface LayerSweepResult {
  layers: LayerScore[];
  currentCut: string | null;
  best: string;
  trainCount: number;
  validationCount: number;
  /** Where the accuracy was measured: the validation split, or (no validation split) a held-out fifth of training. */
  scoredOn: 'validation' | 'held-out training images';
  /** True when a shallower layer beats the deepest candidate by more than one validation image. */
  deepestIsNotBest: boolean;
}

/** Fit one probe per candidate on `train` rows, score on `validation` rows. `rowsOf` selects activation rows. */
export function probeLayers(
  activations: SweepActivations,
  labelOf: (item: number) => number,
  numClasses: number,
  split: { train: number[]; validation: number[] },
  currentCut: string | null,
): LayerSweepResult {
  const rowOf = new Map(activations.kept.map((item, row) => [item, row]));
  let trainItems = split.train.filter((i) => rowOf.has(i));
  let valItems = split.validation.filter((i) => rowOf.has(i));
  let scoredOn: LayerSweepResult['scoredOn'] = 'validation';
  if (valItems.length === 0) {
    // No validation split: hold out every fifth training image of each class.
    const seen = new Map<number, number>();
    const held: number[] = [];
    const rest: number[] = [];
    for (const item of trainItems) {
      const k = seen.get(labelOf(item)) ?? 0;
      seen.set(labelOf(item), k + 1);
      (k % 5 === 4 ? held : rest).push(item);
    }
    trainItems = rest;
    valItems = held;
    scoredOn = 'held-out training images';
  }
  const gather = (items: number[], dim: number, all: Float32Array) => {
    const out = new Float32Array(items.length * dim);
    items.forEach((item, k) => out.set(all.subarray(rowOf.get(item)! * dim, (rowOf.get(item)! + 1) * dim), k * dim));
    return out;
  };
  const trainLabels = trainItems.map(labelOf);
  const valLabels = valItems.map(labelOf);
  const layers = activations.candidates.map((c, k) => {
    const probe = trainLinearProbe({ x: gather(trainItems, c.dim, activations.features[k]), labels: trainLabels }, { numClasses, dim: c.dim });
    return { ...c, accuracy: accuracyOf(probe.predict(gather(valItems, c.dim, activations.features[k])), valLabels) };
  });
  let best = layers[0];
  for (const l of layers) if (l.accuracy > best.accuracy) best = l;
  const deepest = layers[layers.length - 1];
  return {
    layers,
    currentCut,
    best: best.name,
    trainCount: trainItems.length,
    validationCount: valItems.length,
    scoredOn,
    deepestIsNotBest: valItems.length > 0 && best.accuracy - deepest.accuracy > 1 / valItems.length + 1e-9,
  };
}
