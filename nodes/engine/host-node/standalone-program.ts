/**
 * The runtime of the program "View code" exports (`npm run pipeline -- <graph> --emit-code out.ts`). Embedded
 * verbatim in that program, after the engine's own modules (split, RNG, optimizer table, early stopping, freezing,
 * augmentation, head, resize, decoding, class-folder listing), so it trains exactly like the engine does in Node:
 * same files, same split, same batches, same numbers. Node only; never imported by the app.
 *
 *   npx tsx out.ts --dataset <folder of class folders> [--model <model.json>] [--json]
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { AugmentPlan, HeadPlan } from '../../core/plan';
import type { DecodedImage, ImageSource } from '../host';
import { createRng, hashSeed } from '../../dataset/rng';
import { epochOrder, splitDataset } from '../../dataset/split';
import { splitFingerprint } from '../../dataset/fingerprint';
import { makeOptimizer } from '../rules/optimizer';
import { BestWeightsKeeper, keptEpochText } from '../rules/early-stopping';
import { applyFreeze, frozenCountFor, trunkLayersOf, type FreezeRule } from '../model/freeze';
import { layerOutputIn } from '../model/layer-output';
import { buildFusedTrunk } from '../model/fused-trunk';
import { augmentBatch, augmentIsActive } from '../../augment-data/augment';
import { lossAndAccuracy } from '../metrics';
import { FeatureMoments, assembleClassifier, buildHead, headOnFeatures, poolFeatures, setStandardization } from '../model/head';
import { PixelStore } from '../data/pixel-store';
import { decodeImage } from '../../dataset/decode-node';
import { listClassFolders } from '../../dataset/class-folders';
import { registerGradientKernels } from '../kernels/register';

type Scaling = 'minus1to1' | 'zero1' | 'raw255';

export interface ProgramConfig {
  testSplit: number;
  splitSeed: number;
  maxImagesPerClass: number;
  augment: AugmentPlan | null;
  /** Catalog/folder id of the pretrained model ($MODELS_DIR/<id>/model.json is tried first), or null. */
  modelId: string | null;
  /** Where else the pretrained model's model.json is looked for, in order (files or http(s) URLs). */
  modelCandidates: string[];
  truncateAt: string;
  inputScaling: 'auto' | Scaling;
  /** The catalog's scaling for this model (used by 'auto' when the model folder's graft.json has none). */
  knownScaling: Scaling | null;
  /** raw 0..255 → model input: x · scale + offset (the engine's scaling table). */
  scalingTable: Record<Scaling, { scale: number; offset: number }>;
  freeze: FreezeRule;
  head: HeadPlan;
  train: {
    optimizer: 'adam' | 'sgd' | 'rmsprop';
    learningRate: number;
    momentum: number;
    batchSize: number;
    epochs: number;
    validationSplit: number;
    earlyStoppingPatience: number;
    seed: number;
    featureCache: 'auto' | 'off';
  };
}

const INFERENCE_BATCH = 16;

async function openFolder(dir: string): Promise<ImageSource> {
  const listing = await listClassFolders(dir);
  const files = listing.items.map((item) => path.join(dir, item.name));
  return {
    ...listing,
    load: async (index: number, maxSide: number): Promise<DecodedImage> => decodeImage(new Uint8Array(await fs.readFile(files[index])), maxSide),
  };
}

async function readModelJson(where: string): Promise<{ json: Record<string, unknown>; dir: string | null } | null> {
  if (/^https?:\/\//.test(where)) {
    const res = await fetch(where).catch(() => null);
    return res?.ok ? { json: (await res.json()) as Record<string, unknown>, dir: null } : null;
  }
  const text = await fs.readFile(where, 'utf8').catch(() => null);
  return text === null ? null : { json: JSON.parse(text) as Record<string, unknown>, dir: path.dirname(where) };
}

