/**
 * "Auto" by a measured probe (backend-probe.ts), in Node with real tfjs: the engine times the trainable part on
 * every candidate the host offers (WASM and CPU here), picks the fastest per phase, says what it measured, leaves the
 * training itself unchanged and leaks no tensor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNodeHost, tf } from './host-node';
import { runPlan } from './run';
import { testPlan } from './test-utils';
import { clearBackendProbeCache, probeLimits } from './backend-probe';
import { probeRunCost } from './cost-probe';
import { autoCandidates } from './backend-policy';
import type { EngineHost } from './host';
import type { BackendName, RunEvent } from './types';

const builtinModel = path.resolve('public/models/graft-shapes-cnn/model.json');

/** The real Node host, recording which backends the engine switched to (no behaviour changed). */
function recordingHost(): { host: EngineHost; used: BackendName[] } {
  const real = createNodeHost();
  const used: BackendName[] = [];
  return { used, host: { ...real, useBackend: async (name) => { used.push(name); await real.useBackend(name); } } };
}

function fineTunePlan(backend: 'auto' | 'wasm' | 'cpu' = 'auto') {
  const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target-large', epochs: 4 });
  plan.classifier.model.freeze = { mode: 'upTo', layer: 'block3_pool' };
  plan.dataset.maxImagesPerClass = 100;
  plan.train.earlyStoppingPatience = 0;
  plan.train.backend = backend;
  return plan;
}

