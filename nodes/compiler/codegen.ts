/**
 * planToCode: readable, copyable TensorFlow.js TypeScript that does what a Plan does. One section per node type,
 * so a change to any node's params shows up in the code. Pure string building (no tfjs import).
 */
import type { Plan, TuneDimension } from '../core/plan';
import { catalogEntry, scalingToAffine, type ConcreteScaling } from '../pretrained-model/catalog';

const lit = (v: unknown): string => JSON.stringify(v);

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : '0';
}

/** A JS identifier-safe, comment-safe rendering of user text. */
function commentSafe(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ');
}

interface ModelInfo {
  url: string;
  urlNote: string;
  inputSize: [number, number] | null;
  scaling: ConcreteScaling;
  scalingNote: string;
  truncateAt: string;
  label: string;
}

function modelInfo(plan: Plan): ModelInfo {
  const { source, inputScaling, truncateAt } = plan.classifier.model;
  const entry = source.kind === 'catalog' ? catalogEntry(source.id) : undefined;
  let url: string;
  let urlNote: string;
  let label: string;
  if (source.kind === 'catalog') {
    label = `catalog model "${source.id}"`;
    if (entry) {
      url = entry.officialUrl;
      urlNote = `${entry.title}. Graft serves a local copy at /api/models/${source.id}/model.json when one exists.`;
    } else {
      url = `/api/models/${source.id}/model.json`;
      urlNote = `Model folder "${source.id}" served by Graft from MODELS_DIR.`;
    }
  } else if (source.kind === 'url') {
    label = `model at ${source.url}`;
    url = source.url;
    urlNote = 'Loaded from the URL given in the Pretrained Model node.';
  } else {
    label = `uploaded model "${source.id}"`;
    url = `./uploaded-models/${source.id}/model.json`;
    urlNote = `Your uploaded model (id "${source.id}") lives in Graft; host its model.json + weight files and point this URL at them.`;
  }
  const known = entry?.inputScaling ?? null;
  const scaling: ConcreteScaling = inputScaling === 'auto' ? (known ?? 'zero1') : inputScaling;
  const scalingNote =
    inputScaling === 'auto' ? (known ? 'auto: the scaling this model was trained with' : 'auto: unknown model, so [0, 1]') : 'chosen in the node';
  return {
    url,
    urlNote,
    inputSize: entry?.inputSize ?? null,
    scaling,
    scalingNote,
    truncateAt: truncateAt || entry?.defaultTruncation || '',
    label,
  };
}

