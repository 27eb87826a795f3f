/**
 * WASM's BatchMatMul with a transposed operand, as Graft registers it (`register.ts`: transpose first, then the
 * untransposed product), against the tfjs CPU backend on the same inputs: 2-D and batched, either or both operands
 * transposed, size-1 axes (where tfjs-wasm's transpose shares its input's data); no data left behind. Then a dense
 * layer's gradients (the head's backward pass) on WASM against CPU.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, tf } from '../host-node';
import { wasmMatMulTransposesFirst } from './register';

const CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { a: [16, 256], b: [16, 128], transposeA: true, transposeB: false }, // dW = xᵀ·dy
  { a: [16, 128], b: [256, 128], transposeA: false, transposeB: true }, // dx = dy·Wᵀ
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [3, 4, 6], b: [3, 4, 2], transposeA: true, transposeB: false },
  { a: [2, 5, 4], b: [2, 3, 4], transposeA: false, transposeB: true },
  { a: [1, 9], b: [1, 4], transposeA: true, transposeB: false },
  { a: [6, 1], b: [6, 1], transposeA: true, transposeB: false },
  { a: [4, 6], b: [6, 3], transposeA: false, transposeB: false },
];

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

async function onBackend(backend: 'wasm' | 'cpu', compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(compute);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(list);
  return values;
}

function maxRelativeError(ours: Float32Array, reference: Float32Array): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return diff / scale;
}

describe('WASM BatchMatMul with transposed operands (transpose first)', () => {
  beforeAll(async () => {
    expect(await activateBackend('wasm')).toBe(true);
    // The Node host registered it at import (tfjs-wasm first): these products go through it, not tfjs-wasm's own.
    expect(wasmMatMulTransposesFirst()).toBe(true);
  });

  it('gives the CPU backend’s products for every transpose combination and shape', async () => {
    for (const [k, c] of CASES.entries()) {
      const compute = () => tf.matMul(seeded(c.a, 11 + k), seeded(c.b, 97 + k), c.transposeA, c.transposeB);
      const [reference] = await onBackend('cpu', compute);
      const before = tf.engine().backend.numDataIds();
      const [ours] = await onBackend('wasm', compute);
      expect(tf.engine().backend.numDataIds(), `case ${k}: data left behind`).toBe(before);
      expect(ours.length, `case ${k}`).toBe(reference.length);
      expect(maxRelativeError(ours, reference), `case ${k}: ${JSON.stringify(c)}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('a dense layer’s gradients (kernel, bias, input) match the CPU backend’s', async () => {
    const gradients = () => {
      const x = seeded([16, 32], 5);
      const w = seeded([32, 8], 6);
      const bias = seeded([8], 7);
      const dy = seeded([16, 8], 8);
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation: 'relu' }), dy));
      return tf.grads(f)([x, w, bias]);
    };
    const reference = await onBackend('cpu', gradients);
    const ours = await onBackend('wasm', gradients);
    for (let i = 0; i < reference.length; i++) expect(maxRelativeError(ours[i], reference[i]), `gradient ${i}`).toBeLessThanOrEqual(1e-5);
  });
});
