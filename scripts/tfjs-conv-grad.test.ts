import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerConv2DBackpropFilter } from './tfjs-conv-grad';

/** Reference: tfjs's own CPU kernel, computed before any override is registered. */
async function referenceGradients() {
  await tf.setBackend('cpu');
  const cases: Array<{ x: number[]; xShape: number[]; filterShape: [number, number, number, number]; strides: number; pad: 'same' | 'valid'; expected: Float32Array; dy: number[]; dyShape: number[] }> = [];
  const specs: Array<{ xShape: [number, number, number, number]; filterShape: [number, number, number, number]; strides: number; pad: 'same' | 'valid' }> = [
    { xShape: [2, 7, 6, 3], filterShape: [3, 3, 3, 4] as [number, number, number, number], strides: 1, pad: 'same' as const },
    { xShape: [1, 9, 8, 2], filterShape: [3, 3, 2, 5] as [number, number, number, number], strides: 2, pad: 'same' as const },
    { xShape: [3, 6, 6, 4], filterShape: [2, 3, 4, 2] as [number, number, number, number], strides: 1, pad: 'valid' as const },
  ];
  for (const spec of specs) {
    const x = tf.randomNormal(spec.xShape, 0, 1, 'float32', 7) as tf.Tensor4D;
    const filter = tf.zeros(spec.filterShape) as tf.Tensor4D;
    const yShape = tf.conv2d(x, filter, spec.strides, spec.pad).shape;
    const dy = tf.randomNormal(yShape, 0, 1, 'float32', 8) as tf.Tensor4D;
    // d/dW Σ(conv(x, W) · dy) = the filter gradient for upstream gradient dy.
    const expected = tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, spec.strides, spec.pad).mul(dy).sum())(filter).dataSync() as Float32Array;
    cases.push({ ...spec, x: Array.from(x.dataSync()), dy: Array.from(dy.dataSync()), dyShape: yShape, expected });
  }
  return cases;
}

describe('Conv2DBackpropFilter kernel', () => {
  it('matches tfjs reference gradients on wasm and cpu', async () => {
    const cases = await referenceGradients();
    for (const backend of ['wasm', 'cpu'] as const) {
      registerConv2DBackpropFilter(backend);
      await tf.setBackend(backend);
      for (const c of cases) {
        const got = tf.tidy(() =>
          (
            tf.engine().runKernel(
              'Conv2DBackpropFilter',
              {
                x: tf.tensor4d(c.x, c.xShape as [number, number, number, number]),
                dy: tf.tensor4d(c.dy, c.dyShape as [number, number, number, number]),
              },
              { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape } as unknown as tf.NamedAttrMap,
            ) as tf.Tensor
          ).dataSync(),
        );
        expect(got.length).toBe(c.expected.length);
        let maxDiff = 0;
        for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - c.expected[i]));
        expect(maxDiff).toBeLessThan(1e-3);
      }
    }
  });

  it('lets a conv net train on wasm (loss goes down)', async () => {
    registerConv2DBackpropFilter('wasm');
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    // Class 0: bright top half; class 1: bright bottom half.
    const images: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 32; i++) {
      const label = i % 2;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) images.push((y < 4) === (label === 0) ? 1 : 0);
      labels.push(label);
    }
    const xs = tf.tensor4d(images, [32, 8, 8, 1]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
    const before = model.getWeights()[0].dataSync().slice();
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const history = await model.fit(xs, ys, { epochs: 30, batchSize: 32, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    const after = model.getWeights()[0].dataSync();
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
