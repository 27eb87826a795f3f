/**
 * Registers the convolution gradient kernels (`conv-gradients.ts`) with tfjs, so conv layers can train on the WASM
 * backend (which has none of them). The worker and the Node host call `registerGradientKernels('wasm')` once at
 * start-up; the pretraining script also uses it on 'cpu', where the loops beat tfjs' own kernels by far.
 * Reads the backend's input buffers synchronously (both are CPU-memory backends) and hands back a new output.
 * On WASM it also makes matrix products with a transposed operand transpose first (`transposeFirstMatMul`).
 */
import * as tf from '@tensorflow/tfjs';
import {
  conv2dFilterGradient,
  conv2dInputGradient,
  depthwiseFilterGradient,
  depthwiseInputGradient,
  type ConvGeometry,
} from './conv-gradients';

export type GradientBackend = 'wasm' | 'cpu';

interface MemoryBackend {
  readSync(dataId: object): unknown;
}
interface WasmLikeBackend extends MemoryBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}
interface CpuLikeBackend extends MemoryBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

export const GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

function geometry(info: tf.backend_util.Conv2DInfo, depthwise: boolean): ConvGeometry {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: depthwise ? info.outChannels / info.inChannels : info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function floats(backend: MemoryBackend, t: tf.TensorInfo): Float32Array {
  const values = backend.readSync(t.dataId);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

function output(backendName: GradientBackend, backend: unknown, shape: number[], values: Float32Array): tf.TensorInfo {
  if (backendName === 'wasm') return (backend as WasmLikeBackend).makeOutput(shape, 'float32', undefined, values);
  return (backend as CpuLikeBackend).makeTensorInfo(shape, 'float32', values);
}

function convInfo(
  inShape: Shape4,
  filterShape: Shape4,
  attrs: { strides: number | [number, number]; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dilations?: number | [number, number]; dataFormat?: string },
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('convolution gradients: only NHWC (channels last) is supported');
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as 'same' | 'valid',
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

const registered = new Set<GradientBackend>();

/** Register the four gradient kernels for `backendName`, replacing existing ones. Idempotent. */
export function registerGradientKernels(backendName: GradientBackend): void {
  if (registered.has(backendName)) return;
  const register = (kernelName: (typeof GRADIENT_KERNELS)[number], kernelFunc: tf.KernelFunc) => {
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  };
  register('Conv2DBackpropFilter', ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const g = geometry(convInfo(x.shape as Shape4, a.filterShape, a, false), false);
    const mem = backend as unknown as MemoryBackend;
    return output(backendName, backend, a.filterShape, conv2dFilterGradient(floats(mem, x), floats(mem, dy), g));
  });
  register('Conv2DBackpropInput', ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const g = geometry(convInfo(a.inputShape, filter.shape as Shape4, a, false), false);
    const mem = backend as unknown as MemoryBackend;
    return output(backendName, backend, a.inputShape, conv2dInputGradient(floats(mem, dy), floats(mem, filter), g));
  });
  register('DepthwiseConv2dNativeBackpropFilter', ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const g = geometry(convInfo(x.shape as Shape4, a.filterShape, a, true), true);
    const mem = backend as unknown as MemoryBackend;
    return output(backendName, backend, a.filterShape, depthwiseFilterGradient(floats(mem, x), floats(mem, dy), g));
  });
  register('DepthwiseConv2dNativeBackpropInput', ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    const g = geometry(convInfo(a.inputShape, filter.shape as Shape4, a, true), true);
    const mem = backend as unknown as MemoryBackend;
    return output(backendName, backend, a.inputShape, depthwiseInputGradient(floats(mem, dy), floats(mem, filter), g));
  });
  if (backendName === 'wasm') transposeFirstMatMul();
  registered.add(backendName);
}

/**
 * Every dense layer's backward pass multiplies by a transposed matrix (dW = xᵀ·dy, dx = dy·Wᵀ). tfjs-wasm's
 * BatchMatMul does that in a plain loop; transposing the operand first (its Transpose kernel) and multiplying
 * untransposed (XNNPACK) gives the same products faster: for a 256→128 dense layer at batch 16, xᵀ·dy took 0.91 ms
 * and 0.18 ms, dy·Wᵀ 0.67 ms and 0.35 ms (Node, single-threaded SIMD). Head training is mostly such steps.
 */
let matMulTransposesFirst = false;

function transposeFirstMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  matMulTransposesFirst = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const made: tf.TensorInfo[] = [];
      // Swap the last two axes; leading (batch) axes stay.
      const flipped = (t: tf.TensorInfo): tf.TensorInfo => {
        const perm = t.shape.map((_, i) => i);
        perm.splice(-2, 2, perm.length - 1, perm.length - 2);
        const out = transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
        made.push(out);
        return out;
      };
      try {
        return original.kernelFunc({
          inputs: { a: transposeA ? flipped(a) : a, b: transposeB ? flipped(b) : b },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        // The transposed copies are this kernel's own (a no-op transpose shares its input's data with a reference).
        for (const t of made) (backend as unknown as { disposeData(dataId: object): void }).disposeData(t.dataId);
      }
    },
  });
}

/** Whether WASM's BatchMatMul was replaced by the transpose-first one (false when tfjs-wasm was not loaded first). */
export function wasmMatMulTransposesFirst(): boolean {
  return matMulTransposesFirst;
}

/** Whether `registerGradientKernels(backendName)` ran in this process (the backend policy's "WASM trains convs"). */
export function gradientKernelsRegistered(backendName: GradientBackend): boolean {
  return registered.has(backendName);
}
