/**
 * Helpers for engine tests: a tiny real CNN saved to a temp folder (so tests need no downloaded assets) and
 * plans compiled from the real templates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activateBackend, tf } from './host-node';
import { compileGraph } from '../compiler';
import { minimalTemplate, pipelineTemplate } from '../templates';
import type { Plan } from '../core/plan';
import { fileSaveHandler } from './host-node/tfjs-file-io';

export { SHARED_ASSETS, SHARED_MODELS, SHARED_DATASETS, SHARED_FLOWERS, hasSharedAssets, hasSharedFlowers, requireAssets } from './test-assets';

/** A small ImageNet-style CNN (conv/BN/relu blocks, GAP, dense softmax) with seeded random weights, saved as
 * `<modelsDir>/tiny-cnn/model.json`. Returns the models dir. */
export async function saveTinyCnn(modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-engine-'))): Promise<string> {
  await activateBackend('wasm');
  const input = tf.input({ shape: [32, 32, 3] });
  let x = input as tf.SymbolicTensor;
  [8, 16].forEach((filters, i) => {
    x = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: 'same', name: `conv${i + 1}`, kernelInitializer: tf.initializers.heNormal({ seed: 11 + i }) })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ activation: 'relu', name: `relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, activation: 'softmax', name: 'predictions' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  // Non-trivial BN statistics, so a BN layer wrongly run in training mode would change the features.
  for (const layer of model.layers) {
    if (layer.getClassName() === 'BatchNormalization') {
      const values = layer.getWeights().map((w, k) => tf.fill(w.shape, [1.3, 0.2, 0.1, 2.0][k]));
      layer.setWeights(values);
      tf.dispose(values);
    }
  }
  await model.save(fileSaveHandler(path.join(modelsDir, 'tiny-cnn')));
  model.dispose();
  return modelsDir;
}

/** A plan from the real templates, pointed at `model` and `datasetId`, with small-test defaults. */
export function testPlan(opts: { model: string; datasetId: string; augment?: boolean; epochs?: number }): Plan {
  const result = compileGraph(opts.augment ? pipelineTemplate() : minimalTemplate());
  if (!result.ok) throw new Error(`template does not compile: ${JSON.stringify(result.errors)}`);
  const plan = result.plan;
  plan.dataset.datasetId = opts.datasetId;
  plan.classifier.model.source = { kind: 'catalog', id: opts.model };
  plan.train.epochs = opts.epochs ?? 5;
  return plan;
}