function configSection(plan: Plan, m: ModelInfo): string {
  const d = plan.dataset;
  const a = d.augment;
  const h = plan.classifier.head;
  const f = plan.classifier.model.freeze;
  const t = plan.train;
  const affine = scalingToAffine(m.scaling);
  const lines = [
    'export const config = {',
    `  // Dataset node ${lit(d.nodeIds.dataset)}: ${commentSafe(d.datasetId)}`,
    `  testSplit: ${num(d.testSplit)}, // fraction of every class held out for the final test`,
    `  splitSeed: ${num(d.splitSeed)},`,
    `  maxImagesPerClass: ${num(d.maxImagesPerClass)}, // 0 = all`,
    `  // Pretrained Model node ${lit(plan.classifier.nodeIds.model)}: ${commentSafe(m.label)}`,
    `  modelUrl: ${lit(m.url)}, // ${commentSafe(m.urlNote)}`,
    `  truncateAt: ${lit(m.truncateAt)}, // ${m.truncateAt ? 'features = output of this layer' : "'' = cut before the classification top (see cutLayerName)"}`,
    `  pixelScale: ${num(affine.scale)}, pixelOffset: ${num(affine.offset)}, // input scaling '${m.scaling}' (${m.scalingNote})`,
    `  // Freeze Layers${plan.classifier.nodeIds.freeze ? ` node ${lit(plan.classifier.nodeIds.freeze)}` : ': none in the graph, so the whole trunk is trained'}`,
    `  freezeMode: ${lit(f.mode)} as 'all' | 'firstN' | 'upTo' | 'none',`,
    `  freezeCount: ${num(f.mode === 'firstN' ? f.count : 0)},`,
    `  freezeUpTo: ${lit(f.mode === 'upTo' ? f.layer : '')},`,
    `  // Add Head node ${lit(plan.classifier.nodeIds.head)}`,
    `  pooling: ${lit(h.pooling)} as 'gap' | 'gmp' | 'flatten',`,
    `  hiddenLayers: ${num(h.hiddenLayers)},`,
    `  hiddenUnits: ${num(h.hiddenUnits)},`,
    `  activation: ${lit(h.activation)} as 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'selu',`,
    `  dropout: ${num(h.dropout)},`,
  ];
  if (a) {
    lines.push(
      `  // Augment Data node ${lit(d.nodeIds.augment ?? '')}: applied to training batches only`,
      `  flipHorizontal: ${a.flipHorizontal},`,
      `  flipVertical: ${a.flipVertical},`,
      `  rotation: ${num(a.rotation)}, // 1 = ±45°`,
      `  zoom: ${num(a.zoom)}, // 1 = ±40%`,
      `  translate: ${num(a.translate)}, // 1 = ±30% of the image size`,
      `  brightness: ${num(a.brightness)},`,
      `  contrast: ${num(a.contrast)},`,
      `  noise: ${num(a.noise)},`,
      `  augmentSeed: ${num(a.seed)},`,
    );
  }
  lines.push(
    `  // ${plan.tune ? 'Hyperparameter Tune' : 'Train'} node ${lit(plan.nodeIds.train)}`,
    `  optimizer: ${lit(t.optimizer)} as 'adam' | 'sgd' | 'rmsprop',`,
    `  learningRate: ${num(t.learningRate)},`,
    `  momentum: ${num(t.momentum)}, // used by sgd`,
    `  batchSize: ${num(t.batchSize)},`,
    `  epochs: ${num(t.epochs)},`,
    `  validationSplit: ${num(t.validationSplit)},`,
    `  earlyStoppingPatience: ${num(t.earlyStoppingPatience)}, // 0 = off`,
    `  seed: ${num(t.seed)},`,
  );
  if (plan.evaluate) {
    lines.push(`  // Evaluate node ${lit(plan.nodeIds.evaluate ?? '')}`, `  misclassifiedCount: ${num(plan.evaluate.misclassifiedCount)},`);
  }
  lines.push('};', 'export type Config = typeof config;');
  return lines.join('\n');
}

const HELPERS = `/** Small seeded PRNG (mulberry32) so splits and augmentations are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stratified split: the same fraction of every class goes to \`held\` (seeded shuffle per class). */
export function stratifiedSplit(labels: number[], fraction: number, seed: number): { keep: number[]; held: number[] } {
  const rand = mulberry32(seed);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
  const keep: number[] = [];
  const held: number[] = [];
  for (const indices of byClass.values()) {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    const nHeld = indices.length > 1 ? Math.max(1, Math.round(indices.length * fraction)) : 0;
    held.push(...indices.slice(0, nHeld));
    keep.push(...indices.slice(nHeld));
  }
  return { keep, held };
}

function take(images: tf.Tensor4D, labels: number[], indices: number[], numClasses: number) {
  return tf.tidy(() => ({
    xs: tf.gather(images, indices) as tf.Tensor4D,
    ys: tf.oneHot(tf.tensor1d(indices.map((i) => labels[i]), 'int32'), numClasses) as tf.Tensor2D,
  }));
}`;

