/**
 * planToCode: the "View code" program — a runnable TypeScript file that trains what the plan describes, in Node:
 *
 *   npx tsx graft-pipeline.ts --dataset <folder of class folders> [--model <model.json>] [--json]
 *
 * One truth: after a `config` object written from the plan (one commented line per node param), the program is
 * the engine's own modules, embedded verbatim (nodes/compiler/codegen-modules.ts lists them: RNG, split,
 * fingerprint, optimizer table, early-stopping rule, freezing, augmentation, head, resize, decoding, class-folder
 * listing, and the Node runtime host-node/standalone-program.ts). So its split membership, batches and test
 * accuracy match `npm run pipeline` on the same folder (tested in nodes/engine/parity.test.ts). Pure string
 * building: no tfjs import, works in the browser.
 */
import type { Plan } from '../core/plan';
import { catalogEntry, scalingToAffine } from '../pretrained-model/catalog';
import { EMBEDDED_MODULES, stripModuleImports } from './codegen-modules';
import { EMBEDDED_SOURCES } from './codegen-sources.generated';

const lit = (v: unknown): string => JSON.stringify(v);

/** Comment-safe rendering of user text. */
function commentSafe(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ');
}

interface ModelInfo {
  id: string | null;
  candidates: string[];
  label: string;
  knownScaling: 'minus1to1' | 'zero1' | 'raw255' | null;
  truncateAt: string;
}

function modelInfo(plan: Plan): ModelInfo {
  const { source, truncateAt } = plan.classifier.model;
  const entry = source.kind === 'catalog' ? catalogEntry(source.id) : undefined;
  const local = (url: string) => (url.startsWith('/') ? `public${url}` : url);
  if (source.kind === 'url') {
    return { id: null, candidates: [local(source.url)], label: `model at ${source.url}`, knownScaling: null, truncateAt };
  }
  if (source.kind === 'upload') {
    return {
      id: null,
      candidates: [`uploaded-models/${source.id}/model.json`],
      label: `uploaded model "${source.id}" (stored in your browser: export it and pass --model <its model.json>)`,
      knownScaling: null,
      truncateAt,
    };
  }
  const candidates = [`models/${source.id}/model.json`, `public/models/${source.id}/model.json`];
  if (entry) candidates.push(local(entry.officialUrl));
  return {
    id: source.id,
    candidates: [...new Set(candidates)],
    label: `${entry ? entry.title : 'model folder'} "${source.id}"`,
    knownScaling: entry?.inputScaling ?? null,
    truncateAt: truncateAt || entry?.defaultTruncation || '',
  };
}

function configSection(plan: Plan, m: ModelInfo): string {
  const d = plan.dataset;
  const t = plan.train;
  const n = plan.nodeIds;
  const table = Object.fromEntries(
    (['minus1to1', 'zero1', 'raw255'] as const).map((s) => [s, scalingToAffine(s)]),
  );
  return `export const config: ProgramConfig = {
  // Dataset node ${lit(n.dataset)} (${commentSafe(d.datasetId)}; this program reads --dataset <folder>)
  testSplit: ${lit(d.testSplit)}, // fraction of every class held out for the final test
  splitSeed: ${lit(d.splitSeed)},
  maxImagesPerClass: ${lit(d.maxImagesPerClass)}, // 0 = all
  // Augment Data${n.augment ? ` node ${lit(n.augment)}` : ': none in the graph'}
  augment: ${lit(d.augment)},
  // Pretrained Model node ${lit(n.model)}: ${commentSafe(m.label)}
  modelId: ${lit(m.id)},
  modelCandidates: ${lit(m.candidates)},
  truncateAt: ${lit(m.truncateAt)}, // '' = the model folder's graft.json default
  inputScaling: ${lit(plan.classifier.model.inputScaling)},${plan.classifier.model.weights === 'random' ? ' // NOTE: the node asks for random trunk weights; this program uses the pretrained ones' : ''}
  knownScaling: ${lit(m.knownScaling)},
  scalingTable: ${lit(table)}, // raw 0..255 pixels → x · scale + offset
  // Freeze Layers${n.freeze ? ` node ${lit(n.freeze)}` : ': none in the graph, so the whole trunk trains'}
  freeze: ${lit(plan.classifier.model.freeze)},
  // Add Head node ${lit(n.head)}
  head: ${lit(plan.classifier.head)},
  // ${plan.tune ? 'Hyperparameter Tune' : 'Train'} node ${lit(n.train)}${plan.tune ? ' (this program trains the node\'s own settings; the search itself runs in Graft)' : ''}
  train: ${lit({
    optimizer: t.optimizer,
    learningRate: t.learningRate,
    momentum: t.momentum,
    batchSize: t.batchSize,
    epochs: t.epochs,
    validationSplit: t.validationSplit,
    earlyStoppingPatience: t.earlyStoppingPatience,
    seed: t.seed,
    featureCache: t.featureCache,
  })},
};`;
}

