/** Model lifetime helpers: disposing shared layers exactly once, and handing out a standalone copy. */
import type * as tfjs from '@tensorflow/tfjs';

type Layer = tfjs.layers.Layer;

/** Dispose every weight of every layer reachable from `roots` (recursing into nested models), once each. Layer
 * ref-counting cannot be trusted when one layer lives in several models (loaded model, truncated trunk, assembled
 * classifier), so variables are disposed directly. */
export function disposeLayerWeights(roots: Iterable<Layer>, keep: Set<Layer> = new Set()): void {
  const seen = new Set<Layer>();
  const visit = (layer: Layer) => {
    if (seen.has(layer) || keep.has(layer)) return;
    seen.add(layer);
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(nested)) nested.forEach(visit);
    for (const weight of layer.weights) {
      try {
        const value = weight.read();
        if (!value.isDisposed) value.dispose();
      } catch {
        // Already disposed through another owner.
      }
    }
  };
  for (const layer of roots) visit(layer);
}

/** Serialise + deserialise: a standalone LayersModel with its own variables (no shared layers or patched calls). */
export async function cloneModel(tf: typeof tfjs, model: tfjs.LayersModel): Promise<tfjs.LayersModel> {
  let artifacts: tfjs.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('could not serialise the trained model');
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