function dataSection(plan: Plan, m: ModelInfo): string {
  const size = m.inputSize ? `[${m.inputSize[0]}, ${m.inputSize[1]}]` : 'inputSizeOf(trunk)';
  return `/**
 * Dataset: ${commentSafe(plan.dataset.datasetId)}.
 * Load your labelled images, one class per folder/label. In a browser: pass image URLs with their class names.
 * Images are resized to the model's input size (${size}) and kept as raw 0..255 RGB.
 */
async function loadLabelledImages(
  files: Array<{ url: string; label: string }>,
  size: [number, number],
): Promise<{ images: tf.Tensor4D; labels: number[]; classNames: string[] }> {
  const classNames = [...new Set(files.map((f) => f.label))].sort();
  const perClass = new Map<string, number>();
  const chosen = files.filter((f) => {
    const n = (perClass.get(f.label) ?? 0) + 1;
    perClass.set(f.label, n);
    return config.maxImagesPerClass === 0 || n <= config.maxImagesPerClass;
  });
  const tensors: tf.Tensor3D[] = [];
  for (const file of chosen) {
    const img = new Image();
    img.crossOrigin = 'anonymous';
    img.src = file.url;
    await img.decode();
    tensors.push(tf.tidy(() => tf.image.resizeBilinear(tf.browser.fromPixels(img, 3), size).toFloat()));
  }
  const images = tf.stack(tensors) as tf.Tensor4D;
  tensors.forEach((t) => t.dispose());
  return { images, labels: chosen.map((f) => classNames.indexOf(f.label)), classNames };
}`;
}

function modelSection(plan: Plan, m: ModelInfo): string {
  const f = plan.classifier.model.freeze;
  const freezeDoc =
    f.mode === 'all'
      ? 'the whole trunk is frozen: only the new head learns'
      : f.mode === 'none'
        ? 'nothing is frozen: the whole network is fine-tuned'
        : f.mode === 'firstN'
          ? `the first ${f.count} trunk layers are frozen`
          : `every layer up to "${commentSafe(f.layer)}" is frozen`;
  const h = plan.classifier.head;
  return `/** Layer to cut at: the configured one, or the last layer before the classification top (Dense/Flatten/Pooling/…). */
function cutLayerName(base: tf.LayersModel, truncateAt: string): string {
  if (truncateAt) return truncateAt;
  const top = /^(Dense|Flatten|Dropout|Reshape|Softmax|Activation|GlobalAveragePooling2D|GlobalMaxPooling2D)$/;
  let i = base.layers.length - 1;
  while (i > 0 && top.test(base.layers[i].getClassName())) i--;
  return base.layers[i].name;
}

/**
 * Pretrained Model (${commentSafe(m.label)}) → Freeze Layers (${freezeDoc}) → Add Head
 * (${h.pooling} pooling, ${h.hiddenLayers} hidden layer(s) × ${h.hiddenUnits} ${h.activation}, dropout ${h.dropout}, softmax over the classes).
 */
export async function buildClassifier(cfg: Config, numClasses: number): Promise<tf.LayersModel> {
  const base = await tf.loadLayersModel(cfg.modelUrl);
  const cut = base.getLayer(cutLayerName(base, cfg.truncateAt));
  const trunk = tf.model({ inputs: base.inputs, outputs: cut.output as tf.SymbolicTensor });
  // Free the weights of the cut-off original top.
  base.layers.filter((layer) => !trunk.layers.includes(layer)).forEach((layer) => layer.dispose());

  // Freeze: frozen layers keep their pretrained weights during training.
  trunk.layers.forEach((layer, i) => {
    if (cfg.freezeMode === 'all') layer.trainable = false;
    else if (cfg.freezeMode === 'firstN') layer.trainable = i >= cfg.freezeCount;
    else if (cfg.freezeMode === 'upTo') {
      const last = trunk.layers.findIndex((l) => l.name === cfg.freezeUpTo);
      if (last < 0) throw new Error(\`No layer named "\${cfg.freezeUpTo}" in the model.\`);
      layer.trainable = i > last;
    }
  });

  // Head: pooling → hidden dense layers with dropout → one softmax output per class.
  let x = trunk.outputs[0];
  if (x.shape.length === 4) {
    const pool =
      cfg.pooling === 'gap'
        ? tf.layers.globalAveragePooling2d({})
        : cfg.pooling === 'gmp'
          ? tf.layers.globalMaxPooling2d({})
          : tf.layers.flatten();
    x = pool.apply(x) as tf.SymbolicTensor;
  } else if (x.shape.length > 2) {
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  }
  for (let i = 0; i < cfg.hiddenLayers; i++) {
    x = tf.layers.dense({ units: cfg.hiddenUnits, activation: cfg.activation, kernelInitializer: tf.initializers.glorotUniform({ seed: cfg.seed + i }) }).apply(x) as tf.SymbolicTensor;
    if (cfg.dropout > 0) x = tf.layers.dropout({ rate: cfg.dropout, seed: cfg.seed }).apply(x) as tf.SymbolicTensor;
  }
  const outputs = tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: cfg.seed + 100 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: trunk.inputs, outputs });
}

/** Raw 0..255 pixels → the range the trunk was trained with. */
export function preprocess(images: tf.Tensor4D, cfg: Config): tf.Tensor4D {
  return tf.tidy(() => images.mul(cfg.pixelScale).add(cfg.pixelOffset) as tf.Tensor4D);
}`;
}

