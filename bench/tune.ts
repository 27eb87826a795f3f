/**
 * Tune benchmark: wall time of a 16-trial hyperparameter search over head/optimiser settings (trunk features shared
 * across trials) versus 16 independent full trainings of the same configurations (feature cache off: forward passes
 * through the trunk every epoch — what a naive search would do). Target: tuneCostRatio = search / naive ≤ 0.3.
 *
 * Part of `npm run bench` (section "hyperparameter search", on the bench's shared model/dataset), or alone:
 *   npx tsx bench/tune.ts [--json] [--epochs N] [--dataset builtin:shapes-target-large]
 * (alone: graft-shapes-cnn — or the same architecture with random weights when it is not in public/models — on the
 * given built-in dataset).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { activateBackend, createNodeHost, tf } from '../nodes/engine/host-node';
import { runPlan, runSinglePlan } from '../nodes/engine/run';
import { planTrial, searchTrials } from '../nodes/compiler/trial-plan';
import { FeatureStore } from '../nodes/engine/feature-store';
import { compileGraph } from '../nodes/compiler';
import { minimalTemplate } from '../nodes/templates';
import type { GraftGraph } from '../nodes/core/graph';
import type { Plan } from '../nodes/core/plan';
import type { EngineHost } from '../nodes/engine/host';
import type { BenchSection } from './common';
import { buildShapesCnn } from '../nodes/pretrained-model/shapes-cnn';
import { fileSaveHandler } from '../nodes/engine/host-node/tfjs-file-io';

export interface TuneBenchOptions {
  /** Defaults: a Node host over graft-shapes-cnn (or its random-weight twin) and builtin:shapes-target-large. */
  host?: EngineHost;
  modelId?: string;
  /** Any id the host opens (a folder path too: the search graph refers to it through an alias). */
  datasetId?: string;
  maxImagesPerClass?: number;
  epochs?: number;
  log?: (line: string) => void;
}

export interface TuneBenchResult {
  model: string;
  datasetId: string;
  trials: number;
  epochsPerTrial: number;
  /** Wall time of the search (one feature pass + 16 head trainings + the winner's evaluation). */
  searchMs: number;
  /** Wall time of 16 independent full trainings (feature cache off). */
  naiveMs: number;
  /** searchMs / naiveMs (target ≤ 0.3). */
  tuneCostRatio: number;
  /** The same ratio in CPU time of this process (less sensitive to other load on the machine). */
  tuneCpuRatio: number;
  featureStoreHits: number;
  featureStoreMisses: number;
  bestTrialId: number | null;
  bestValAccuracy: number | null;
  bestTestAccuracy: number;
  backend: string;
}

const SHAPES_CNN = path.resolve('public/models/graft-shapes-cnn/model.json');

/** graft-shapes-cnn when it is in public/models; otherwise the same architecture with seeded random weights saved to a
 * temp folder (timings depend on the architecture, not on the weights). */
async function benchModel(): Promise<{ id: string; modelsDir: string }> {
  if (fs.existsSync(SHAPES_CNN)) return { id: 'graft-shapes-cnn', modelsDir: path.resolve('models-none') };
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-bench-tune-'));
  if (!(await activateBackend('wasm'))) await activateBackend('cpu');
  const model = buildShapesCnn(5, 1);
  await model.save(fileSaveHandler(path.join(modelsDir, 'shapes-cnn-random')));
  model.dispose();
  return { id: 'shapes-cnn-random', modelsDir };
}

/** The graph names the dataset through this alias when the bench's dataset id is not a graph dataset id (a path). */
const DATASET_ALIAS = 'dir:graft-bench-dataset';

