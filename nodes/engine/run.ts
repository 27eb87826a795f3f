/**
 * The training engine's orchestrator: runs a compiled Plan on any EngineHost (browser worker or Node) and streams
 * RunEvents. It only wires the seams, Keras-trainer style:
 *   data      data/prepare.ts (open + the one split), data/pixel-store.ts (decode, resize, cache)
 *   model     model/trunk.ts (load, cut, freeze), model/head.ts (head + the one trunk+head assembly),
 *             rules/optimizer.ts (the one optimizer table)
 *   strategy  strategies/cached.ts | strategies/full.ts → (model, batches) for the same fit loop
 *   fit       fit/loop.ts + fit/callbacks.ts (divergence, progress/ETA, node status, early stopping)
 *   evaluate  evaluate.ts (metrics, per-image predictions, mistakes)
 * Every tensor and variable the run creates is disposed on every exit (done, error, cancel), except the trained
 * classifier handed to `onTrainedModel`, which the caller owns.
 */
import type { EngineHost, RunPlan, RunPlanOptions } from './host';
import { RunError, type RunResult } from './types';
import { scalingToAffine } from '../pretrained-model/catalog';
import { augmentIsActive } from '../augment-data/augment';
import { createRng, hashSeed } from '../dataset/rng';
import { RunContext } from './context';
import { prepareData } from './data/prepare';
import { DEFAULT_PIXEL_CACHE_BYTES, PixelStore } from './data/pixel-store';
import { prepareTrunk } from './model/trunk';
import { buildHead } from './model/head';
import { cloneModel } from './model/dispose';
import { makeOptimizer } from './rules/optimizer';
import { choosePath } from './strategies/choose';
import { fit } from './fit/loop';
import { divergence, earlyStopping, nodeStatus, progress } from './fit/callbacks';
import { keptEpochText } from './rules/early-stopping';
import { emptyEvaluation, evaluateTest } from './evaluate';
import { runFeatureKey } from './feature-key';
import { toRunError } from './errors';
import { applyPlanOverrides } from './overrides';
import { runTune } from './tune';
import { measureAutoBackends } from './backend-probe';

/** Run a plan: a hyperparameter search (nodes/engine/tune.ts) when the plan has tuning, else one training run.
 * `options.overrides` are applied here (and by the tuner to every trial). */
export const runPlan: RunPlan = (rawPlan, host, options) => {
  const plan = applyPlanOverrides(rawPlan, options.overrides);
  if (!plan.tune) return runSinglePlan(plan, host, options);
  const planTrial = options.planTrial;
  if (!planTrial) {
    const error = new RunError('Tuning needs a trial planner (RunPlanOptions.planTrial).', 'internal', plan.nodeIds.train);
    options.onEvent({ type: 'error', nodeId: error.nodeId, message: error.message, kind: error.kind });
    return Promise.reject(error);
  }
  return runTune(plan, host, { ...options, planTrial }, runSinglePlan);
};

/** One training run (a tuning plan's trials each go through this). */
export const runSinglePlan: RunPlan = async (rawPlan, host, options) => {
  const plan = applyPlanOverrides(rawPlan, options.overrides);
  const ctx = new RunContext(host.tf, plan, options);
  ctx.initNodes();
  try {
    const result = await train(ctx, host, options, Date.now());
    ctx.finishNodes('done');
    ctx.emit({ type: 'done', result });
    return result;
  } catch (raw) {
    const error = toRunError(raw, plan.nodeIds.train);
    if (error.kind !== 'cancelled' && error.nodeId) ctx.setNode(error.nodeId, 'error', error.message);
    ctx.finishNodes('cancelled');
    ctx.emit({ type: 'error', nodeId: error.nodeId, message: error.message, kind: error.kind });
    throw error;
  } finally {
    ctx.disposeAll();
  }
};