function augmentSection(plan: Plan): string {
  if (!plan.dataset.augment) {
    return `/** No Augment Data node: training images are used as they are. */
export function augmentBatch(images: tf.Tensor4D, _cfg: Config, _rand: () => number): tf.Tensor4D {
  return images.clone();
}`;
  }
  return `/** Augment Data: random flips, rotation, zoom, shift, brightness, contrast and noise on 0..255 images. */
export function augmentBatch(images: tf.Tensor4D, cfg: Config, rand: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = images.shape;
    const u = () => rand() * 2 - 1; // uniform in [-1, 1)
    let x = images;
    if (cfg.flipHorizontal && rand() < 0.5) x = tf.image.flipLeftRight(x);
    if (cfg.flipVertical && rand() < 0.5) x = tf.reverse(x, 1) as tf.Tensor4D;
    if (cfg.rotation > 0) x = tf.image.rotateWithOffset(x, u() * cfg.rotation * (Math.PI / 4), 0);
    if (cfg.zoom > 0 || cfg.translate > 0) {
      // Per-image affine transform [a0, a1, a2, b0, b1, b2, c0, c1] mapping output → input coordinates.
      const transforms: number[][] = [];
      for (let i = 0; i < n; i++) {
        const s = 1 / (1 + u() * cfg.zoom * 0.4);
        const tx = u() * cfg.translate * 0.3 * w;
        const ty = u() * cfg.translate * 0.3 * h;
        transforms.push([s, 0, (w * (1 - s)) / 2 + tx, 0, s, (h * (1 - s)) / 2 + ty, 0, 0]);
      }
      x = tf.image.transform(x, tf.tensor2d(transforms), 'bilinear', 'nearest');
    }
    if (cfg.brightness > 0) x = x.add(tf.randomUniform([n, 1, 1, 1], -cfg.brightness * 64, cfg.brightness * 64, 'float32', Math.floor(rand() * 1e9)));
    if (cfg.contrast > 0) {
      const mean = x.mean([1, 2, 3], true);
      const factor = tf.randomUniform([n, 1, 1, 1], 1 - cfg.contrast * 0.5, 1 + cfg.contrast * 0.5, 'float32', Math.floor(rand() * 1e9));
      x = x.sub(mean).mul(factor).add(mean);
    }
    if (cfg.noise > 0) x = x.add(tf.randomNormal(x.shape, 0, cfg.noise * 25, 'float32', Math.floor(rand() * 1e9)));
    return x.clipByValue(0, 255) as tf.Tensor4D;
  });
}`;
}