describe('Auto measures the backends', () => {
  beforeEach(() => clearBackendProbeCache());

  it('keeps only backends that can run as candidates, the rules’ favourite first', () => {
    const caps = { webgpu: { available: true, software: true }, webgl: { available: false, software: false, problem: 'no WebGL2 context' }, wasm: { available: true, trainsConvolutions: false } };
    expect(autoCandidates(caps, { trainsConvLayers: false }).candidates).toEqual(['wasm', 'webgpu', 'cpu']);
    const conv = autoCandidates(caps, { trainsConvLayers: true });
    expect(conv.candidates).toEqual(['webgpu', 'cpu']);
    expect(conv.excluded.join(' ')).toMatch(/WebGL not available \(no WebGL2 context\).*WASM cannot train convolution/);
  });

  it.skipIf(!fs.existsSync(builtinModel))('picks WASM over CPU for fine-tuning on Node by measuring both, and says what it measured', async () => {
    await tf.ready();
    const before = tf.memory().numTensors;
    const { host, used } = recordingHost();
    const events: RunEvent[] = [];
    // Measure every candidate whatever this machine's speed: whether the phase is long enough to be worth measuring
    // CPU is a timing question (a quiet machine finishes it under the 5 s floor); this test is about the measuring.
    const limits = { ...probeLimits };
    Object.assign(probeLimits, { worthFactor: 0, minPhaseMs: 0 });
    const result = await runPlan(fineTunePlan(), host, { onEvent: (e) => events.push(e), skipEvaluation: true }).finally(() => Object.assign(probeLimits, limits));
    const probe = result.backendProbe;
    console.log(probe?.summary);
    expect(result.backend).toBe('wasm');
    expect(probe).toBeDefined();
    expect(probe!.reused).toBe(false);
    expect(probe!.phases.map((p) => p.phase)).toEqual(['full']);
    const [phase] = probe!.phases;
    expect(phase.label).toBe('fine-tuning');
    expect(phase.chosen).toBe('wasm');
    const wasm = phase.measurements.find((m) => m.backend === 'wasm')!;
    const cpu = phase.measurements.find((m) => m.backend === 'cpu')!;
    expect(wasm.timedBatches).toBe(2);
    expect(wasm.msPerBatch).toBeGreaterThan(0);
    // CPU really ran (the engine switched to it) and lost on the clock.
    expect(used).toContain('cpu');
    expect(cpu.msPerBatch!).toBeGreaterThan(wasm.msPerBatch!);
    expect(probe!.summary).toMatch(/fine-tuning \(\d+ images\/batch\): wasm [\d.]+ ms, cpu (≥ )?[\d.]+ ms.* → wasm/);
    const backendEvent = events.find((e) => e.type === 'backend');
    expect(backendEvent && 'reason' in backendEvent ? backendEvent.reason : '').toContain(probe!.summary);
    expect(result.phaseMs!.fit).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);

    // The same model, cut, freeze and batch size again: the measurement is reused, nothing is probed.
    used.length = 0;
    const again = await runPlan({ ...fineTunePlan(), train: { ...fineTunePlan().train, epochs: 1 } }, host, { onEvent: () => {}, skipEvaluation: true });
    expect(again.backendProbe?.reused).toBe(true);
    expect(again.backendProbe?.costMs).toBe(0);
    expect(used).not.toContain('cpu');
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it.skipIf(!fs.existsSync(builtinModel))('measures features and head training separately, and the probe leaves training unchanged', async () => {
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 3 });
    plan.dataset.maxImagesPerClass = 20;
    plan.train.earlyStoppingPatience = 0;
    const before = tf.memory().numTensors;
    const auto = await runPlan(plan, createNodeHost(), { onEvent: () => {} });
    expect(auto.backendProbe!.phases.map((p) => p.label)).toEqual(['features', 'head training']);
    const chosen = auto.backendProbe!.phases.map((p) => p.chosen);
    expect(auto.featureBackend ?? auto.backend).toBe(chosen[0]);
    expect(auto.backend).toBe(chosen[1]);
    // Same backends forced: identical losses (the probe trained nothing and consumed no random numbers).
    const forced = await runPlan({ ...plan, train: { ...plan.train, backend: chosen[1] } }, createNodeHost(), { onEvent: () => {} });
    expect(forced.backendProbe).toBeUndefined();
    if (chosen[0] === chosen[1]) expect(auto.epochs.map((e) => e.loss)).toEqual(forced.epochs.map((e) => e.loss));
    expect(auto.evaluation.accuracy).toBeCloseTo(forced.evaluation.accuracy, 1);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it.skipIf(!fs.existsSync(builtinModel))('a phase its first warm-up already shows to be short is decided without timed batches; a cost estimate still times two', async () => {
    const plan = testPlan({ model: 'graft-shapes-cnn', datasetId: 'builtin:shapes-target', epochs: 2 });
    plan.dataset.maxImagesPerClass = 10;
    plan.train.earlyStoppingPatience = 0;
    const before = tf.memory().numTensors;
    // Any phase under an hour is "too short" here, whatever this machine's speed: the test is about what is timed.
    const limits = { ...probeLimits };
    Object.assign(probeLimits, { minPhaseMs: 3_600_000 });
    try {
      const { host, used } = recordingHost();
      const run = await runPlan(plan, host, { onEvent: () => {}, skipEvaluation: true });
      const phases = run.backendProbe!.phases;
      expect(phases.map((p) => p.measurements.map((m) => [m.backend, m.timedBatches]))).toEqual([[['wasm', 0]], [['wasm', 0]]]);
      expect(phases.every((p) => p.chosen === 'wasm' && /at most about .* \(its warm-up\): too short to be worth measuring cpu/.test(p.skipped ?? ''))).toBe(true);
      expect(run.backendProbe!.summary).toMatch(/wasm ≤ [\d.]+ ms \(warm-up only\)/);
      expect(used).not.toContain('cpu');

      // "Cost before cost" needs a real per-batch time: the warm-up-only measurement is not reused, two batches are timed.
      const cost = await probeRunCost(plan, createNodeHost());
      expect(cost.summary).not.toMatch(/warm-up only/);
      expect(cost.msPerBatch).toBeGreaterThan(0);
    } finally {
      Object.assign(probeLimits, limits);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);
});