/** The pipeline's nodes in run order, one comment line each (from each node definition's card summary). */
function stepsComment(plan: Plan): string {
  if (!plan.steps?.length) return '';
  const lines = plan.steps.map((s, i) => `//   ${i + 1}. ${commentSafe(s.title)} (${commentSafe(s.type)})${s.summary ? `: ${commentSafe(s.summary)}` : ''}`);
  return `//\n// Pipeline steps:\n${lines.join('\n')}\n`;
}

/** The runnable program for a plan (see the file comment). */
export function planToCode(plan: Plan): string {
  try {
    const m = modelInfo(plan);
    const header = `// ${commentSafe(plan.graph.name)}: generated by Graft from your pipeline. A complete TensorFlow.js program:
// ${commentSafe(m.label)} → ${plan.classifier.model.freeze.mode === 'all' ? 'frozen trunk' : 'trunk'} → new head → training → test evaluation.
${stepsComment(plan)}//
//   npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm jpeg-js pngjs tsx
//   npx tsx ${lit('graft-pipeline.ts').slice(1, -1)} --dataset <folder with one sub-folder of images per class> [--model <model.json>] [--json]
//
// Everything below the config is Graft's own engine code (split, seeded RNG, optimizer table, early stopping,
// augmentation, head, image decoding), copied verbatim, so this trains exactly like Graft does in Node.
import * as tf from '@tensorflow/tfjs';
import type * as tfjs from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

type TF = typeof tfjs;
interface DecodedImage { data: Uint8Array; width: number; height: number }
interface ImageSource {
  labels: string[];
  items: Array<{ label: number; name: string }>;
  skipped: Array<{ name: string; reason: string }>;
  load(index: number, maxSide: number): Promise<DecodedImage>;
  loadModelInput?(index: number, height: number, width: number): Promise<Uint8Array>;
}
interface AugmentPlan {
  flipHorizontal: boolean; flipVertical: boolean; rotation: number; zoom: number; translate: number;
  brightness: number; contrast: number; noise: number; seed: number; cachedViews: number;
}
interface HeadPlan {
  pooling: 'gap' | 'gmp' | 'flatten'; hiddenLayers: number; hiddenUnits: number;
  activation: 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'selu'; dropout: number; standardize: boolean;
  outputInit: 'zeros' | 'glorot'; weightDecay?: number;
}
interface PerClassMetrics { label: string; precision: number; recall: number; f1: number; support: number }`;
    const modules = EMBEDDED_MODULES.map((file) => `// ---------------------------------------------------------------- ${file}\n${stripModuleImports(EMBEDDED_SOURCES[file] ?? '')}`);
    const main = `// ---------------------------------------------------------------- run
runProgram(config, process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});`;
    return [header, configSection(plan, m), ...modules, main].join('\n\n') + '\n';
  } catch (e) {
    return `// Could not generate code for this plan: ${(e as Error)?.message ?? String(e)}\nimport * as tf from '@tensorflow/tfjs';\n`;
  }
}