function trainSection(plan: Plan): string {
  const fc =
    plan.classifier.model.freeze.mode === 'all' && plan.train.featureCache === 'auto'
      ? '\n * (Graft itself computes the frozen trunk\'s features once and trains only the head on them: same maths, much faster.)'
      : '';
  return `/**
 * Train: ${plan.train.optimizer} (learning rate ${plan.train.learningRate}), batch size ${plan.train.batchSize}, up to ${plan.train.epochs} epochs,
 * ${plan.train.validationSplit * 100}% of the training images held back for validation${plan.train.earlyStoppingPatience > 0 ? `, early stopping after ${plan.train.earlyStoppingPatience} epochs without improvement` : ''}.${fc}
 */
export async function trainOnce(
  cfg: Config,
  train: { xs: tf.Tensor4D; ys: tf.Tensor2D },
  numClasses: number,
): Promise<{ model: tf.LayersModel; history: tf.History; best: { valLoss: number; valAccuracy: number } }> {
  const model = await buildClassifier(cfg, numClasses);
  const optimizer =
    cfg.optimizer === 'adam'
      ? tf.train.adam(cfg.learningRate)
      : cfg.optimizer === 'sgd'
        ? tf.train.momentum(cfg.learningRate, cfg.momentum)
        : tf.train.rmsprop(cfg.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  // Stratified validation split (instead of fit's "last N%") so every class is represented.
  const labels = Array.from(tf.tidy(() => train.ys.argMax(-1).dataSync()));
  const { keep, held } = stratifiedSplit(labels, cfg.validationSplit, cfg.seed);
  const fitXs = tf.tidy(() => tf.unstack(tf.gather(train.xs, keep)));
  const fitYs = tf.tidy(() => tf.unstack(tf.gather(train.ys, keep)));
  const val = held.length
    ? tf.tidy(() => ({ xs: preprocess(tf.gather(train.xs, held) as tf.Tensor4D, cfg), ys: tf.gather(train.ys, held) as tf.Tensor2D }))
    : null;

  const rand = mulberry32(${plan.dataset.augment ? 'cfg.augmentSeed' : 'cfg.seed'});
  const batches = tf.data
    .zip({ xs: tf.data.array(fitXs), ys: tf.data.array(fitYs) })
    .shuffle(keep.length, String(cfg.seed))
    .batch(cfg.batchSize)
    .map((b) => {
      const { xs, ys } = b as { xs: tf.Tensor4D; ys: tf.Tensor2D };
      return tf.tidy(() => ({ xs: preprocess(augmentBatch(xs, cfg, rand), cfg), ys }));
    });

  // Early stopping: stop after \`earlyStoppingPatience\` epochs without a better validation loss, keep the best weights.
  const best = { valLoss: Infinity, valAccuracy: 0 };
  let bestWeights: tf.Tensor[] | null = null;
  let epochsWithoutImprovement = 0;
  const history = await model.fitDataset(batches, {
    epochs: cfg.epochs,
    validationData: val ? [val.xs, val.ys] : undefined,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        console.log(\`epoch \${epoch + 1}: loss \${logs?.loss?.toFixed(4)} acc \${logs?.acc?.toFixed(3)} val_loss \${logs?.val_loss?.toFixed(4)} val_acc \${logs?.val_acc?.toFixed(3)}\`);
        if (logs?.val_loss === undefined) return;
        if (logs.val_loss < best.valLoss) {
          best.valLoss = logs.val_loss;
          best.valAccuracy = logs.val_acc ?? 0;
          epochsWithoutImprovement = 0;
          if (cfg.earlyStoppingPatience > 0) {
            tf.dispose(bestWeights ?? []);
            bestWeights = model.getWeights().map((w) => w.clone());
          }
        } else if (cfg.earlyStoppingPatience > 0 && ++epochsWithoutImprovement >= cfg.earlyStoppingPatience) {
          model.stopTraining = true;
        }
      },
    },
  });
  if (bestWeights) {
    model.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }
  tf.dispose([...fitXs, ...fitYs, val?.xs, val?.ys]);
  return { model, history, best };
}`;
}

