/**
 * Where to read a layer's output inside a model — the only copy, used by the trunk cut, the views and "View code"
 * (embedded verbatim). Dependency-free on purpose.
 *
 * `layer.output` throws when the layer was called more than once, and a nested model always was (its own graph,
 * then the call in the outer one): Graft's own exported classifier holds its trunk as a nested model named "trunk",
 * the default cut. The output to use is the one of the call `model` itself contains.
 */
export function layerOutputIn(
  model: import('@tensorflow/tfjs').LayersModel,
  layer: import('@tensorflow/tfjs').layers.Layer,
): import('@tensorflow/tfjs').SymbolicTensor {
  type Symbolic = import('@tensorflow/tfjs').SymbolicTensor;
  const calls = (layer as unknown as { inboundNodes: unknown[] }).inboundNodes.length;
  if (calls <= 1) return layer.output as Symbolic;
  // tfjs keys the calls a container holds as `<layer>_ib-<call index>`.
  const own = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  for (let i = calls - 1; i >= 0; i--) {
    if (own?.has(`${layer.name}_ib-${i}`)) return layer.getOutputAt(i) as Symbolic;
  }
  return layer.getOutputAt(calls - 1) as Symbolic;
}
