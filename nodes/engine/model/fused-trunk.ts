/**
 * The fused inference trunk: a frozen trunk's forward pass for feature extraction, with each BatchNormalization
 * folded into the convolution before it and the activation after it fused into the same kernel
 * (`tf.fused.conv2d` / `tf.fused.depthwiseConv2d`).
 *
 * Why: a Keras-style MobileNet runs layer by layer — Conv2D, BatchNormalization, Activation('relu6') — and on
 * tfjs-wasm only the convolution runs in XNNPACK on the thread pool; FusedBatchNorm, Relu and Minimum are
 * single-threaded loops with a dispatch each. Measured on MobileNet v1 α0.25 (WASM, Node, 16 images): the
 * convolutions were under a third of the kernel time, BatchNorm + Relu + Minimum over two thirds — so a second
 * thread could not help (Amdahl). Folded, XNNPACK does the bias and the relu/relu6 clamp inside the convolution.
 *
 * Same numbers as `trunk.predict` up to float rounding (tested: relative error ≤ 1e-4). Every layer it does not
 * fold runs through its own `layer.apply` (exactly what `predict` does); a model it cannot walk (several inputs or
 * outputs) runs plain `predict`. Only for frozen trunks: the folded weights are a snapshot, taken once.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TF } from '../context';

type Tensor = tfjs.Tensor;
type KerasLayer = tfjs.layers.Layer;
type Activation = 'linear' | 'relu' | 'relu6' | 'leakyrelu';

/** What tfjs-layers keeps on a symbolic tensor (not in its public typings). */
interface Symbolic {
  id: number;
  sourceLayer: KerasLayer;
  nodeIndex: number;
  inputs: Symbolic[];
}
interface LayerNode {
  inputTensors: Symbolic[];
  outputTensors: Symbolic[];
}

