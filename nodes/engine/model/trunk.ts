/** Model assembly, step 1: load the pretrained model, cut it at the truncation layer, freeze, re-initialise. */
import type * as tfjs from '@tensorflow/tfjs';
import type { EngineHost } from '../host';
import { RunError } from '../types';
import type { RunContext, TF } from '../context';
import { guessTruncationLayer, resolveModelMeta, resolveScaling, type ConcreteScaling } from '../../pretrained-model/catalog';
import { hashSeed } from '../../dataset/rng';
import { locateError } from '../errors';
import { applyFreeze, frozenCountFor, trunkLayersOf } from './freeze';
import { layerOutputIn } from './layer-output';

type LayersModel = tfjs.LayersModel;
type Layer = tfjs.layers.Layer;

export interface PreparedTrunk {
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

const layersWithoutInput = trunkLayersOf;

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

export async function prepareTrunk(ctx: RunContext, host: EngineHost, randomTrunk: boolean): Promise<PreparedTrunk> {
  const { tf, plan } = ctx;
  const modelValue = plan.classifier.model;
  const modelNode = plan.nodeIds.model;
  ctx.setNode(modelNode, 'running', 'Loading model');
  ctx.emit({ type: 'progress', phase: 'model', done: 0, total: 1, etaMs: null });

  let base: LayersModel;
  try {
    base = await host.loadModel(modelValue.source);
  } catch (error) {
    throw locateError(error, modelNode, 'model-unreachable', 'Could not load the model');
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
  const trunk = tf.model({ inputs: base.inputs, outputs: layerOutputIn(base, cutLayer), name: 'trunk' });
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
  const frozenCount = frozenCountFor(modelValue.freeze, trunkLayers.map((l) => l.name));
  if (typeof frozenCount === 'string') {
    throw new RunError(
      `Freeze Layers: ${frozenCount}. Valid layers: ${listLayerNames(trunkLayers.map((l) => l.name))}.`,
      'model-invalid',
      freezeNode ?? null,
    );
  }
  const trainsConvLayers = applyFreeze(trunkLayers, frozenCount);
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
