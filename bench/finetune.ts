/**
 * Fine-tuning without a GPU (Node): epoch time with the last conv block of the bench model unfrozen, trained on
 * WASM (Graft's convolution gradient kernels) vs the fastest other Node backend (the pure-JS CPU backend with
 * tfjs' own kernels). Same plan, same images, 1 epoch each after an untimed warm-up; target ≤ 0.33.
 */
import { runPlan } from '../nodes/engine/run';
import type { RunResult } from '../nodes/engine/types';
import { benchPlan, type BenchSection, type BenchSetup } from './common';

/** The last layer kept frozen: everything after it (the model's last conv block) trains. */
function lastFrozenLayer(setup: BenchSetup): string {
  return setup.modelId.startsWith('mobilenet') ? 'conv_pw_12_relu' : 'block3_pool';
}

export const finetuneSection: BenchSection = {
  name: 'fine-tuning the last block: WASM vs CPU (Node)',
  async run(setup, log) {
    const plan = (backend: 'wasm' | 'cpu', epochs: number) => {
      const p = benchPlan(setup, epochs);
      p.classifier.model.freeze = { mode: 'upTo', layer: lastFrozenLayer(setup) };
      p.train.backend = backend;
      if (setup.maxImagesPerClass) p.dataset.maxImagesPerClass = Math.min(setup.maxImagesPerClass, 8); // CPU epochs are slow
      return p;
    };
    const perEpoch: Record<string, number> = {};
    const results: Record<string, RunResult> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      await runPlan({ ...plan(backend, 1), dataset: { ...plan(backend, 1).dataset, maxImagesPerClass: 2 } }, setup.host, { onEvent: () => {}, skipEvaluation: true });
      results[backend] = await runPlan(plan(backend, 1), setup.host, { onEvent: () => {}, skipEvaluation: true });
      if (results[backend].backend !== backend) throw new Error(`asked for ${backend}, ran on ${results[backend].backend}`);
      perEpoch[backend] = results[backend].trainMs / Math.max(1, results[backend].epochs.length);
      log(`  ${backend}: ${(perEpoch[backend] / 1000).toFixed(1)} s per epoch (${results[backend].splitSizes.train} training images, path ${results[backend].path})`);
    }
    const ratio = perEpoch.wasm / perEpoch.cpu;
    log(`  → finetuneWasmOverBestOther ${ratio.toFixed(3)} (target ≤ 0.33; the other Node backend is CPU)`);
    return {
      finetuneWasmOverBestOther: Number(ratio.toFixed(3)),
      finetuneEpochMs: { wasm: Math.round(perEpoch.wasm), cpu: Math.round(perEpoch.cpu) },
      finetuneTrainImages: results.wasm.splitSizes.train,
    };
  },
};