function searchGraph(modelId: string, datasetId: string, maxImagesPerClass: number, epochs: number): GraftGraph {
  const g = minimalTemplate();
  g.nodes = g.nodes.map((n) => {
    if (n.id === 'dataset') return { ...n, params: { ...n.params, datasetId, maxImagesPerClass } };
    if (n.id === 'model') return { ...n, params: { ...n.params, catalogId: modelId } };
    if (n.id === 'train') {
      return {
        id: 'tune',
        type: 'hyperparameter-tune',
        position: n.position,
        params: {
          ...n.params,
          epochs,
          strategy: 'grid',
          maxTrials: 16,
          maxMinutes: 240,
          // 4 × 2 × 2 = 16 head/optimiser configurations.
          dimensions: [
            { nodeId: 'tune', param: 'learningRate', values: [0.0003, 0.001, 0.003, 0.01] },
            { nodeId: 'tune', param: 'optimizer', values: ['adam', 'rmsprop'] },
            { nodeId: 'head', param: 'hiddenUnits', values: [32, 128] },
          ],
        },
      };
    }
    return n;
  });
  g.edges = g.edges.map((e) => ({
    ...e,
    id: e.id.replace(/\btrain\b/g, 'tune'),
    source: e.source === 'train' ? 'tune' : e.source,
    target: e.target === 'train' ? 'tune' : e.target,
  }));
  return g;
}

