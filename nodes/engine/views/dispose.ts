/** Disposing loaded models whose layers other models share (trunk views, multi-output views). */
import type * as tfjs from '@tensorflow/tfjs';

type Layer = tfjs.layers.Layer;

/** Dispose every weight of every layer of `model` (recursing into nested models), once each. Layer ref-counts are
 * not trusted when a layer lives in several models (same reasoning as the engine's run.ts). */
export function disposeModelWeights(model: tfjs.LayersModel): void {
  const seen = new Set<Layer>();
  const visit = (layer: Layer) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(nested)) nested.forEach(visit);
    for (const weight of layer.weights) {
      try {
        const value = weight.read();
        if (!value.isDisposed) value.dispose();
      } catch {
        // already disposed through another owner
      }
    }
  };
  model.layers.forEach(visit);
}
