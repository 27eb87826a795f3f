/**
 * Trunk forward-pass throughput (images/s) per tfjs backend available in Node.
 */
import { activateBackend, availableBackends, tf } from '../nodes/engine/host-node';
import { catalogEntry } from '../nodes/pretrained-model/catalog';
import type { BenchSection } from './common';

const BATCH = 16;

export const throughputSection: BenchSection = {
  name: 'trunk forward throughput per backend',
  async run(setup, log) {
    const backends = await availableBackends();
    const perBackend: Record<string, number> = {};
    for (const backend of backends) {
      await activateBackend(backend);
      const model = await setup.host.loadModel({ kind: 'catalog', id: setup.modelId });
      const [, h, w] = model.inputs[0].shape as number[];
      const layer = catalogEntry(setup.modelId)?.defaultTruncation;
      const trunk = layer ? tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output }) : model;
      const input = tf.randomUniform([BATCH, h || 224, w || 224, 3], -1, 1);
      tf.tidy(() => trunk.predict(input) as tf.Tensor).dataSync(); // warm-up (kernels, weight upload)
      // Enough batches for ~3 s of work, at least 2.
      let images = 0;
      const started = Date.now();
      while (images < BATCH * 2 || Date.now() - started < 3000) {
        const out = tf.tidy(() => trunk.predict(input) as tf.Tensor);
        await out.data();
        out.dispose();
        images += BATCH;
        if (images >= BATCH * 64) break;
      }
      perBackend[backend] = images / ((Date.now() - started) / 1000);
      input.dispose();
      model.dispose();
      log(`  ${backend}: ${perBackend[backend].toFixed(1)} images/s`);
    }
    const fastest = Math.max(...Object.values(perBackend));
    for (const [backend, rate] of Object.entries(perBackend)) {
      log(`  ${backend} = ${(rate / fastest).toFixed(2)}× the fastest`);
    }
    const ratio = perBackend.wasm && perBackend.cpu ? perBackend.wasm / perBackend.cpu : null;
    if (ratio) log(`  → WASM is ${ratio.toFixed(1)}× faster than CPU for the trunk`);
    return { trunkImagesPerSecond: perBackend, wasmOverCpu: ratio };
  },
};
