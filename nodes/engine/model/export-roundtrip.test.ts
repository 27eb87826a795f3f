/**
 * Graft's own export comes back: a trained classifier saved as Graft exports it (the trunk is a nested model named
 * "trunk") loads as a Pretrained Model with the default cut and trains (issue #16: "Layer trunk has multiple inbound
 * nodes" with the default cut).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from '../host-node';
import { fileSaveHandler } from '../host-node/tfjs-file-io';
import { runPlan } from '../run';
import type { TrainedModel } from '../host';
import type { RunEvent } from '../types';
import { saveTinyCnn, testPlan } from '../test-utils';
import { sweepActivations } from '../views/layer-sweep';
import { layerOutputIn } from './layer-output';

let modelsDir = '';
const DATASET = 'builtin:shapes-target';
const host = () => createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public') });

beforeAll(async () => {
  modelsDir = await saveTinyCnn();
});

describe('export → load back → train', () => {
  it('the exported classifier, cut at its default layer (the nested trunk), trains again', async () => {
    const first = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 1 });
    first.dataset.maxImagesPerClass = 12;
    let trained: TrainedModel | null = null;
    await runPlan(first, host(), { onEvent: () => {}, onTrainedModel: (t) => (trained = t) });
    const kept = (trained as unknown as TrainedModel).model;
    expect(kept.layers.map((l) => `${l.name}:${l.getClassName()}`)).toContain('trunk:Model');
    // The views read the nested trunk through the same rule (the layer sweep asks for its output).
    const trunkLayer = kept.getLayer('trunk');
    expect(() => trunkLayer.output).toThrow(/multiple inbound nodes/);
    const [h, w, c] = kept.inputs[0].shape.slice(1) as number[];
    const swept = await sweepActivations(tf, kept, [{ name: 'trunk', depth: 1, dim: layerOutputIn(kept, trunkLayer).shape.at(-1)!, shape: '' }], {
      items: [0, 1, 2],
      batch: async (items) => ({ x: tf.zeros([items.length, h, w, c]) as never, kept: items }),
    });
    expect(swept.kept).toEqual([0, 1, 2]);
    expect(swept.features[0].length).toBe(3 * swept.candidates[0].dim);
    await kept.save(fileSaveHandler(path.join(modelsDir, 'graft-export')));
    kept.dispose();

    const before = tf.memory().numTensors;
    const again = testPlan({ model: 'graft-export', datasetId: DATASET, epochs: 2 });
    again.dataset.maxImagesPerClass = 12;
    again.classifier.model.truncateAt = ''; // the default cut
    const events: RunEvent[] = [];
    const result = await runPlan(again, host(), { onEvent: (e) => events.push(e) });
    expect(result.epochs).toHaveLength(2);
    expect(result.evaluation.testSize).toBeGreaterThan(0);
    expect(Number.isFinite(result.evaluation.accuracy)).toBe(true);
    const modelDone = events.find((e) => e.type === 'node' && e.nodeId === again.nodeIds.model && e.state === 'done');
    expect(modelDone && modelDone.type === 'node' ? modelDone.message : '').toMatch(/cut at trunk → \[/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
