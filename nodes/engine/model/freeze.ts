/**
 * The freezing rule, the only copy: which trunk layers stay fixed, and what "frozen" means for them. Used by the
 * engine (model/trunk.ts) and embedded verbatim by "View code". Dependency-free on purpose.
 */
export type FreezeRule = { mode: 'none' } | { mode: 'all' } | { mode: 'firstN'; count: number } | { mode: 'upTo'; layer: string };

/** The trunk's layers without its InputLayer (what Freeze Layers counts). */
export function trunkLayersOf(model: import('@tensorflow/tfjs').LayersModel): import('@tensorflow/tfjs').layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
}

/** How many leading trunk layers are frozen; a string (the problem) when an 'upTo' layer does not exist. */
export function frozenCountFor(freeze: FreezeRule, layerNames: string[]): number | string {
  switch (freeze.mode) {
    case 'none':
      return 0;
    case 'all':
      return layerNames.length;
    case 'firstN':
      return Math.max(0, Math.min(layerNames.length, Math.floor(freeze.count)));
    case 'upTo': {
      const index = layerNames.indexOf(freeze.layer);
      return index < 0 ? `the trunk has no layer named "${freeze.layer}"` : index + 1;
    }
  }
}

/**
 * Freeze the first `frozenCount` layers: not trainable, and always in inference mode (BatchNormalization uses its
 * moving statistics and does not update them, Dropout is off) whatever mode the model is called in — what
 * "frozen" means for BN in Keras. Returns whether any trainable layer with weights remains (fine-tuning).
 */
export function applyFreeze(layers: import('@tensorflow/tfjs').layers.Layer[], frozenCount: number): boolean {
  let trainsLayers = false;
  layers.forEach((layer, i) => {
    if (i < frozenCount) {
      layer.trainable = false;
      const original = layer.call.bind(layer);
      layer.call = (inputs, kwargs) => original(inputs, { ...(kwargs ?? {}), training: false });
    } else {
      layer.trainable = true;
      if (layer.trainableWeights.length > 0) trainsLayers = true;
    }
  });
  return trainsLayers;
}