async function train(ctx: RunContext, host: EngineHost, options: RunPlanOptions, startedAt: number): Promise<RunResult> {
  const { tf, plan } = ctx;
  const data = await prepareData(ctx, host);
  ctx.checkCancelled();
  const trunk = await prepareTrunk(ctx, host, options.randomTrunk === true);
  ctx.checkCancelled();
  const numClasses = data.labels.length;
  const hostSelection = await host.selectBackends(plan, { trainsConvLayers: trunk.trainsConvLayers });
  const [headNode, h] = [plan.nodeIds.head, plan.classifier.head];
  ctx.setNode(headNode, 'running');
  const head = buildHead(tf, h, trunk.featureShape, numClasses, plan.train.seed);
  ctx.looseLayers.push(...head.layers, ...(head.pooling ? [head.pooling] : []));
  ctx.setNode(headNode, 'done', `${head.pooling ? h.pooling.toUpperCase() + ' → ' : ''}${head.featureDim} features → ` +
    `${h.hiddenLayers > 0 ? `${h.hiddenLayers}×${h.hiddenUnits} ${h.activation} → ` : ''}softmax(${numClasses})`);

  const augment = augmentIsActive(plan.dataset.augment) ? plan.dataset.augment : null;
  const views = augment ? Math.max(1, Math.floor(augment.cachedViews || 1)) : 1;
  const workload = { featureImages: data.train.length * views + data.validation.length + data.test.length, trainImages: data.train.length };
  const featureRows = workload.featureImages - (options.skipEvaluation ? data.test.length : 0);
  const choice = choosePath(trunk, plan.train, options, { rows: featureRows, featureDim: head.featureDim });
  // "Auto" with a choice left: measure the candidates on the trainable part (backend-probe.ts).
  const selection = await measureAutoBackends({ ctx, host, selection: hostSelection, path: choice.path, trunk, head, numClasses, workload });
  const { train: backend, features: featureBackendChoice, reason, adapter, wasm } = selection;
  const onWasm = backend === 'wasm' || featureBackendChoice === 'wasm';
  ctx.emit({ type: 'backend', backend, featureBackend: featureBackendChoice, reason, adapter, wasm: onWasm ? wasm : undefined });
  const pixelBudget = options.pixelCacheBytes ?? DEFAULT_PIXEL_CACHE_BYTES; // bounded by bytes, like the features
  const pixels = new PixelStore(tf, data.source, trunk.inputSize[0], trunk.inputSize[1], pixelBudget);
  const { scale, offset } = scalingToAffine(trunk.scaling);

  // Decode every image once up front when they fit the pixel budget: both strategies then start from the same
  // in-memory pixels, and trainMs measures training rather than decoding (reported as the 'loading' phase). A
  // trial whose trunk features are already stored has nothing to decode.
  const everyImage = [...data.train, ...data.validation, ...(options.skipEvaluation ? [] : data.test)];
  const loadStart = Date.now();
  const featureKey = choice.path === 'cached' && options.featureStore
    ? await runFeatureKey({ plan, source: data.source, indices: [...data.train, ...data.validation, ...data.test], trunk: trunk.trunk,
      truncateAt: trunk.truncateAt, scaling: trunk.scaling, randomTrunk: options.randomTrunk, featureBackend: featureBackendChoice ?? backend,
      contentKeyedOnly: options.contentKeyedFeaturesOnly })
    : null;
  const featuresStored = featureKey !== null && (await options.featureStore!.contains(featureKey.key));
  if (!featuresStored && pixels.bytesFor(everyImage.length) <= pixelBudget) {
    await pixels.preload(everyImage, (done) => ctx.progress('loading', done, everyImage.length, loadStart), () => ctx.checkCancelled());
  }
  const loadMs = Date.now() - loadStart;

  const optimizer = makeOptimizer(tf, plan.train);
  ctx.optimizers.push(optimizer);
  const trainStart = Date.now();
  const strategy = await choice.build({
    ctx, host, options, data, trunk, head, pixels, selection, augment, featureKey,
    augmentRng: createRng(hashSeed(plan.dataset.augment?.seed ?? 0, plan.train.seed, 0xa6)),
    scalePixels: (x) => tf.tidy(() => tf.add(tf.mul(x, scale), offset)),
    compile: (model) => model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] }),
  });

  const imagesTrained = { value: 0 };
  const stopping = earlyStopping(ctx);
  const fitStart = Date.now();
  const fitted = await fit(ctx, {
    model: strategy.model,
    batches: strategy.batches,
    validate: () => strategy.validate(),
    epochs: plan.train.epochs,
    batchSize: plan.train.batchSize,
    seed: plan.train.seed,
    callbacks: [divergence(ctx), progress(ctx, trainStart, imagesTrained), nodeStatus(ctx), stopping],
  });
  const fitMs = Date.now() - fitStart;
  const [test, classifier] = [await strategy.predictTest(), strategy.classifier()];
  const trainMs = Date.now() - trainStart;
  const lastEpoch = fitted.epochs[fitted.epochs.length - 1];
  ctx.setNode(
    plan.nodeIds.train,
    'done',
    `${fitted.epochs.length} epochs${stopping.stoppedEarly ? ' (early stop)' : ''}` +
      `${stopping.keptEpoch !== fitted.epochs.length ? `, ${keptEpochText(stopping.keptEpoch, fitted.epochs.length, stopping.monitored)}` : ''}, ` +
      `train acc ${(lastEpoch?.accuracy ?? 0).toFixed(2)}`,
  );

  const evaluateNode = plan.nodeIds.evaluate;
  ctx.setNode(evaluateNode, 'running');
  ctx.emit({ type: 'progress', phase: 'evaluating', done: 0, total: test.kept.length, etaMs: null });
  const evaluation = options.skipEvaluation
    ? emptyEvaluation(data.labels)
    : await evaluateTest(data, test, plan.evaluate?.misclassifiedCount ?? 8, host);
  ctx.emit({ type: 'progress', phase: 'evaluating', done: test.kept.length, total: test.kept.length, etaMs: 0 });
  const accuracyText = options.skipEvaluation ? 'Skipped' : `Test accuracy ${(evaluation.accuracy * 100).toFixed(1)}%`;
  ctx.setNode(evaluateNode, 'done', accuracyText);
  if (pixels.failed.size > 0) ctx.status(`${pixels.failed.size} images could not be decoded and were skipped.`);

  // Hand over a self-contained copy of the classifier (fresh variables, no shared layers or patched calls), so the
  // caller can dispose it with model.dispose() and the engine can dispose everything it made.
  if (options.onTrainedModel) {
    const kept = await cloneModel(tf, classifier);
    options.onTrainedModel({ model: kept, labels: data.labels, inputSize: trunk.inputSize, inputScaling: trunk.scaling });
  }

  return {
    backend,
    featureBackend: strategy.featureBackend,
    path: choice.path,
    pathReason: choice.reason + strategy.note,
    featuresReused: strategy.featuresReused === true,
    backendProbe: selection.probe,
    phaseMs: { features: strategy.featuresMs ?? 0, fit: fitMs },
    epochs: fitted.epochs,
    keptEpoch: stopping.keptEpoch,
    trainMs,
    totalMs: Date.now() - startedAt,
    loadMs,
    imagesPerSecond: imagesTrained.value / Math.max(1e-3, trainMs / 1000),
    evaluation,
    labels: data.labels,
    splitSizes: { train: data.train.length, validation: data.validation.length, test: data.test.length },
    splitFingerprint: data.fingerprint,
    skipped: [
      ...data.source.skipped,
      ...[...pixels.failed].map(([index, why]) => ({ name: data.source.items[index].name, reason: why })),
    ],
    truncateAt: trunk.truncateAt,
    inputScaling: trunk.scaling,
    inputSize: trunk.inputSize,
  };
}
