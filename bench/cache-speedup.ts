/**
 * Feature cache vs naive fit: the same plan (frozen trunk, 20 epochs) trained once on cached trunk features and
 * once with full forward passes through the frozen trunk every epoch. Reports the wall-time ratio and both
 * accuracies (which must agree within noise).
 */
import { runPlan } from '../nodes/engine/run';
import type { RunResult } from '../nodes/engine/types';
import { benchPlan, type BenchSection } from './common';

const EPOCHS = 20;

export const cacheSpeedupSection: BenchSection = {
  name: 'feature cache vs naive frozen-trunk fit',
  async run(setup, log) {
    const plan = benchPlan(setup, EPOCHS);
    // Untimed warm-up so neither timed run pays one-time costs (WASM init, kernel set-up, JIT, file cache).
    await runPlan(benchPlan(setup, 1), setup.host, { forcePath: 'cached', onEvent: () => {} });
    const results: Record<'cached' | 'full', RunResult> = {} as Record<'cached' | 'full', RunResult>;
    for (const path of ['cached', 'full'] as const) {
      const started = Date.now();
      results[path] = await runPlan(plan, setup.host, { forcePath: path, onEvent: () => {} });
      log(
        `  ${path === 'cached' ? 'cached features' : 'naive fit     '}: ${((Date.now() - started) / 1000).toFixed(1)} s total, ` +
          `decode ${((results[path].loadMs ?? 0) / 1000).toFixed(1)} s, train ${(results[path].trainMs / 1000).toFixed(1)} s, test accuracy ${(results[path].evaluation.accuracy * 100).toFixed(1)}% ` +
          `(${results[path].backend})`,
      );
    }
    const speedup = results.full.trainMs / Math.max(1, results.cached.trainMs);
    const wallSpeedup = results.full.totalMs / Math.max(1, results.cached.totalMs);
    const accuracyGap = Math.abs(results.full.evaluation.accuracy - results.cached.evaluation.accuracy);
    const testSize = results.cached.evaluation.testSize;
    // One standard error of an accuracy estimate on this test set: the "noise" the two paths may differ by.
    const p = (results.full.evaluation.accuracy + results.cached.evaluation.accuracy) / 2;
    const noise = Math.sqrt((p * (1 - p)) / Math.max(1, testSize));
    log(
      `  → cacheSpeedup ${speedup.toFixed(1)}× on training time (target ≥ 12×), ${wallSpeedup.toFixed(1)}× on the whole ` +
        `run incl. decoding ${((results.cached.loadMs ?? 0) / 1000).toFixed(1)} s of JPEGs; accuracy gap ${(accuracyGap * 100).toFixed(1)} points ` +
        `(noise ±${(2 * noise * 100).toFixed(1)} at 2σ, ${testSize} test images) ${accuracyGap <= 2 * noise + 1e-9 ? 'OK' : 'CHECK'}`,
    );
    return {
      cacheSpeedup: Number(speedup.toFixed(2)),
      cacheWallSpeedup: Number(wallSpeedup.toFixed(2)),
      cacheEpochs: EPOCHS,
      decodeMs: results.cached.loadMs ?? null,
      cachedTrainMs: results.cached.trainMs,
      naiveTrainMs: results.full.trainMs,
      cachedAccuracy: results.cached.evaluation.accuracy,
      naiveAccuracy: results.full.evaluation.accuracy,
      accuracyGap,
      accuracyNoise2Sigma: 2 * noise,
      benchTestSize: testSize,
      benchTrainSize: results.cached.splitSizes.train,
      cacheBackend: results.cached.backend,
    };
  },
};
