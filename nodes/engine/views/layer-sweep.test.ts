/**
 * The layer sweep is real: on Graft's pretrained model and the template's dataset, its per-layer accuracy matches a
 * linear head trained separately by the engine (its own forward pass at that cut, its own optimiser) at two layers,
 * within the noise of a 16-image validation split. Also: the views' split is the run's split (same test ids).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from '../host-node';
import { runSinglePlan } from '../run';
import { testPlan } from '../test-utils';
import { scalingToAffine } from '../../pretrained-model/catalog';
import { candidateCuts, probeLayers, sweepActivations } from './layer-sweep';
import { splitOfPlan } from './split';
import { inputBatch, loadPixels } from './pixels';
import { disposeModelWeights } from './dispose';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

describe.skipIf(!fs.existsSync(builtinModel))('layer sweep on graft-shapes-cnn + builtin:shapes-target', () => {
  beforeAll(async () => {
    await tf.ready();
  });

  it('picks ≥ 6 block outputs across the depth, including the current cut', async () => {
    const host = createNodeHost();
    const model = await host.loadModel({ kind: 'catalog', id: 'graft-shapes-cnn' });
    const cuts = candidateCuts(model, 'features');
    disposeModelWeights(model);
    expect(cuts.map((c) => c.name)).toEqual(['block1_relu', 'block1_pool', 'block2_relu', 'block2_pool', 'block3_relu', 'block3_pool', 'features']);
    expect(cuts.map((c) => c.dim)).toEqual([16, 16, 32, 32, 48, 48, 64]);
  });

  it('matches separately trained linear heads at two layers; leaks no tensors', async () => {
    const host = createNodeHost();
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 80 });
    plan.classifier.head.hiddenLayers = 0;
    plan.classifier.head.dropout = 0;
    plan.classifier.head.pooling = 'gap';
    plan.train.learningRate = 0.01;

    const before = tf.memory().numTensors;
    const source = await host.openDataset(plan.dataset.datasetId);
    const split = splitOfPlan(source, plan);
    const model = await host.loadModel(plan.classifier.model.source);
    const candidates = candidateCuts(model, 'features');
    const affine = scalingToAffine('zero1');
    const items = [...split.train, ...split.validation];
    const acts = await sweepActivations(tf, model, candidates, {
      items,
      async batch(batchItems) {
        const pixels = await loadPixels(tf, source, batchItems, [32, 32]);
        const ok = batchItems.filter((_, k) => pixels[k]);
        const x = ok.length ? inputBatch(tf, pixels.filter((p): p is Uint8Array => p !== null), { inputSize: [32, 32], ...affine }) : null;
        return { x, kept: ok };
      },
    });
    disposeModelWeights(model);
    expect(tf.memory().numTensors).toBe(before);
    expect(acts.kept).toEqual(items);
    const sweep = probeLayers(acts, (i) => source.items[i].label, source.labels.length, split, 'features');
    console.log(
      `layer sweep (validation ${sweep.validationCount} images): ` +
        sweep.layers.map((l) => `${l.name} ${(l.accuracy * 100).toFixed(0)}%`).join(', ') +
        ` — best ${sweep.best}${sweep.deepestIsNotBest ? ' (deeper is not always better)' : ''}`,
    );
    expect(sweep.validationCount).toBe(16);
    expect(Math.max(...sweep.layers.map((l) => l.accuracy))).toBeGreaterThan(0.5);

    for (const layer of ['block3_pool', 'features']) {
      const probePlan = structuredClone(plan);
      probePlan.classifier.model.truncateAt = layer;
      const result = await runSinglePlan(probePlan, host, { onEvent: () => {} });
      const testIds: string[] = (result.evaluation.predictions ?? []).map((p) => p.id);
      // The views revisit exactly the run's test images.
      expect(testIds).toEqual(split.test.map((i) => source.items[i].name));
      const separate = result.epochs[result.epochs.length - 1].valAccuracy!;
      const swept = sweep.layers.find((l) => l.name === layer)!.accuracy;
      console.log(`${layer}: sweep ${(swept * 100).toFixed(1)}% vs separately trained linear head ${(separate * 100).toFixed(1)}%`);
      // Within noise: 3 of 16 validation images.
      expect(Math.abs(swept - separate)).toBeLessThanOrEqual(3 / 16 + 1e-9);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