/** Load the first model.json found (files with their weights from disk, or http(s)), plus its graft.json. */
async function loadModel(candidates: string[]): Promise<{ model: tf.LayersModel; meta: Record<string, unknown> }> {
  for (const where of candidates) {
    const found = await readModelJson(where);
    if (!found) continue;
    if (!found.dir) return { model: await tf.loadLayersModel(where), meta: {} };
    const dir = found.dir;
    const manifest = found.json.weightsManifest as Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
    const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => fs.readFile(path.join(dir, p))));
    const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
    let offset = 0;
    for (const b of buffers) weightData.set(b, (offset += b.byteLength) - b.byteLength);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: found.json.modelTopology as tf.io.ModelJSON['modelTopology'],
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: weightData.buffer,
      }),
    );
    const meta = await fs.readFile(path.join(dir, 'graft.json'), 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => ({}));
    return { model, meta };
  }
  throw new Error(`No model.json found (tried ${candidates.join(', ')}). Pass --model <path to model.json>.`);
}

async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm') setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  await tf.setBackend(name);
  await tf.ready();
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function runProgram(config: ProgramConfig, argv: string[]): Promise<void> {
  const datasetDir = argValue(argv, '--dataset');
  if (!datasetDir) throw new Error('usage: npx tsx <program>.ts --dataset <folder of class folders> [--model <model.json>] [--json]');
  const json = argv.includes('--json');
  const log = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
  const modelArg = argValue(argv, '--model');
  const cfg = config.train;

  // Data: the class-folder rule, then the one split (subsample per class, stratified test/validation split).
  const source = await openFolder(path.resolve(datasetDir));
  const split = splitDataset(source.items.map((i) => i.label), {
    maxImagesPerClass: config.maxImagesPerClass,
    testSplit: config.testSplit,
    validationSplit: cfg.validationSplit,
    seed: config.splitSeed,
  });
  const fingerprint = splitFingerprint(split.test.map((i) => source.items[i].name));
  log(`${source.items.length} images in ${source.labels.length} classes; ${split.train.length}/${split.validation.length}/${split.test.length} train/validation/test; test set ${fingerprint}`);

  // Model: load, cut, freeze, head.
  await useBackend('wasm');
  const modelsDir = process.env.MODELS_DIR;
  const candidates = [...(modelsDir && config.modelId ? [path.join(modelsDir, config.modelId, 'model.json')] : []), ...config.modelCandidates];
  const { model: base, meta } = await loadModel(modelArg ? [modelArg] : candidates);
  const truncateAt = config.truncateAt || (typeof meta.defaultTruncation === 'string' ? meta.defaultTruncation : '');
  if (!truncateAt) throw new Error('No layer to cut at: set "Cut at layer" in the Pretrained Model node.');
  const trunk = tf.model({ inputs: base.inputs, outputs: layerOutputIn(base, base.getLayer(truncateAt)) });
  const shape = base.inputs[0].shape;
  const metaSize = Array.isArray(meta.inputSize) ? (meta.inputSize as number[]) : null;
  const inputSize: [number, number] = [shape[1] ?? metaSize?.[0] ?? 224, shape[2] ?? metaSize?.[1] ?? 224];
  const scaling: Scaling =
    config.inputScaling !== 'auto' ? config.inputScaling : ((meta.inputScaling as Scaling | undefined) ?? config.knownScaling ?? 'zero1');
  const { scale, offset } = config.scalingTable[scaling];
  const layers = trunkLayersOf(trunk);
  const frozen = frozenCountFor(config.freeze, layers.map((l) => l.name));
  if (typeof frozen === 'string') throw new Error(`Freeze Layers: ${frozen}`);
  const fineTuning = applyFreeze(layers, frozen);
  // Like the engine in Node: everything on WASM; unfrozen convolutions train there with Graft's gradient kernels
  // (tfjs-wasm has none), embedded above.
  const backend = 'wasm';
  if (fineTuning) registerGradientKernels('wasm');
  await useBackend(backend);
  const featureShape = (trunk.outputs[0].shape.slice(1) as number[]).map((d) => d ?? 0);
  const numClasses = source.labels.length;
  const head = buildHead(tf, config.head, featureShape, numClasses, cfg.seed);
  const optimizer = makeOptimizer(tf, cfg);
  const compile = (m: tf.LayersModel) => m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const augment = augmentIsActive(config.augment) ? config.augment : null;
  const augmentRng = createRng(hashSeed(config.augment?.seed ?? 0, cfg.seed, 0xa6));
  const pixels = new PixelStore(tf, source, inputSize[0], inputSize[1], 256 * 1024 * 1024);
  const scalePixels = (x: tf.Tensor) => tf.tidy(() => tf.add(tf.mul(x, scale), offset));
  const labelOf = (i: number) => source.items[i].label;
  const oneHot = (labels: number[]) => tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat());
  const predict = async (model: tf.LayersModel, count: number, input: (from: number, to: number) => Promise<tf.Tensor | null>) => {
    const out: number[] = [];
    for (let from = 0; from < count; from += INFERENCE_BATCH) {
      const x = await input(from, Math.min(count, from + INFERENCE_BATCH));
      if (!x) continue;
      const probs = tf.tidy(() => model.predict(x) as tf.Tensor);
      x.dispose();
      out.push(...(await probs.data()));
      probs.dispose();
    }
    return new Float32Array(out);
  };

  // Strategy: a frozen trunk's features are computed once and only the head trains on them (Graft's feature
  // cache); otherwise full forward passes every epoch. Both give the fit loop a model and a batch source.
  let model: tf.LayersModel;
  let makeBatch: (positions: number[]) => Promise<{ x: tf.Tensor; y: tf.Tensor } | null>;
  let trainCount: number;
  let predictRows: (which: 'validation' | 'test') => Promise<{ probabilities: Float32Array; kept: number[] }>;
  const path_ = !fineTuning && cfg.featureCache === 'auto' ? 'cached' : 'full';
  // Trunk features (pooled) of images, batch by batch: the cached path's rows and the standardisation's statistics.
  // The trunk as it is now, with each batch norm folded into its convolution and the activation fused (same features
  // as trunk.predict up to float rounding, several times faster on WASM).
  const extract = async (indices: number[], augmentView: boolean) => {
    const fusedTrunk = buildFusedTrunk(tf, trunk);
    const rows: number[] = [];
    const kept: number[] = [];
    try {
      for (let from = 0; from < indices.length; from += INFERENCE_BATCH) {
        const batch = await pixels.batch(indices.slice(from, from + INFERENCE_BATCH));
        if (!batch.pixels) continue;
        const raw = batch.pixels;
        const features = tf.tidy(() => {
          const x = augmentView && augment ? augmentBatch(tf, raw, augment, augmentRng) : raw;
          return poolFeatures(head, fusedTrunk.predict(scalePixels(x)));
        });
        raw.dispose();
        rows.push(...(await features.data()));
        features.dispose();
        kept.push(...batch.kept);
      }
    } finally {
      fusedTrunk.dispose();
    }
    return { features: new Float32Array(rows), kept };
  };
  const standardize = (trainRows: Array<{ features: Float32Array }>) => {
    const moments = new FeatureMoments(head.featureDim);
    for (const rows of trainRows) moments.add(rows.features);
    setStandardization(tf, head, moments);
  };
  if (path_ === 'cached') {
    const views = augment ? Math.max(1, Math.floor(augment.cachedViews || 1)) : 1;
    const trainViews: Array<{ features: Float32Array; kept: number[] }> = [];
    for (let v = 0; v < views; v++) trainViews.push(await extract(split.train, augment !== null));
    const sets = { validation: await extract(split.validation, false), test: await extract(split.test, false) };
    pixels.clear();
    const dim = head.featureDim;
    model = headOnFeatures(tf, head);
    if (head.standardizer) standardize(trainViews);
    compile(model);
    const viewRng = createRng(hashSeed(cfg.seed, 0x71e3));
    const trainLabels = trainViews[0].kept.map(labelOf);
    trainCount = trainViews[0].kept.length;
    makeBatch = async (positions) => {
      const rows = new Float32Array(positions.length * dim);
      positions.forEach((p, k) => {
        const view = views > 1 ? Math.floor(viewRng() * views) : 0;
        rows.set(trainViews[view].features.subarray(p * dim, (p + 1) * dim), k * dim);
      });
      return { x: tf.tensor2d(rows, [positions.length, dim]), y: oneHot(positions.map((p) => trainLabels[p])) };
    };
    predictRows = async (which) => {
      const set = sets[which];
      const probabilities = await predict(model, set.kept.length, async (from, to) =>
        tf.tensor2d(set.features.subarray(from * dim, to * dim), [to - from, dim]),
      );
      return { probabilities, kept: set.kept };
    };
  } else {
    model = assembleClassifier(tf, trunk, head, inputSize);
    if (head.standardizer) standardize([await extract(split.train, false)]);
    compile(model);
    trainCount = split.train.length;
    makeBatch = async (positions) => {
      const batch = await pixels.batch(positions.map((p) => split.train[p]));
      if (!batch.pixels) return null;
      const raw = batch.pixels;
      const x = tf.tidy(() => scalePixels(augment ? augmentBatch(tf, raw, augment, augmentRng) : raw));
      raw.dispose();
      return { x, y: oneHot(batch.kept.map(labelOf)) };
    };
    predictRows = async (which) => {
      const indices = which === 'test' ? split.test : split.validation;
      const kept: number[] = [];
      const probabilities = await predict(model, indices.length, async (from, to) => {
        const batch = await pixels.batch(indices.slice(from, to));
        kept.push(...batch.kept);
        if (!batch.pixels) return null;
        const scaled = scalePixels(batch.pixels);
        batch.pixels.dispose();
        return scaled;
      });
      return { probabilities, kept };
    };
  }

  // Fit: a seeded shuffle every epoch, one training step per batch, the engine's early stopping with best-weight
  // restore (the model ends with the best epoch's weights, also when the epoch budget runs out).
  const stopping = new BestWeightsKeeper<tf.Tensor>(cfg.earlyStoppingPatience);
  let stoppedEarly = false;
  const epochs: Array<{ epoch: number; loss: number; accuracy: number; valLoss: number | null; valAccuracy: number | null }> = [];
  const batchSize = Math.max(1, Math.floor(cfg.batchSize));
  let keptEpoch: number;
  try {
    for (let epoch = 1; epoch <= cfg.epochs && !stoppedEarly; epoch++) {
      const order = epochOrder(trainCount, cfg.seed, epoch);
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b * batchSize < trainCount; b++) {
        const batch = await makeBatch(order.slice(b * batchSize, (b + 1) * batchSize));
        if (!batch) continue;
        const [loss, accuracy] = (await model.trainOnBatch(batch.x, batch.y)) as number[];
        lossSum += loss * batch.x.shape[0];
        accSum += accuracy * batch.x.shape[0];
        seen += batch.x.shape[0];
        tf.dispose([batch.x, batch.y]);
      }
      const val = split.validation.length ? await predictRows('validation') : null;
      const valMetrics = val && val.kept.length ? lossAndAccuracy({ probabilities: val.probabilities, numClasses, trueLabels: val.kept.map(labelOf) }) : null;
      const logLine = { epoch, loss: lossSum / seen, accuracy: accSum / seen, valLoss: valMetrics?.loss ?? null, valAccuracy: valMetrics?.accuracy ?? null };
      epochs.push(logLine);
      log(`epoch ${epoch}: loss ${logLine.loss.toFixed(4)} acc ${logLine.accuracy.toFixed(3)} val_loss ${logLine.valLoss?.toFixed(4) ?? '—'}`);
      stoppedEarly = stopping.epochEnd(logLine, model) === 'stop';
    }
    keptEpoch = stopping.finish(model);
  } finally {
    stopping.release();
  }
  if (cfg.earlyStoppingPatience > 0) log(keptEpochText(keptEpoch, epochs.length, stopping.monitored));

  // Evaluate on the held-out test split.
  const test = await predictRows('test');
  const { loss, accuracy } = lossAndAccuracy({ probabilities: test.probabilities, numClasses, trueLabels: test.kept.map(labelOf) });
  log(`test accuracy ${(accuracy * 100).toFixed(1)}% on ${test.kept.length} images (kept epoch ${keptEpoch})`);
  const ids = (indices: number[]) => indices.map((i) => source.items[i].name);
  const result = { ok: true, accuracy, loss, splitFingerprint: fingerprint, trainFingerprint: splitFingerprint(ids(split.train)), validationFingerprint: splitFingerprint(ids(split.validation)), testSize: test.kept.length, labels: source.labels, epochs: epochs.length, keptEpoch, backend, path: path_ };
  if (json) console.log(JSON.stringify(result));
}
