/**
 * "Auto" vs forcing each backend (Node: WASM, CPU), per phase: trunk features and head training (frozen trunk,
 * cached path) and fine-tuning (last block unfrozen). Auto's time includes its probe (backend-probe.ts; the session
 * cache is cleared first, so it measures from scratch). `autoOverBestForced` = max over phases of
 * Auto ÷ the fastest forced backend; target ≤ 1.1.
 */
import { runPlan } from '../nodes/engine/run';
import { clearBackendProbeCache } from '../nodes/engine/backend-probe';
import type { RunResult } from '../nodes/engine/types';
import type { Plan } from '../nodes/core/plan';
import { benchPlan, type BenchSection, type BenchSetup } from './common';

type Phase = 'features' | 'head' | 'full';

function phaseMs(result: RunResult, phase: Phase): number {
  const probe = result.backendProbe?.phases.find((p) => p.phase === phase)?.costMs ?? 0;
  return (phase === 'features' ? result.phaseMs!.features : result.phaseMs!.fit) + probe;
}

/** Work a phase does: images through the trunk (features), or training images × epochs (head, fine-tuning). */
function units(result: RunResult, phase: Phase): number {
  return phase === 'features' ? result.splitSizes.train + result.splitSizes.validation : result.splitSizes.train * result.epochs.length;
}

/** Forced CPU takes seconds per MobileNet image: it runs on a few images for one epoch, scaled to the same work.
 * WASM and Auto run twice, interleaved, and the faster of each counts: phases last about a second here, and the
 * machine's background load moved single runs by ±25 %. */
async function timePhases(setup: BenchSetup, plan: Plan, phases: Phase[], log: (line: string) => void) {
  const out: Record<string, Record<string, number>> = {};
  const reference: Record<string, number> = {};
  for (const backend of ['wasm', 'auto', 'wasm', 'auto', 'cpu'] as const) {
    clearBackendProbeCache();
    const small = backend === 'cpu' && setup.maxImagesPerClass > 0;
    const p: Plan = { ...plan, train: { ...plan.train, backend, ...(small ? { epochs: 1 } : {}) } };
    if (small) p.dataset = { ...plan.dataset, maxImagesPerClass: 4 };
    const result = await runPlan(p, setup.host, { onEvent: () => {}, skipEvaluation: true });
    for (const phase of phases) {
      if (backend === 'wasm') reference[phase] = units(result, phase);
      const scale = reference[phase] / Math.max(1, units(result, phase));
      const ms = Math.round(phaseMs(result, phase) * scale);
      (out[phase] ??= {})[backend] = Math.min(out[phase][backend] ?? Infinity, ms);
    }
    if (backend === 'auto') log(`  ${result.backendProbe?.summary ?? 'no probe'}`);
  }
  return out;
}

export const autoSection: BenchSection = {
  name: 'Auto (measured probe) vs the best forced backend',
  async run(setup, log) {
    const frozen = benchPlan(setup, 20);
    const tune = benchPlan(setup, 3);
    tune.classifier.model.freeze = { mode: 'upTo', layer: setup.modelId.startsWith('mobilenet') ? 'conv_pw_12_relu' : 'block3_pool' };
    if (setup.maxImagesPerClass) tune.dataset.maxImagesPerClass = Math.min(setup.maxImagesPerClass, 12); // CPU epochs are slow
    const times = { ...(await timePhases(setup, frozen, ['features', 'head'], log)), ...(await timePhases(setup, tune, ['full'], log)) };
    const ratios: Record<string, number> = {};
    for (const [phase, t] of Object.entries(times)) {
      const best = Math.min(t.wasm, t.cpu);
      ratios[phase] = Number((t.auto / Math.max(1, best)).toFixed(3));
      log(`  ${phase}: auto ${t.auto} ms (incl. probe), wasm ${t.wasm} ms, cpu ${t.cpu} ms → ${ratios[phase]}`);
    }
    const worst = Math.max(...Object.values(ratios));
    log(`  → autoOverBestForced ${worst.toFixed(3)} (worst phase; target ≤ 1.1)`);
    return { autoOverBestForced: worst, autoOverBestForcedByPhase: { features: ratios.features, headTraining: ratios.head, fineTuning: ratios.full }, autoPhaseMs: times };
  },
};
