import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from '../engine/host-node';
import { hasSharedAssets, requireAssets, SHARED_MODELS } from '../engine/test-utils';
import { catalogEntry, guessTruncationLayer, MODEL_CATALOG, resolveModelMeta, resolveScaling } from './catalog';

function chain(layers: tf.layers.Layer[], inputShape: number[]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  let x = input as tf.SymbolicTensor;
  for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

describe('model catalog', () => {
  it('lists the required models with official URLs, sizes and scalings', () => {
    const ids = MODEL_CATALOG.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'graft-shapes-cnn',
        'mobilenet-v1-0.25-224',
        'mobilenet-v1-0.50-224',
        'mobilenet-v1-1.0-224',
        'tm-mobilenet-v2-0.35-224',
      ]),
    );
    expect(catalogEntry('mobilenet-v1-0.50-224')?.officialUrl).toBe(
      'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.50_224/model.json',
    );
    expect(catalogEntry('tm-mobilenet-v2-0.35-224')?.defaultTruncation).toBe('out_relu');
    for (const entry of MODEL_CATALOG) expect(entry.inputSize[0]).toBeGreaterThan(0);
  });

  it("resolves 'auto' scaling from the catalog, folder metadata, else [0,1]", () => {
    const mobilenet = resolveModelMeta({ kind: 'catalog', id: 'mobilenet-v1-0.25-224' });
    expect(resolveScaling('auto', mobilenet)).toBe('minus1to1');
    expect(resolveScaling('raw255', mobilenet)).toBe('raw255');
    expect(resolveScaling('auto', resolveModelMeta({ kind: 'url', url: 'https://x/model.json' }))).toBe('zero1');
    const folder = resolveModelMeta({ kind: 'catalog', id: 'my-model' }, { inputScaling: 'minus1to1', defaultTruncation: 'feat' });
    expect(resolveScaling('auto', folder)).toBe('minus1to1');
    expect(folder.defaultTruncation).toBe('feat');
  });
});

describe('guessTruncationLayer (generic: last layer before the classification part)', () => {
  beforeAll(async () => {
    await tf.ready();
  });

  it('cuts before GAP + dense softmax, before flatten + dense stacks, and keeps a no-top model whole', () => {
    const withGap = chain(
      [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'c1' }),
        tf.layers.activation({ activation: 'relu', name: 'features' }),
        tf.layers.globalAveragePooling2d({ name: 'gap' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
      [16, 16, 3],
    );
    expect(guessTruncationLayer(withGap)).toBe('features');
    const withDenseStack = chain(
      [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'c1' }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ units: 8, name: 'fc1' }),
        tf.layers.activation({ activation: 'relu', name: 'fc1_relu' }),
        tf.layers.dropout({ rate: 0.5, name: 'drop' }),
        tf.layers.dense({ units: 3, name: 'logits' }),
        tf.layers.softmax({ name: 'probs' }),
      ],
      [16, 16, 3],
    );
    expect(guessTruncationLayer(withDenseStack)).toBe('pool');
    const noTop = chain([tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'c1' }), tf.layers.reLU({ name: 'out_relu' })], [16, 16, 3]);
    expect(guessTruncationLayer(noTop)).toBe('out_relu');
    // A batch normalisation of the pooled vector (Graft's head standardisation) is part of the top; of a feature map,
    // part of the features.
    const standardisedHead = chain(
      [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'c1' }),
        tf.layers.batchNormalization({ name: 'c1_bn' }),
        tf.layers.globalAveragePooling2d({ name: 'gap' }),
        tf.layers.batchNormalization({ name: 'head_standardize' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
      [16, 16, 3],
    );
    expect(guessTruncationLayer(standardisedHead)).toBe('c1_bn');
    tf.dispose([withGap, withDenseStack, noTop, standardisedHead].flatMap((m) => m.weights.map((w) => w.read())));
  });

  it.skipIf(!requireAssets(hasSharedAssets, 'truncation layers of MobileNet v1 / Darknet tiny'))('finds conv_pw_13_relu in MobileNet v1 and leaky_re_lu_15 in Darknet tiny', async () => {
    const host = createNodeHost({ modelsDir: SHARED_MODELS, publicDir: path.join(SHARED_MODELS, 'none') });
    for (const [id, expected] of [
      ['mobilenet-v1-0.25-224', 'conv_pw_13_relu'],
      ['darknet-tiny', 'leaky_re_lu_15'],
    ]) {
      const model = await host.loadModel({ kind: 'catalog', id });
      expect(guessTruncationLayer(model), id).toBe(expected);
      model.dispose();
    }
  });
});
