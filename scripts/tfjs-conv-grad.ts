/**
 * The pretraining script's `Conv2DBackpropFilter` registration, now a thin wrapper over the engine's gradient
 * kernels (`nodes/engine/kernels/`), which generalise it to Conv2DBackpropInput and the depthwise gradients:
 * - 'wasm' has none of them, so conv layers cannot be trained there without them;
 * - 'cpu' has them, but ~50× slower than these loops (they dominate a training step by far).
 */
import { registerGradientKernels, type GradientBackend } from '../nodes/engine/kernels/register';

export { conv2dFilterGradient } from '../nodes/engine/kernels/conv-gradients';

/** Register the fast convolution gradient kernels for `backendName` ('wasm' or 'cpu'). Idempotent. */
export function registerConv2DBackpropFilter(backendName: GradientBackend): void {
  registerGradientKernels(backendName);
}
