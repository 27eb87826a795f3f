/**
 * The views on a real run of the template's pipeline (graft-shapes-cnn + builtin:shapes-target): heatmaps for the
 * test images, the two-panel feature map (one point per image), and the data-efficiency curve (pretrained beats a
 * random trunk with all images). No view leaves a tensor behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from '../host-node';
import { runSinglePlan } from '../run';
import { testPlan } from '../test-utils';
import type { TrainedModel } from '../host';
import { ViewSession } from './session';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

describe.skipIf(!fs.existsSync(builtinModel))('views of a real run', () => {
  beforeAll(async () => {
    await tf.ready();
  });

  it('heatmaps, feature map and data-efficiency curve, without leaking tensors', async () => {
    const host = createNodeHost();
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 20 });
    let trained: TrainedModel | null = null;
    const result = await runSinglePlan(plan, host, { onEvent: () => {}, onTrainedModel: (t) => (trained = t) });
    expect(trained).not.toBeNull();
    const before = tf.memory().numTensors;
    const session = new ViewSession(tf, {
      plan,
      source: await host.openDataset(plan.dataset.datasetId),
      trained: trained!,
      predictions: result.evaluation.predictions!,
      loadModel: (s) => host.loadModel(s),
    });

    const maps = await session.testHeatmaps([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'predicted');
    expect(maps).toHaveLength(10);
    for (const m of maps) {
      expect(m!.width * m!.height).toBe(m!.values.length);
      // Normalised to [0, 1]: the strongest region is exactly 1 (or all zeros when no region supports the class).
      expect(Math.min(...m!.values)).toBeGreaterThanOrEqual(0);
      expect([0, 1]).toContain(Math.max(...m!.values));
    }
    expect(maps.filter((m) => Math.max(...m!.values) === 1).length, 'maps with a supporting region').toBeGreaterThan(5);
    expect(tf.memory().numTensors).toBe(before);

    const map = await session.featureMap('pca');
    const total = result.splitSizes.train + result.splitSizes.test;
    expect(map.items).toHaveLength(total);
    expect(map.trunk).toHaveLength(total);
    expect(map.hidden).toHaveLength(total);
    console.log(`feature map separation: trunk ${map.separation.trunk.toFixed(2)} → head ${map.separation.hidden.toFixed(2)}`);
    expect(tf.memory().numTensors).toBe(before);
    const umap = await session.featureMap('umap');
    expect(umap.trunk).toHaveLength(total);

    const curve = await session.dataEfficiency();
    console.log(
      'data efficiency: ' +
        curve.points.map((p) => `${p.all ? 'all' : p.perClass}/class ${(p.pretrained * 100).toFixed(0)}% vs ${(p.random * 100).toFixed(0)}%`).join(', ') +
        ` (${curve.ms} ms)`,
    );
    expect(curve.points.map((p) => p.perClass)).toEqual([5, 10, 20]);
    const all = curve.points[curve.points.length - 1];
    expect(all.all).toBe(true);
    expect(all.pretrained).toBeGreaterThan(all.random);
    expect(tf.memory().numTensors).toBe(before);
    session.dispose();
    trained!.model.dispose();
  }, 300_000);
});
