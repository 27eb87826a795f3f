/**
 * Model truth by default: is the template's default recipe at least as good as a well-regularised linear probe on the
 * same trunk features? Both are run on the same N splits (split seeds 42, 43, …), so they pair by seed.
 *
 *   npx tsx bench/trust-probe.ts [--dataset <class-folder dir>] [--models-dir <dir>] [--model <id>] [--seeds 5] [--json]
 *     [--variants <name,name,…>] [--cache-dir <dir>]
 *
 * Default recipe = the "Transfer learning pipeline" template with only the model and dataset swapped.
 * Linear probe = multinomial logistic regression on the same frozen, pooled trunk features (no augmentation),
 * features standardised on the training split, L2 strength picked on the validation split from a log grid,
 * then scored once on the test split.
 */
import path from 'node:path';
import { compileGraph } from '../nodes/compiler';
import { pipelineTemplate } from '../nodes/templates';
import { createNodeHost, tf } from '../nodes/engine/host-node';
import { runPlan } from '../nodes/engine/run';
import { DiskFeatureCache } from '../nodes/engine/host-node/feature-disk-cache';
import { FeatureStore, featureCacheKey, type CachedFeatures, type FeatureRows } from '../nodes/engine/feature-store';
import { applyRunOverrides, repeatSeeds } from '../nodes/engine/repeat';
import { pairedTTest, spread } from '../nodes/engine/stats/repeat-stats';
import { formatP, formatPoints } from '../nodes/engine/stats/verdict';
import type { Plan } from '../nodes/core/plan';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const datasetArg = opt('dataset', '../shared/assets/datasets/flower_photos');
// A class-folder directory, or a built-in dataset id (builtin:shapes-target-large with --models-dir public/models
// --model graft-shapes-cnn: a second, synthetic check).
const datasetDir = datasetArg.startsWith('builtin:') ? datasetArg : path.resolve(datasetArg);
const modelsDir = path.resolve(opt('models-dir', '../shared/assets/models'));
const modelId = opt('model', 'mobilenet-v1-0.25-224');
const seeds = Number(opt('seeds', '5'));
const asJson = args.includes('--json');
// Trunk features kept on disk between invocations (like the CLI's --cache-dir): a re-run with other variants
// extracts nothing.
const cacheDir = opt('cache-dir', '');
const log = (...m: unknown[]) => (asJson ? console.error : console.log)(...m);

function basePlan(): Plan {
  const compiled = compileGraph(pipelineTemplate());
  if (!compiled.ok) throw new Error('template does not compile');
  const plan = compiled.plan;
  plan.dataset.datasetId = datasetDir;
  plan.classifier.model.source = { kind: 'catalog', id: modelId };
  return plan;
}