function dimensionValues(dim: TuneDimension): Array<number | string | boolean> {
  if (dim.values) return dim.values;
  const r = dim.range!;
  const out: number[] = [];
  for (let i = 0; i < r.steps; i++) {
    const t = r.steps === 1 ? 0 : i / (r.steps - 1); // like the engine: 1 step = the minimum
    let v = r.scale === 'log' ? Math.exp(Math.log(r.min) + t * (Math.log(r.max) - Math.log(r.min))) : r.min + t * (r.max - r.min);
    v = r.integer ? Math.round(v) : Number(v.toPrecision(4));
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** Graph param → key in the generated `config` object. */
function configKey(plan: Plan, dim: TuneDimension): string {
  if (dim.nodeId === plan.classifier.nodeIds.freeze) {
    return dim.param === 'count' ? 'freezeCount' : dim.param === 'mode' ? 'freezeMode' : dim.param;
  }
  if (dim.nodeId === plan.dataset.nodeIds.augment && dim.param === 'seed') return 'augmentSeed';
  return dim.param;
}

function mainSection(plan: Plan, m: ModelInfo): string {
  const size = m.inputSize ? `[${m.inputSize[0]}, ${m.inputSize[1]}] as [number, number]` : 'inputSizeOfModel';
  const sizeLine = m.inputSize
    ? ''
    : `  // Unknown model: read its input size from model.json.\n  const probe = await tf.loadLayersModel(config.modelUrl);\n  const [, h, w] = probe.inputs[0].shape;\n  const inputSizeOfModel: [number, number] = [h ?? 224, w ?? 224];\n  probe.dispose();\n`;
  let training: string;
  if (plan.tune) {
    const tune = plan.tune;
    const space = tune.dimensions.map((d) => `    ${configKey(plan, d)}: [${dimensionValues(d).map(lit).join(', ')}],`).join('\n');
    const better = tune.metric === 'val_accuracy' ? 'result.best.valAccuracy > bestScore' : '-result.best.valLoss > bestScore';
    const score = tune.metric === 'val_accuracy' ? 'result.best.valAccuracy' : '-result.best.valLoss';
    training = `  // Hyperparameter Tune: ${tune.strategy} search, at most ${tune.maxTrials} trials / ${tune.maxMinutes} minutes, best ${tune.metric}.
  // Trials are compared on the validation split only; the test split is used once, on the winner.${tune.strategy === 'halving' ? '\n  // (Graft runs successive halving: many short trials, the better half continues. Plain random search here.)' : ''}
  const searchSpace: Record<string, Array<number | string | boolean>> = {
${space}
  };
  const keys = Object.keys(searchSpace);
  const rand = mulberry32(${num(tune.seed)});
  const trials: Array<Partial<Config>> = [];
  ${
    tune.strategy === 'grid'
      ? `const grid = keys.reduce<Array<Record<string, unknown>>>((acc, k) => acc.flatMap((c) => searchSpace[k].map((v) => ({ ...c, [k]: v }))), [{}]);
  trials.push(...(grid.slice(0, ${tune.maxTrials}) as Array<Partial<Config>>));`
      : `for (let i = 0; i < ${tune.maxTrials}; i++) {
    trials.push(Object.fromEntries(keys.map((k) => [k, searchSpace[k][Math.floor(rand() * searchSpace[k].length)]])) as Partial<Config>);
  }`
  }
  const deadline = Date.now() + ${num(tune.maxMinutes)} * 60_000;
  let winner: { model: tf.LayersModel; config: Config } | null = null;
  let bestScore = -Infinity;
  for (const overrides of trials) {
    if (Date.now() > deadline) break;
    const trialConfig: Config = { ...config, ...overrides };
    const result = await trainOnce(trialConfig, train, classNames.length);
    console.log('trial', overrides, '${tune.metric}', ${score});
    if (${better}) {
      winner?.model.dispose();
      winner = { model: result.model, config: trialConfig };
      bestScore = ${score};
    } else {
      result.model.dispose();
    }
  }
  if (!winner) throw new Error('No trial finished within the time budget.');
  console.log('best configuration', winner.config);
  const model = winner.model;
  const finalConfig = winner.config;`;
  } else {
    training = `  const { model } = await trainOnce(config, train, classNames.length);
  const finalConfig = config;`;
  }
  const evaluate = plan.evaluate
    ? `
  // Evaluate on the held-out test images (never seen in training or tuning).
  const testInputs = preprocess(test.xs, finalConfig);
  const report = evaluate(model, testInputs, test.ys, classNames, finalConfig.misclassifiedCount);
  testInputs.dispose();
  console.log('test accuracy', report.accuracy.toFixed(3));
  console.table(report.perClass);
  console.log('confusion matrix [true][predicted]', report.confusionMatrix);`
    : `
  // No Evaluate node in the graph: the test split stays untouched.
  void finalConfig;`;
  return `/** The whole pipeline. \`files\`: your images with their class names. */
export async function run(files: Array<{ url: string; label: string }>): Promise<tf.LayersModel> {
  await tf.ready();
${sizeLine}  const { images, labels, classNames } = await loadLabelledImages(files, ${size});
  const split = stratifiedSplit(labels, config.testSplit, config.splitSeed);
  const train = take(images, labels, split.keep, classNames.length);
  const test = take(images, labels, split.held, classNames.length);
  images.dispose();

${training}
${evaluate}
  tf.dispose([train.xs, train.ys, test.xs, test.ys]);
  return model;
}`;
}

const EVALUATE = `/** Accuracy, per-class precision/recall/F1, confusion matrix and the most confident mistakes. */
export function evaluate(model: tf.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor2D, classNames: string[], misclassifiedCount: number) {
  const [predicted, confidence, truth] = tf.tidy(() => {
    const probs = model.predict(xs) as tf.Tensor2D;
    return [probs.argMax(-1).dataSync(), probs.max(-1).dataSync(), ys.argMax(-1).dataSync()].map((a) => Array.from(a));
  });
  const k = classNames.length;
  const confusionMatrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  truth.forEach((t, i) => confusionMatrix[t][predicted[i]]++);
  const correct = truth.filter((t, i) => t === predicted[i]).length;
  const perClass = classNames.map((label, c) => {
    const tp = confusionMatrix[c][c];
    const predictedC = confusionMatrix.reduce((s, row) => s + row[c], 0);
    const actualC = confusionMatrix[c].reduce((s, v) => s + v, 0);
    const precision = predictedC ? tp / predictedC : 0; // of the images predicted as this class, how many were right
    const recall = actualC ? tp / actualC : 0; // of the images of this class, how many were found
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: actualC };
  });
  const misclassified = truth
    .map((t, i) => ({ index: i, trueLabel: classNames[t], predictedLabel: classNames[predicted[i]], confidence: confidence[i] }))
    .filter((m) => m.trueLabel !== m.predictedLabel)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, misclassifiedCount);
  return { accuracy: truth.length ? correct / truth.length : 0, perClass, confusionMatrix, misclassified };
}`;

/** Readable TensorFlow.js TypeScript that does what the plan does. */
export function planToCode(plan: Plan): string {
  try {
    const m = modelInfo(plan);
    const header = `// ${commentSafe(plan.graph.name)}: generated by Graft from your pipeline.
// Transfer learning with TensorFlow.js: ${commentSafe(m.label)} → ${plan.classifier.model.freeze.mode === 'all' ? 'frozen trunk' : 'trunk'} → new head → ${plan.tune ? 'hyperparameter search' : 'training'}${plan.evaluate ? ' → test evaluation' : ''}.
// Model: ${m.url}
// npm install @tensorflow/tfjs
import * as tf from '@tensorflow/tfjs';`;
    const sections = [header, configSection(plan, m), HELPERS, dataSection(plan, m), modelSection(plan, m), augmentSection(plan), trainSection(plan)];
    if (plan.evaluate) sections.push(EVALUATE);
    sections.push(mainSection(plan, m));
    return sections.join('\n\n') + '\n';
  } catch (e) {
    return `// Could not generate code for this plan: ${(e as Error)?.message ?? String(e)}\n`;
  }
}
