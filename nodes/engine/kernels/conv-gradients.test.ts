/**
 * The WASM gradient kernels against the tfjs CPU backend's own gradients (reference), through tf.grad — the same
 * path layers training takes — on seeded random shapes, strides, paddings and dilations. Relative error
 * (max |ours − ref| / max |ref|) ≤ 1e-4. Then a small MobileNet-style block fine-tunes on WASM: the loss falls.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, tf } from '../host-node';
import { registerGradientKernels } from './register';

type Pad = 'same' | 'valid';
interface Case {
  kind: 'conv2d' | 'depthwise';
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dilations: [number, number];
}

function randomCases(count: number, seed: number): Case[] {
  let s = seed >>> 0;
  const pick = (n: number) => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 16) % n; // high bits: the low ones cycle
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 2 === 0 ? 'conv2d' : 'depthwise';
    const k: [number, number] = [1 + pick(3), 1 + pick(3)];
    // tfjs' gradient definitions refuse dilation > 1, so training never asks the kernels for it.
    const strides: [number, number] = [1 + pick(2), 1 + pick(2)];
    const dilations: [number, number] = [1, 1];
    const inC = 1 + pick(5);
    const filter: [number, number, number, number] = [k[0], k[1], inC, kind === 'conv2d' ? 1 + pick(6) : 1 + pick(2)];
    const x: [number, number, number, number] = [1 + pick(3), 5 + pick(6), 5 + pick(6), inC];
    cases.push({ kind, x, filter, strides, pad: pick(2) ? 'same' : 'valid', dilations });
  }
  return cases;
}

const forward = (c: Case) => (x: tf.Tensor4D, w: tf.Tensor4D) =>
  c.kind === 'conv2d'
    ? tf.conv2d(x, w, c.strides, c.pad, 'NHWC', c.dilations)
    : tf.depthwiseConv2d(x, w, c.strides, c.pad, 'NHWC', c.dilations);

/** dL/dx and dL/dW for L = Σ conv(x, W) · dy, on the active backend. */
function gradients(c: Case, xs: Float32Array, ws: Float32Array, seed: number): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, c.x);
    const w = tf.tensor4d(ws, c.filter);
    const y = forward(c)(x, w);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', seed);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => forward(c)(a as tf.Tensor4D, b as tf.Tensor4D).mul(dy).sum())([x, w]);
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
  });
}

function relativeError(got: Float32Array, ref: Float32Array): number {
  expect(got.length).toBe(ref.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

beforeAll(() => {
  registerGradientKernels('wasm');
});

describe('convolution gradient kernels on WASM', () => {
  const cases = randomCases(24, 20261203);
  it.each(cases.map((c, i) => [i, `${c.kind} x${c.x.join('×')} k${c.filter.join('×')} s${c.strides} d${c.dilations} ${c.pad}`, c] as const))(
    'case %i: %s matches the CPU reference (rel. error ≤ 1e-4)',
    async (i, _label, c) => {
      const xs = Float32Array.from({ length: c.x.reduce((a, b) => a * b) }, (_, k) => Math.sin(k * 1.7 + i));
      const ws = Float32Array.from({ length: c.filter.reduce((a, b) => a * b) }, (_, k) => Math.cos(k * 0.9 + i));
      expect(await activateBackend('cpu')).toBe(true);
      const [refDx, refDw] = gradients(c, xs, ws, 100 + i);
      expect(await activateBackend('wasm')).toBe(true);
      const [dx, dw] = gradients(c, xs, ws, 100 + i);
      expect(relativeError(dw, refDw)).toBeLessThanOrEqual(1e-4);
      expect(relativeError(dx, refDx)).toBeLessThanOrEqual(1e-4);
    },
  );

  it('fine-tunes a MobileNet-style block (depthwise + pointwise conv, BN, ReLU6) on WASM: the loss falls', async () => {
    expect(await activateBackend('wasm')).toBe(true);
    const input = tf.input({ shape: [12, 12, 3] });
    let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.heNormal({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    // Class 0: a bright diagonal stripe; class 1: a bright vertical stripe (needs spatial filters, not colour).
    const images: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 32; i++) {
      const label = i % 2;
      const shift = i % 5;
      for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) for (let c = 0; c < 3; c++) {
        const on = label === 0 ? (x + shift) % 12 === y : x === (3 + shift);
        images.push(on ? 1 : 0);
      }
      labels.push(label);
    }
    const xs = tf.tensor4d(images, [32, 12, 12, 3]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
    const convKernel = model.layers.find((l) => l.getClassName() === 'DepthwiseConv2D')!.getWeights()[0];
    const before = convKernel.dataSync().slice();
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    const history = await model.fit(xs, ys, { epochs: 25, batchSize: 16, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    const after = model.layers.find((l) => l.getClassName() === 'DepthwiseConv2D')!.getWeights()[0].dataSync();
    expect(after.some((v, k) => v !== before[k])).toBe(true); // the depthwise kernel itself trained
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  });
});