/** Head/training variants evaluated on the same splits and the same cached trunk features as the template. */
const VARIANTS: Record<string, (p: Plan) => void> = {
  template: () => {},
  // The head before Add Head params v2 (no standardisation, random output layer): what graphs saved earlier train.
  'template; before v2 head (random output layer; no standardisation)': (p) => {
    p.classifier.head = { ...p.classifier.head, standardize: false, outputInit: 'glorot' };
  },
  'template; random output layer': (p) => {
    p.classifier.head = { ...p.classifier.head, outputInit: 'glorot' };
  },
  'template; no standardisation': (p) => {
    p.classifier.head = { ...p.classifier.head, standardize: false };
  },
  // Not a default (bench only: HeadPlan.weightDecay is set by no node): +0.6 points on the flowers, lower on shapes.
  'template; weight decay 0.01': (p) => {
    p.classifier.head = { ...p.classifier.head, weightDecay: 0.01 };
  },
  'template; standardised; no augmentation': (p) => {
    p.dataset.augment = null;
  },
  'template; no standardisation; no augmentation': (p) => {
    p.classifier.head = { ...p.classifier.head, standardize: false };
    p.dataset.augment = null;
  },
  'template; standardised; linear head; no dropout': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
  },
  'template; standardised; dropout 0.5': (p) => {
    p.classifier.head = { ...p.classifier.head, dropout: 0.5 };
  },
  'template; standardised; hidden 256; dropout 0.5': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenUnits: 256, dropout: 0.5 };
  },
  // The defaults before early stopping was on by default (kept to show what changed).
  'previous defaults (20 epochs; no early stopping)': (p) => {
    p.train.epochs = 20;
    p.train.earlyStoppingPatience = 0;
  },
  'template; linear head': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0 };
  },
  'template; dropout 0.5': (p) => {
    p.classifier.head = { ...p.classifier.head, dropout: 0.5 };
  },
  'template; patience 5 (the defaults before 3 Dec)': (p) => {
    p.train.earlyStoppingPatience = 5;
  },
  'template; no augmentation': (p) => {
    p.dataset.augment = null;
  },
  'linear head; no dropout': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
  },
  'linear head; no dropout; no augmentation': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
    p.dataset.augment = null;
  },
  'hidden 256; dropout 0.5': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenUnits: 256, dropout: 0.5 };
  },
  'template; lr 0.0003': (p) => {
    p.train.learningRate = 0.0003;
  },
  'template; batch 32': (p) => {
    p.train.batchSize = 32;
  },
  'linear; no dropout; lr 0.01': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
    p.train.learningRate = 0.01;
  },
  'linear; no dropout; patience 20': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
    p.train.earlyStoppingPatience = 20;
  },
  'linear; no dropout; lr 0.01; patience 10': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
    p.train.learningRate = 0.01;
    p.train.earlyStoppingPatience = 10;
  },
  'template; lr 0.003': (p) => {
    p.train.learningRate = 0.003;
  },
  'template; patience 20': (p) => {
    p.train.earlyStoppingPatience = 20;
  },
  'hidden 128; dropout 0.5; patience 10': (p) => {
    p.classifier.head = { ...p.classifier.head, hiddenUnits: 128, dropout: 0.5 };
    p.train.earlyStoppingPatience = 10;
  },
};
/** Printed by default (README table); any other variant by name with --variants a,b,c. */
const DEFAULT_VARIANTS = [
  'template',
  'template; no standardisation',
  'template; random output layer',
  'template; before v2 head (random output layer; no standardisation)',
  'template; weight decay 0.01',
]
const variantNames = opt('variants', DEFAULT_VARIANTS.join(',')).split(',');
for (const name of variantNames) if (!VARIANTS[name]) throw new Error(`unknown variant "${name}" (known: ${Object.keys(VARIANTS).join(' | ')})`);

function probePlan(plan: Plan): Plan {
  const p = structuredClone(plan);
  p.dataset.augment = null;
  p.classifier.head = { ...p.classifier.head, hiddenLayers: 0, dropout: 0 };
  p.train.epochs = 1; // only to compute and store the features; the probe itself is fitted below
  return p;
}

function findFeatures(store: FeatureStore, plan: Plan): CachedFeatures {
  for (const backend of ['wasm', 'cpu', null]) {
    const hit = store.findByPlanKey(featureCacheKey(plan, { featureBackend: backend }));
    if (hit) return hit;
  }
  throw new Error('features not found in the store');
}

function standardise(train: Float32Array, dim: number, ...others: Float32Array[]): void {
  const n = train.length / dim;
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += train[i * dim + j];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (train[i * dim + j] - mean) ** 2;
    const sd = Math.sqrt(v / Math.max(1, n - 1)) || 1;
    for (const a of [train, ...others]) for (let i = 0; i < a.length / dim; i++) a[i * dim + j] = (a[i * dim + j] - mean) / sd;
  }
}

/** Full-batch multinomial logistic regression with L2 penalty λ·‖W‖². Returns accuracy on each eval set. */
function fitLogReg(x: Float32Array, y: number[], dim: number, classes: number, lambda: number, evals: Array<{ x: Float32Array; y: number[] }>): number[] {
  return tf.tidy(() => {
    const X = tf.tensor2d(x, [y.length, dim]);
    const Y = tf.oneHot(tf.tensor1d(y, 'int32'), classes).toFloat();
    const W = tf.variable(tf.zeros([dim, classes]));
    const b = tf.variable(tf.zeros([classes]));
    const opt = tf.train.adam(0.01);
    for (let step = 0; step < 400; step++) {
      opt.minimize(() => {
        const logits = X.matMul(W).add(b);
        return tf.losses.softmaxCrossEntropy(Y, logits).add(W.square().sum().mul(lambda)) as tf.Scalar;
      });
    }
    const accs = evals.map((e) => {
      const pred = tf.tensor2d(e.x, [e.y.length, dim]).matMul(W).add(b).argMax(1).dataSync();
      return e.y.reduce((s, t, i) => s + (pred[i] === t ? 1 : 0), 0) / Math.max(1, e.y.length);
    });
    opt.dispose();
    W.dispose();
    b.dispose();
    return accs;
  });
}

