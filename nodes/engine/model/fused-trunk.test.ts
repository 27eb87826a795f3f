/**
 * The fused inference trunk gives model.predict's features (relative error ≤ 1e-4, real tfjs on WASM) while actually
 * folding: the summary says what was fused, so a silent fallback to plain predict cannot pass for a fusion. No
 * tensor leaks: tf.memory() returns to its start after build + predict + dispose.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, createNodeHost, tf } from '../host-node';
import { buildFusedTrunk } from './fused-trunk';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

/** max |fused − predict| ÷ max |predict| over one random batch, and the fused trunk's summary. */
function compare(model: tf.LayersModel, batch: number) {
  const before = tf.memory().numTensors;
  const fused = buildFusedTrunk(tf, model);
  const [, h, w, c] = model.inputs[0].shape as number[];
  const x = tf.randomUniform([batch, h, w, c], -1, 1, 'float32', 11);
  const expected = model.predict(x) as tf.Tensor;
  const actual = fused.predict(x);
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(actual, expected))), tf.max(tf.abs(expected))]).map((t) => {
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  });
  expect(actual.shape).toEqual(expected.shape);
  tf.dispose([x, expected, actual]);
  fused.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { relativeError: diff / scale, scale, summary: fused.summary };
}

/** Random but plausible batch-norm statistics (the initial ones would make folding an identity). */
function randomiseBatchNorms(model: tf.LayersModel): void {
  let seed = 3;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.weights.map((weight) => {
      const name = weight.originalName ?? weight.name;
      const shape = weight.shape as number[];
      seed++;
      if (/variance/.test(name)) return tf.randomUniform(shape, 0.2, 2, 'float32', seed);
      if (/gamma/.test(name)) return tf.randomUniform(shape, 0.5, 1.5, 'float32', seed);
      return tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** Conv2D+BN+ReLU6, DepthwiseConv2D+BN+ReLU, ZeroPadding2D before a valid conv and before a depthwise one, LeakyReLU,
 * a residual Add (a conv output read twice is not folded), a BN without center/scale, a conv with its own relu, and
 * a layer the fuser does not know (LayerNormalization: applied as it is). */
function generatedModel(): tf.LayersModel {
  const L = tf.layers;
  const input = tf.input({ shape: [14, 14, 3] });
  let x = L.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(input) as tf.SymbolicTensor;
  x = L.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', useBias: true, kernelInitializer: 'glorotUniform', biasInitializer: 'randomNormal' }).apply(x) as tf.SymbolicTensor;
  x = L.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
  const a = L.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  x = L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false }).apply(a) as tf.SymbolicTensor;
  x = L.batchNormalization({}).apply(x) as tf.SymbolicTensor;
  x = L.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = L.conv2d({ filters: 8, kernelSize: 1, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = L.batchNormalization({ center: false, scale: false }).apply(x) as tf.SymbolicTensor;
  const b = L.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
  x = L.add().apply([a, b]) as tf.SymbolicTensor;
  x = L.layerNormalization({}).apply(x) as tf.SymbolicTensor;
  x = L.zeroPadding2d({ padding: 1 }).apply(x) as tf.SymbolicTensor;
  x = L.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', useBias: true, biasInitializer: 'randomNormal' }).apply(x) as tf.SymbolicTensor;
  x = L.batchNormalization({}).apply(x) as tf.SymbolicTensor;
  x = L.activation({ activation: 'relu6' }).apply(x) as tf.SymbolicTensor;
  x = L.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', dilationRate: 2 }).apply(x) as tf.SymbolicTensor;
  x = L.batchNormalization({}).apply(x) as tf.SymbolicTensor; // after the conv's own relu: not foldable, applied
  x = L.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomiseBatchNorms(model);
  return model;
}

describe('fused inference trunk', () => {
  beforeAll(async () => {
    expect(await activateBackend('wasm')).toBe(true);
  });

  it('matches predict on a generated model with every supported pattern and some it does not fuse', () => {
    const model = generatedModel();
    const { relativeError, summary } = compare(model, 3);
    console.log(`generated model: relative error ${relativeError.toExponential(2)}`, summary);
    expect(relativeError).toBeLessThanOrEqual(1e-4);
    expect(summary).toMatchObject({ fused: true, convolutions: 5, foldedBatchNorms: 4, fusedActivations: 4, foldedPaddings: 1 });
    // ZeroPadding2D before the depthwise conv, Add, LayerNormalization, the BN after a relu conv, MaxPooling2D.
    expect(summary.appliedLayers).toBe(5);
    model.dispose();
  });

  it.skipIf(!fs.existsSync(builtinModel))('matches predict on graft-shapes-cnn cut at its default layer', async () => {
    const base = await createNodeHost().loadModel({ kind: 'catalog', id: 'graft-shapes-cnn' });
    const trunk = tf.model({ inputs: base.inputs, outputs: base.getLayer('features').output as tf.SymbolicTensor });
    const { relativeError, summary } = compare(trunk, 8);
    console.log(`graft-shapes-cnn: relative error ${relativeError.toExponential(2)}`, summary);
    expect(relativeError).toBeLessThanOrEqual(1e-4);
    expect(summary.fused).toBe(true);
    expect(summary.foldedBatchNorms).toBe(summary.convolutions);
    expect(summary.fusedActivations).toBe(summary.convolutions);
    base.dispose();
  });

  it('fuses inside a nested model (how exported Graft classifiers hold their trunk)', () => {
    const inner = generatedModel();
    const input = tf.input({ shape: [14, 14, 3] });
    const x = inner.apply(input) as tf.SymbolicTensor;
    const outer = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor });
    const { relativeError, summary } = compare(outer, 2);
    expect(relativeError).toBeLessThanOrEqual(1e-4);
    expect(summary).toMatchObject({ fused: true, convolutions: 5, foldedBatchNorms: 4, appliedLayers: 6 });
    outer.dispose();
  });

  it('falls back to plain predict for a model it cannot walk (two inputs), same features, nothing leaked', () => {
    const a = tf.input({ shape: [6, 6, 3] });
    const b = tf.input({ shape: [6, 6, 3] });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' });
    const out = tf.layers.add().apply([conv.apply(a) as tf.SymbolicTensor, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: out });
    const before = tf.memory().numTensors;
    const fused = buildFusedTrunk(tf, model);
    expect(fused.summary.fused).toBe(false);
    expect(fused.summary.reason).toMatch(/several inputs/);
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('runs plain predict when there is no convolution to fuse', () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const model = tf.model({ inputs: input, outputs: tf.layers.maxPooling2d({ poolSize: 2 }).apply(input) as tf.SymbolicTensor });
    const { relativeError, summary } = compare(model, 2);
    expect(summary.fused).toBe(false);
    expect(relativeError).toBe(0);
    model.dispose();
  });
});