export async function benchTune(options: TuneBenchOptions = {}): Promise<TuneBenchResult> {
  const log = options.log ?? (() => {});
  const datasetId = options.datasetId ?? 'builtin:shapes-target-large';
  const epochs = options.epochs ?? 5;
  let modelId = options.modelId;
  let baseHost = options.host;
  if (!modelId || !baseHost) {
    const local = await benchModel();
    modelId = local.id;
    baseHost = createNodeHost({ modelsDir: local.modelsDir, publicDir: path.resolve('public'), backend: 'auto' });
  }
  const graphDatasetId = /^(builtin|dir|local|shared):/.test(datasetId) ? datasetId : DATASET_ALIAS;
  const inner = baseHost;
  const host: EngineHost =
    graphDatasetId === datasetId ? inner : { ...inner, openDataset: (id) => inner.openDataset(id === DATASET_ALIAS ? datasetId : id) };
  const compiled = compileGraph(searchGraph(modelId, graphDatasetId, options.maxImagesPerClass ?? 0, epochs));
  if (!compiled.ok) throw new Error(`bench graph does not compile: ${JSON.stringify(compiled.errors)}`);
  const plan: Plan = compiled.plan;
  const trials = searchTrials(plan);
  log(`tune bench: ${trials.length} trials × ${epochs} epochs, ${modelId} on ${datasetId}`);

  // Warm-up (backend init, kernel compilation, dataset generator) so neither side pays it.
  await runSinglePlan({ ...trials[0]!.plan, train: { ...trials[0]!.plan.train, epochs: 1 } }, host, { onEvent: () => {} });

  // Naive: every configuration trained on its own with the feature cache off. Half of them run before the search and
  // half after, so drifting machine load (shared CI boxes) hits both sides alike.
  const naiveMsPer: number[] = [];
  let naiveCpuUs = 0;
  const runNaive = async (trial: (typeof trials)[number]) => {
    const naivePlan: Plan = { ...trial.plan, train: { ...trial.plan.train, featureCache: 'off' } };
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    try {
      await runSinglePlan(naivePlan, host, { onEvent: () => {} });
    } catch (error) {
      // A diverging configuration fails the same way in the search; its time still counts.
      log(`  naive trial ${trial.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const cpu = process.cpuUsage(cpu0);
    naiveCpuUs += cpu.user + cpu.system;
    naiveMsPer.push(Date.now() - t0);
    log(`  naive trial ${trial.id}: ${Date.now() - t0} ms`);
  };
  const half = Math.ceil(trials.length / 2);
  for (const trial of trials.slice(0, half)) await runNaive(trial);

  // The search, with trunk features shared across trials.
  const store = new FeatureStore();
  const searchStart = Date.now();
  const searchCpu0 = process.cpuUsage();
  const result = await runPlan(plan, host, {
    planTrial,
    featureStore: store,
    onEvent: (e) => {
      if (e.type === 'trial' && (e.trial.status === 'done' || e.trial.status === 'failed')) {
        log(`  search trial ${e.trial.id}: ${e.trial.ms} ms${e.trial.status === 'failed' ? ` (failed: ${e.trial.error})` : ''}`);
      }
    },
  });
  const searchCpu = process.cpuUsage(searchCpu0);
  const searchMs = Date.now() - searchStart;
  const summary = result.tune!;
  const best = summary.trials.find((t) => t.id === summary.bestTrialId);
  log(`  search: ${searchMs} ms (feature store ${store.misses} computed, ${store.hits} reused)`);

  for (const trial of trials.slice(half)) await runNaive(trial);
  const naiveMs = naiveMsPer.reduce((a, b) => a + b, 0);
  const tuneCostRatio = searchMs / naiveMs;
  const tuneCpuRatio = (searchCpu.user + searchCpu.system) / Math.max(1, naiveCpuUs);
  log(`  naive: ${naiveMs} ms → tuneCostRatio ${tuneCostRatio.toFixed(3)} (target ≤ 0.3), CPU-time ratio ${tuneCpuRatio.toFixed(3)}`);

  return {
    model: modelId,
    datasetId,
    trials: trials.length,
    epochsPerTrial: epochs,
    searchMs,
    naiveMs,
    tuneCostRatio,
    tuneCpuRatio,
    featureStoreHits: store.hits,
    featureStoreMisses: store.misses,
    bestTrialId: summary.bestTrialId,
    bestValAccuracy: best?.metric ?? null,
    bestTestAccuracy: result.evaluation.accuracy,
    backend: `${result.backend}${tf.getBackend() !== result.backend ? ` (now ${tf.getBackend()})` : ''}`,
  };
}

function numberOption(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? NaN : Number(process.argv[i + 1]);
  return Number.isFinite(v) ? v : fallback;
}

function stringOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

export const tuneSection: BenchSection = {
  name: 'hyperparameter search (16 trials) vs 16 naive trainings',
  async run(setup, log) {
    const r = await benchTune({
      host: setup.host,
      modelId: setup.modelId,
      datasetId: setup.datasetId,
      maxImagesPerClass: setup.maxImagesPerClass,
      epochs: 5,
      log,
    });
    log(
      `  → tuneCostRatio ${r.tuneCostRatio.toFixed(3)} (target ≤ 0.3; CPU-time ratio ${r.tuneCpuRatio.toFixed(3)}): search ` +
        `${(r.searchMs / 1000).toFixed(1)} s vs naive ${(r.naiveMs / 1000).toFixed(1)} s; best trial ${r.bestTrialId} val ` +
        `${((r.bestValAccuracy ?? 0) * 100).toFixed(1)}%, test ${(r.bestTestAccuracy * 100).toFixed(1)}%`,
    );
    return {
      tuneCostRatio: Number(r.tuneCostRatio.toFixed(3)),
      tuneCpuRatio: Number(r.tuneCpuRatio.toFixed(3)),
      tuneSearchMs: r.searchMs,
      tuneNaiveMs: r.naiveMs,
      tuneTrials: r.trials,
      tuneEpochsPerTrial: r.epochsPerTrial,
      tuneFeatureReuse: r.featureStoreHits,
      tuneBestValAccuracy: r.bestValAccuracy,
      tuneBestTestAccuracy: r.bestTestAccuracy,
    };
  },
};

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const result = await benchTune({
    datasetId: stringOption('dataset', 'builtin:shapes-target-large'),
    epochs: numberOption('epochs', 5),
    log: json ? undefined : (line) => console.log(line),
  });
  if (json) {
    console.log(JSON.stringify({ tune: result, tuneCostRatio: result.tuneCostRatio }, null, 2));
  } else {
    console.log(
      `Tune: 16-trial search ${result.searchMs} ms vs 16 naive trainings ${result.naiveMs} ms → ` +
        `tuneCostRatio ${result.tuneCostRatio.toFixed(3)} (target ≤ 0.3; CPU-time ratio ${result.tuneCpuRatio.toFixed(3)}); best trial ${result.bestTrialId} ` +
        `val ${((result.bestValAccuracy ?? 0) * 100).toFixed(1)}%, test ${(result.bestTestAccuracy * 100).toFixed(1)}%`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