async function main() {
  const host = createNodeHost({ modelsDir });
  await tf.ready();
  const source = await host.openDataset(datasetDir);
  const labelOf = (rows: FeatureRows) => rows.kept.map((i) => source.items[i].label);
  const plan = basePlan();
  const store = new FeatureStore(1024 * 1024 * 1024, cacheDir ? new DiskFeatureCache(path.resolve(cacheDir)) : undefined);
    const rows: Array<{ splitSeed: number; recipe: number; probe: number; lambda: number; testSize: number; variants: Record<string, number> }> = [];
  for (const s of repeatSeeds(plan, seeds)) {
    const recipePlan = applyRunOverrides(plan, s);
    const variants: Record<string, number> = {};
    for (const name of variantNames) {
      const v = structuredClone(recipePlan);
      VARIANTS[name](v);
      variants[name] = (await runPlan(v, host, { onEvent: () => {}, featureStore: store })).evaluation.accuracy;
    }
    const recipe = { evaluation: { accuracy: variants.template ?? NaN } };
    const pPlan = probePlan(recipePlan);
    await runPlan(pPlan, host, { onEvent: () => {}, featureStore: store });
    const f = findFeatures(store, pPlan);
    const dim = f.featureDim;
    const train = Float32Array.from(f.trainViews[0].features);
    const val = Float32Array.from(f.validation.features);
    const test = Float32Array.from(f.test!.features);
    standardise(train, dim, val, test);
    const classes = source.labels.length;
    const yTrain = labelOf(f.trainViews[0]);
    const yVal = labelOf(f.validation);
    const yTest = labelOf(f.test!);
    let best = { lambda: 0, val: -1, test: 0 };
    for (const lambda of [1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1]) {
      const [va, te] = fitLogReg(train, yTrain, dim, classes, lambda, [
        { x: val, y: yVal },
        { x: test, y: yTest },
      ]);
      if (va > best.val) best = { lambda, val: va, test: te };
    }
    rows.push({ splitSeed: s.splitSeed, recipe: recipe.evaluation.accuracy, probe: best.test, lambda: best.lambda, testSize: yTest.length, variants });
    log(
      `split seed ${s.splitSeed}: ${Object.entries(variants).map(([k, a]) => `${k} ${(a * 100).toFixed(1)}%`).join(', ')}, ` +
        `linear probe ${(best.test * 100).toFixed(1)}% (λ=${best.lambda}), ${yTest.length} test images`,
    );
  }
  const a = spread(rows.map((r) => r.probe));
  const b = spread(rows.map((r) => r.recipe));
  const paired = pairedTTest(rows.map((r) => r.probe), rows.map((r) => r.recipe));
  const summary = {
    model: modelId,
    dataset: datasetDir,
    seeds,
    recipe: { mean: b.mean, sd: b.sd },
    probe: { mean: a.mean, sd: a.sd },
    meanDifference: paired.meanDifference,
    ci95: [paired.low, paired.high],
    p: paired.p,
    rows,
  };
  log(
    `default recipe ${(b.mean * 100).toFixed(1)}% ± ${(b.sd * 100).toFixed(1)} vs linear probe ${(a.mean * 100).toFixed(1)}% ± ${(a.sd * 100).toFixed(1)} ` +
      `over ${seeds} splits: recipe − probe ${formatPoints(paired.meanDifference)} (95% CI ${formatPoints(paired.low)} to ${formatPoints(paired.high)}, paired t-test ${formatP(paired.p)})`,
  );
  for (const name of variantNames) {
    const v = spread(rows.map((r) => r.variants[name]));
    const d = pairedTTest(rows.map((r) => r.probe), rows.map((r) => r.variants[name]));
    log(`  ${name}: ${(v.mean * 100).toFixed(1)}% ± ${(v.sd * 100).toFixed(1)}; − probe ${formatPoints(d.meanDifference)} (95% CI ${formatPoints(d.low)} to ${formatPoints(d.high)}, ${formatP(d.p)})`);
  }
  if (asJson) console.log(JSON.stringify(summary));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
