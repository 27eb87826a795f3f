/**
 * A plain-typed-array `Conv2DBackpropFilter` kernel (the weight gradient of a 2-D convolution), registered for
 * tfjs backends that lack it or are slow at it:
 * - 'wasm' has no Conv2DBackpropFilter at all, so conv layers cannot be trained there without it;
 * - 'cpu' has one, but it is ~50× slower than this loop (it dominates a training step by far).
 * Pure TS (no Node APIs) so the browser worker can use it too. NHWC, any stride/padding, dilation 1.
 */
import * as tf from '@tensorflow/tfjs';

interface ReadableBackend {
  readSync(dataId: object): unknown;
}
interface WasmLikeBackend extends ReadableBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}
interface CpuLikeBackend extends ReadableBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

/** dW[kh,kw,ci,co] = Σ_{b,y,x} x[b, y·s+kh−padTop, x·s+kw−padLeft, ci] · dy[b,y,x,co] */
export function conv2dFilterGradient(
  x: Float32Array,
  xShape: [number, number, number, number],
  dy: Float32Array,
  dyShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number],
  padTop: number,
  padLeft: number,
): Float32Array {
  const [batch, inH, inW, inC] = xShape;
  const [, outH, outW, outC] = dyShape;
  const [kH, kW] = filterShape;
  const [sH, sW] = strides;
  const dW = new Float32Array(kH * kW * inC * outC);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((b * outH + oy) * outW + ox) * outC;
        for (let kh = 0; kh < kH; kh++) {
          const iy = oy * sH + kh - padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const ix = ox * sW + kw - padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (kh * kW + kw) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const xv = x[xBase + ci];
              if (xv === 0) continue; // post-ReLU inputs are often zero
              const w = wBase + ci * outC;
              for (let co = 0; co < outC; co++) dW[w + co] += xv * dy[dyBase + co];
            }
          }
        }
      }
    }
  }
  return dW;
}

const registered = new Set<string>();

/** Register the fast kernel for `backendName` ('wasm' or 'cpu'), replacing any existing one. Idempotent. */
export function registerConv2DBackpropFilter(backendName: 'wasm' | 'cpu'): void {
  if (registered.has(backendName)) return;
  if (tf.getKernel('Conv2DBackpropFilter', backendName)) tf.unregisterKernel('Conv2DBackpropFilter', backendName);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const readable = backend as unknown as ReadableBackend;
      const dW = conv2dFilterGradient(
        readable.readSync(x.dataId) as Float32Array,
        x.shape as [number, number, number, number],
        readable.readSync(dy.dataId) as Float32Array,
        dy.shape as [number, number, number, number],
        filterShape,
        [info.strideHeight, info.strideWidth],
        info.padInfo.top,
        info.padInfo.left,
      );
      if (backendName === 'wasm') return (backend as unknown as WasmLikeBackend).makeOutput(filterShape, 'float32', undefined, dW);
      return (backend as unknown as CpuLikeBackend).makeTensorInfo(filterShape, 'float32', dW);
    },
  });
  registered.add(backendName);
}