interface ConvStep {
  kind: 'conv';
  depthwise: boolean;
  input: number;
  output: number;
  filter: tfjs.Tensor4D;
  bias: tfjs.Tensor1D | null;
  strides: [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilations: [number, number];
  activation: Activation;
  leakyreluAlpha?: number;
}
interface LayerStep {
  kind: 'layer';
  /** The layer's own `apply`, or a nested model's fused forward (Graft's exported classifiers nest their trunk). */
  apply(inputs: Tensor[]): Tensor | Tensor[];
  inputs: number[];
  outputs: number[];
}
type Step = ConvStep | LayerStep;

export interface FusedTrunkSummary {
  /** false = plain `predict` (see `reason`). */
  fused: boolean;
  convolutions: number;
  foldedBatchNorms: number;
  fusedActivations: number;
  foldedPaddings: number;
  /** Layers run through their own `apply` (pooling, padding before a depthwise conv, anything unknown). */
  appliedLayers: number;
  reason?: string;
}

export interface FusedTrunk {
  /** Trunk features for a batch of (already scaled) inputs; the caller owns the result. */
  predict(x: Tensor): Tensor;
  summary: FusedTrunkSummary;
  /** Frees the folded weights (and XNNPACK's operators cached on them). */
  dispose(): void;
}

const pair = (v: unknown): [number, number] => {
  const a = Array.isArray(v) ? v : [v, v];
  return [Number(a[0]), Number(a[a.length > 1 ? 1 : 0])];
};

const configOf = (layer: KerasLayer) => layer.getConfig() as Record<string, unknown>;

/** The fusable activation a layer (or a conv's own `activation`) computes, or null. */
function activationOf(layer: KerasLayer): { activation: Activation; alpha?: number } | null {
  const config = configOf(layer);
  switch (layer.getClassName()) {
    case 'Activation':
      return namedActivation(config.activation);
    case 'ReLU':
      if (config.maxValue == null) return { activation: 'relu' };
      return Number(config.maxValue) === 6 ? { activation: 'relu6' } : null;
    case 'LeakyReLU':
      return typeof config.alpha === 'number' ? { activation: 'leakyrelu', alpha: config.alpha } : null;
    default:
      return null;
  }
}

function namedActivation(name: unknown): { activation: Activation } | null {
  return name === 'linear' || name === 'relu' || name === 'relu6' ? { activation: name } : null;
}

/** tfjs-layers' own weights by Keras name suffix (the order differs with `center` / `scale`). */
function weightNamed(layer: KerasLayer, suffix: string): Tensor | null {
  const found = layer.weights.find((w) => (w.originalName ?? w.name).replace(/:\d+$/, '').endsWith(suffix));
  return found ? found.read() : null;
}

function isModel(layer: KerasLayer): layer is tfjs.LayersModel {
  const m = layer as unknown as { inputs?: unknown; outputs?: unknown; layers?: unknown };
  return Array.isArray(m.layers) && Array.isArray(m.inputs) && Array.isArray(m.outputs);
}

function isChannelsLast(config: Record<string, unknown>): boolean {
  return config.dataFormat == null || config.dataFormat === 'channelsLast';
}

export function buildFusedTrunk(tf: TF, trunk: tfjs.LayersModel): FusedTrunk {
  const plain = (reason: string): FusedTrunk => ({
    predict: (x) => trunk.predict(x) as Tensor,
    summary: { fused: false, convolutions: 0, foldedBatchNorms: 0, fusedActivations: 0, foldedPaddings: 0, appliedLayers: 0, reason },
    dispose: () => {},
  });
  if (trunk.inputs.length !== 1 || trunk.outputs.length !== 1) return plain('the trunk has several inputs or outputs');
  const input = trunk.inputs[0] as unknown as Symbolic;
  const output = trunk.outputs[0] as unknown as Symbolic;

  // Walk the graph back from the output: every node once, producers before consumers.
  const nodeOf = (s: Symbolic): LayerNode | undefined =>
    (s.sourceLayer as unknown as { inboundNodes: LayerNode[] }).inboundNodes[s.nodeIndex];
  const order: LayerNode[] = [];
  const seen = new Set<LayerNode>();
  const consumers = new Map<number, LayerNode[]>();
  let walkable = true;
  const visit = (s: Symbolic) => {
    if (s.id === input.id) return;
    const node = nodeOf(s);
    if (!node || !Array.isArray(node.inputTensors) || node.inputTensors.length === 0) {
      walkable = false;
      return;
    }
    if (seen.has(node)) return;
    seen.add(node);
    for (const i of node.inputTensors) {
      consumers.set(i.id, [...(consumers.get(i.id) ?? []), node]);
      visit(i);
    }
    order.push(node);
  };
  visit(output);
  if (!walkable) return plain('the trunk graph could not be walked from its output to its input');

  const layerOf = (node: LayerNode) => node.outputTensors[0].sourceLayer;
  /** The only node reading `s` (and `s` is not the trunk's output), else null: only then can `s` vanish in a fusion. */
  const soleConsumer = (s: Symbolic): LayerNode | null => {
    const list = consumers.get(s.id) ?? [];
    return list.length === 1 && s.id !== output.id && list[0].outputTensors.length === 1 ? list[0] : null;
  };

  const owned: Tensor[] = [];
  const nested: FusedTrunk[] = [];
  const steps: Step[] = [];
  const absorbed = new Set<LayerNode>();
  const summary: FusedTrunkSummary = { fused: true, convolutions: 0, foldedBatchNorms: 0, fusedActivations: 0, foldedPaddings: 0, appliedLayers: 0 };

  try {
    // First the convolutions (each may absorb the padding before it, so this pass precedes the ordering pass) …
    const convs = new Map<LayerNode, ConvStep>();
    for (const node of order) {
      const conv = convStep(tf, node);
      if (!conv) continue;
      owned.push(conv.filter, ...(conv.bias ? [conv.bias] : []));
      convs.set(node, conv);
      summary.convolutions++;
    }
    // … then every step in graph order.
    for (const node of order) {
      const conv = convs.get(node);
      if (conv) steps.push(conv);
      else if (!absorbed.has(node) && layerOf(node).getClassName() !== 'InputLayer') {
        const layer = layerOf(node);
        const inner = isModel(layer) && node.inputTensors.length === 1 ? buildFusedTrunk(tf, layer) : null;
        if (inner?.summary.fused) {
          nested.push(inner);
          for (const key of ['convolutions', 'foldedBatchNorms', 'fusedActivations', 'foldedPaddings', 'appliedLayers'] as const) summary[key] += inner.summary[key];
        }
        const apply = inner?.summary.fused ? (ins: Tensor[]) => inner.predict(ins[0]) : (ins: Tensor[]) => layer.apply(ins) as Tensor | Tensor[];
        steps.push({ kind: 'layer', apply, inputs: node.inputTensors.map((t) => t.id), outputs: node.outputTensors.map((t) => t.id) });
        if (!inner?.summary.fused) summary.appliedLayers++;
      }
    }
  } catch (error) {
    tf.dispose(owned);
    nested.forEach((n) => n.dispose());
    return plain(`folding failed: ${(error as Error).message}`);
  }
  if (summary.convolutions === 0) {
    tf.dispose(owned);
    nested.forEach((n) => n.dispose());
    return plain('the trunk has no convolution to fuse');
  }

  /** A conv node (+ the padding before it, the batch norm and activation after it) as one fused step, or null. */
  function convStep(tfx: TF, node: LayerNode): ConvStep | null {
    const layer = layerOf(node);
    const kind = layer.getClassName();
    if ((kind !== 'Conv2D' && kind !== 'DepthwiseConv2D') || node.inputTensors.length !== 1 || node.outputTensors.length !== 1) return null;
    const config = configOf(layer);
    if (!isChannelsLast(config) || (config.groups != null && config.groups !== 1)) return null;
    const own = namedActivation(config.activation);
    if (!own) return null;
    const depthwise = kind === 'DepthwiseConv2D';
    const kernel = weightNamed(layer, depthwise ? 'depthwise_kernel' : 'kernel');
    if (!kernel || kernel.rank !== 4) return null;
    const bias = config.useBias === false ? null : weightNamed(layer, 'bias');
    if (config.useBias !== false && !bias) return null;

    let inputTensor = node.inputTensors[0];
    let pad: ConvStep['pad'] = config.padding === 'same' ? 'same' : 'valid';
    const absorbing: LayerNode[] = [];
    // ZeroPadding2D → Conv2D('valid'): explicit padding in the convolution (the fused depthwise op takes none).
    const before = nodeOf(inputTensor);
    if (!depthwise && pad === 'valid' && before && layerOf(before).getClassName() === 'ZeroPadding2D' && soleConsumer(inputTensor) === node) {
      const padConfig = configOf(layerOf(before));
      const p = padConfig.padding as unknown;
      if (isChannelsLast(padConfig) && Array.isArray(p) && p.length === 2 && Array.isArray(p[0]) && Array.isArray(p[1]) && before.inputTensors.length === 1) {
        const [[top, bottom], [left, right]] = p as [[number, number], [number, number]];
        pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
        inputTensor = before.inputTensors[0];
        absorbing.push(before);
        summary.foldedPaddings++;
      }
    }

    let filter = kernel;
    let fusedBias: Tensor | null = bias;
    let out = node.outputTensors[0];
    let activation: Activation = own.activation;
    let leakyreluAlpha: number | undefined;
    // BatchNormalization right after a linear conv: scale the kernel per output channel, shift the bias.
    const bnNode = activation === 'linear' ? soleConsumer(out) : null;
    if (bnNode && layerOf(bnNode).getClassName() === 'BatchNormalization' && bnNode.inputTensors.length === 1) {
      const bn = layerOf(bnNode);
      const bnConfig = configOf(bn);
      const axis = Number(bnConfig.axis ?? -1);
      const mean = weightNamed(bn, 'moving_mean');
      const variance = weightNamed(bn, 'moving_variance');
      const gamma = bnConfig.scale === false ? null : weightNamed(bn, 'gamma');
      const beta = bnConfig.center === false ? null : weightNamed(bn, 'beta');
      if ((axis === -1 || axis === 3) && mean && variance && (gamma || bnConfig.scale === false) && (beta || bnConfig.center === false)) {
        const epsilon = Number(bnConfig.epsilon ?? 1e-3);
        [filter, fusedBias] = tfx.tidy(() => {
          const scale = tfx.div(gamma ?? tfx.onesLike(variance), tfx.sqrt(tfx.add(variance, epsilon)));
          const [, , inChannels, last] = kernel.shape;
          // Depthwise output channel c = in·multiplier + m, so the per-channel scale is [in, multiplier] there.
          const scaled = tfx.mul(kernel, depthwise ? tfx.reshape(scale, [inChannels, last]) : scale);
          const shifted = tfx.add(tfx.mul(tfx.sub(bias ?? tfx.zerosLike(mean), mean), scale), beta ?? tfx.zerosLike(mean));
          return [scaled, shifted];
        });
        out = bnNode.outputTensors[0];
        absorbing.push(bnNode);
        summary.foldedBatchNorms++;
      }
    }
    // The activation layer after it (relu, relu6, leaky relu): fused into the same kernel.
    const actNode = activation === 'linear' ? soleConsumer(out) : null;
    const act = actNode && actNode.inputTensors.length === 1 ? activationOf(layerOf(actNode)) : null;
    if (actNode && act) {
      activation = act.activation;
      leakyreluAlpha = act.alpha;
      out = actNode.outputTensors[0];
      absorbing.push(actNode);
      if (act.activation !== 'linear') summary.fusedActivations++;
    }
    absorbing.forEach((n) => absorbed.add(n));
    const dilation = pair(config.dilationRate ?? 1);
    return {
      kind: 'conv',
      depthwise,
      input: inputTensor.id,
      output: out.id,
      // Own copies (a clone shares the variable's data when nothing was folded): disposed with the fused trunk.
      filter: (filter === kernel ? tfx.clone(kernel) : filter) as tfjs.Tensor4D,
      bias: fusedBias ? ((fusedBias === bias ? tfx.clone(fusedBias) : fusedBias) as tfjs.Tensor1D) : null,
      strides: pair(config.strides ?? 1),
      pad,
      dilations: dilation,
      activation,
      ...(leakyreluAlpha !== undefined ? { leakyreluAlpha } : {}),
    };
  }

  // How many steps read each tensor (plus the output): intermediate results are freed once read for the last time.
  const reads = new Map<number, number>([[output.id, 1]]);
  for (const step of steps) for (const id of step.kind === 'conv' ? [step.input] : step.inputs) reads.set(id, (reads.get(id) ?? 0) + 1);

  const run = (x: Tensor): Tensor => {
    const values = new Map<number, Tensor>([[input.id, x]]);
    const left = new Map(reads);
    const take = (id: number): Tensor => {
      const value = values.get(id);
      if (!value) throw new Error(`fused trunk: tensor ${id} missing`);
      return value;
    };
    const release = (ids: number[]) => {
      for (const id of ids) {
        const n = (left.get(id) ?? 0) - 1;
        left.set(id, n);
        if (n > 0) continue;
        const value = values.get(id);
        values.delete(id);
        // A layer may hand back its input as its output (linear Activation, Dropout at inference): still in use.
        if (value && value !== x && ![...values.values()].includes(value)) value.dispose();
      }
    };
    for (const step of steps) {
      if (step.kind === 'conv') {
        const args = {
          x: take(step.input) as tfjs.Tensor4D,
          filter: step.filter,
          strides: step.strides,
          dilations: step.dilations,
          bias: step.bias ?? undefined,
          activation: step.activation,
          leakyreluAlpha: step.leakyreluAlpha,
        };
        const y = step.depthwise
          ? tf.fused.depthwiseConv2d({ ...args, pad: step.pad as 'same' | 'valid' })
          : tf.fused.conv2d({ ...args, pad: step.pad });
        values.set(step.output, y);
        release([step.input]);
      } else {
        const ins = step.inputs.map(take);
        const outs = step.apply(ins);
        (Array.isArray(outs) ? outs : [outs]).forEach((t, k) => values.set(step.outputs[k], t));
        release(step.inputs);
      }
    }
    return take(output.id);
  };

  let disposed = false;
  return {
    predict: (x) => tf.tidy(() => run(x)),
    summary,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      tf.dispose(owned);
      nested.forEach((n) => n.dispose());
    },
  };
}

/** One line for run notes and the bench: what the fused trunk did. */
export function describeFusedTrunk(summary: FusedTrunkSummary): string {
  if (!summary.fused) return `plain predict (${summary.reason ?? 'not fused'})`;
  return (
    `${summary.convolutions} convolutions fused (${summary.foldedBatchNorms} batch norms folded, ` +
    `${summary.fusedActivations} activations fused${summary.foldedPaddings ? `, ${summary.foldedPaddings} paddings folded` : ''}), ` +
    `${summary.appliedLayers} other layers as they are`
  );
}
