/**
 * `npm run pretrain` — trains graft-shapes-cnn on `builtin:shapes-source` and writes it (tfjs web format) to
 * public/models/graft-shapes-cnn/, then measures transfer to `builtin:shapes-target`.
 *
 * Backend: tfjs WASM plus our own Conv2DBackpropFilter kernel (wasm lacks it). The pure-JS CPU backend trains this
 * net ~8× slower even with the fast kernel (its stock kernel is ~50× slower again), so WASM keeps this to minutes.
 *
 * Options: --epochs N (16) --per-class N (all) --seed N (1) --out DIR (public/models/graft-shapes-cnn) --no-save
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRng, shuffleInPlace, stratifiedSplit } from '../nodes/dataset/split';
import { getSyntheticDataset, SYNTHETIC_IMAGE_SIZE, syntheticImageSource } from '../nodes/dataset/synthetic';
import {
  buildShapesCnn,
  loadImages,
  SHAPES_CNN_FEATURES_LAYER,
  SHAPES_CNN_INPUT_SIZE,
  transferAccuracy,
  truncate,
} from '../nodes/pretrained-model/shapes-cnn';
import { registerConv2DBackpropFilter } from './tfjs-conv-grad';
import { fileSaveHandler } from '../nodes/engine/host-node/tfjs-file-io';

const SOURCE_ID = 'builtin:shapes-source';
const TARGET_ID = 'builtin:shapes-target';
/** Small batches: more updates per image, which is what this compute-bound run is short of. */
const BATCH_SIZE = 16;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

function stringOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

async function main(): Promise<void> {
  const epochs = option('epochs', 16);
  const seed = option('seed', 1);
  const outDir = path.resolve(stringOption('out', 'public/models/graft-shapes-cnn'));
  const save = !process.argv.includes('--no-save');
  const sourceInfo = getSyntheticDataset(SOURCE_ID)!;
  const perClass = Math.min(option('per-class', sourceInfo.perClass), sourceInfo.perClass);

  registerConv2DBackpropFilter('wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  console.log(`backend: ${tf.getBackend()} · epochs ${epochs} · ${perClass} images/class · seed ${seed}`);
  const started = Date.now();

  // Source data: a seeded 90/10 split; the 10% measures pretraining accuracy.
  const source = syntheticImageSource(SOURCE_ID);
  const chosen = source.items.map((_, i) => i).filter((i) => i % sourceInfo.perClass < perClass);
  const split = stratifiedSplit(
    chosen.map((i) => source.items[i].label),
    { testSplit: 0.1, validationSplit: 0, seed },
  );
  const trainData = await loadImages(source, split.train.map((k) => chosen[k]));
  const valData = await loadImages(source, split.test.map((k) => chosen[k]));
  const numClasses = source.labels.length;
  const trainY = tf.oneHot(tf.tensor1d(trainData.labels, 'int32'), numClasses);
  const valY = tf.oneHot(tf.tensor1d(valData.labels, 'int32'), numClasses);
  console.log(`data: ${trainData.labels.length} train / ${valData.labels.length} held out (${Date.now() - started} ms)`);

  const model = buildShapesCnn(numClasses, seed);
  console.log(`model: ${model.countParams()} parameters, truncation layer '${SHAPES_CNN_FEATURES_LAYER}'`);
  const rng = createRng(seed);
  let valAccuracy = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // Learning rate: 3e-3, then step down for the last epochs (fresh Adam state is fine at these sizes).
    const lr = epoch <= Math.ceil(epochs * 0.6) ? 3e-3 : epoch < epochs ? 1e-3 : 3e-4;
    model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    // Seeded shuffle each epoch (fit's own shuffle uses Math.random).
    const order = tf.tensor1d(shuffleInPlace(trainData.labels.map((_, i) => i) as unknown as number[], rng), 'int32');
    const x = tf.gather(trainData.x, order);
    const y = tf.gather(trainY, order);
    const t0 = Date.now();
    const history = await model.fit(x, y, { epochs: 1, batchSize: BATCH_SIZE, shuffle: false, verbose: 0 });
    tf.dispose([order, x, y]);
    const [valLossTensor, valAccTensor] = model.evaluate(valData.x, valY, { batchSize: 128 }) as tf.Scalar[];
    valAccuracy = valAccTensor.dataSync()[0];
    console.log(
      `epoch ${epoch}/${epochs}  loss ${(history.history.loss[0] as number).toFixed(4)}  ` +
        `acc ${(history.history.acc[0] as number).toFixed(4)}  val_loss ${valLossTensor.dataSync()[0].toFixed(4)}  ` +
        `val_acc ${valAccuracy.toFixed(4)}  lr ${lr}  ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    tf.dispose([valLossTensor, valAccTensor]);
  }
  tf.dispose([trainData.x, valData.x, trainY, valY]);

  if (save) {
    // Inference-only export: no optimizer state or training config.
    await model.save(fileSaveHandler(outDir), { includeOptimizer: false });
    const meta = {
      title: 'Graft shapes CNN (pretrained on 8 synthetic shapes)',
      description:
        'A small 4-block CNN (conv 16→32→48→64 with BatchNorm, ReLU, max-pooling) trained by Graft on ' +
        `${SOURCE_ID}. Cut at '${SHAPES_CNN_FEATURES_LAYER}' (4×4×64) to reuse its shape features.`,
      inputSize: [SHAPES_CNN_INPUT_SIZE, SHAPES_CNN_INPUT_SIZE],
      inputScaling: 'zero1',
      defaultTruncation: SHAPES_CNN_FEATURES_LAYER,
      sourceTask: SOURCE_ID,
      /** Classes of the model's own output layer (the source task). */
      labels: source.labels,
      trainedAccuracy: Number(valAccuracy.toFixed(4)),
      parameters: model.countParams(),
      imageSize: SYNTHETIC_IMAGE_SIZE,
      reproduce: `npm run pretrain -- --epochs ${epochs} --seed ${seed}${perClass !== sourceInfo.perClass ? ` --per-class ${perClass}` : ''}`,
    };
    await fs.writeFile(path.join(outDir, 'graft.json'), JSON.stringify(meta, null, 2) + '\n');
    console.log(`saved to ${outDir}`);
  }

  // Transfer check: same head on the pretrained frozen trunk vs a randomly initialised one.
  const target = syntheticImageSource(TARGET_ID);
  const targetSplit = stratifiedSplit(
    target.items.map((item) => item.label),
    { testSplit: 0.25, validationSplit: 0, seed },
  );
  const tTrain = await loadImages(target, targetSplit.train);
  const tTest = await loadImages(target, targetSplit.test);
  const data = { trainX: tTrain.x, trainLabels: tTrain.labels, testX: tTest.x, testLabels: tTest.labels };
  const targetClasses = target.labels.length;
  const pretrained = await transferAccuracy(truncate(model), data, targetClasses, seed);
  const randomModel = buildShapesCnn(numClasses, seed + 1000);
  const random = await transferAccuracy(truncate(randomModel), data, targetClasses, seed);
  console.log(
    `transfer to ${TARGET_ID} (${tTrain.labels.length} train / ${tTest.labels.length} test images): ` +
      `pretrained trunk test acc ${pretrained.testAccuracy.toFixed(3)} vs random trunk ${random.testAccuracy.toFixed(3)}`,
  );
  tf.dispose([tTrain.x, tTest.x]);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
