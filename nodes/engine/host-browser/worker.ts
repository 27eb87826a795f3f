/// <reference lib="webworker" />
/**
 * The engine Web Worker: every TensorFlow.js operation of the app runs here, so the canvas stays responsive.
 * Handles the engine contract's run/cancel (streaming RunEvents) plus helper requests (model inspection,
 * augmentation previews, "Try it" predictions, model export).
 */
import * as tf from '@tensorflow/tfjs';
import { zipSync, strToU8 } from 'fflate';
import type { Plan, ModelSource } from '../../core/plan';
import type { TrainedModel } from '../host';
import { RunError, type RunEvent, type TensorAccounting, type WorkerRequest } from '../types';
import { runPlan } from '../run';
import { probeRunCost } from '../cost-probe';
import { plannerFromList } from '../trial-planner';
import { isOutOfMemory } from '../errors';
import { augmentBatch } from '../../augment-data/augment';
import { createRng } from '../../dataset/split';
import { guessTruncationLayer, catalogEntry, scalingToAffine } from '../../pretrained-model/catalog';
import {
  browserModelMeta,
  createBrowserHost,
  ensureSomeBackend,
  loadLayersModelFrom,
  openDatasetSource,
} from './host';
import { buildLayerTable, formatShape } from './inspect';
import { predictImages } from './predict-images';
import { packKeptModel, loadSharedModel } from './trained-share';
import { FeatureStore } from '../feature-store';
import { IdbFeatureCache } from './feature-idb-cache';
import { bitmapToRgb, rgbToDataUrl } from './decode';
import { handleViewRequest, rememberRun, type ViewWorkerContext } from './views-worker';
import { installBenchHooks } from './bench-hooks';
import type {
  AugmentPreview,
  ExportedModel,
  HelperRequest,
  ModelInspection,
  PageToWorker,
  Prediction,
  TrainedModelSummary,
  WorkerToPage,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: WorkerToPage, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
// `npm run bench:browser` measures inside this worker (Playwright's Worker.evaluate); pages cannot reach it.
installBenchHooks(scope);

let activeNodeIds: Plan['nodeIds'] | null = null;
const host = createBrowserHost({ nodeIds: () => activeNodeIds });
const runs = new Map<string, AbortController>();
/** Runs execute one after another (tfjs has one global backend). */
let runChain: Promise<void> = Promise.resolve();
let trained: (TrainedModel & { trainedAt: number }) | null = null;
/** Pretrained model the kept classifier was grafted on (the share package stores only what differs from it). */
let trainedSource: ModelSource | null = null;
/** Trunk features kept across runs: in worker memory and IndexedDB (bounded, least recently used first). Every run
 * reads it when its images are content-hashed; repeats also share features of sources without hashes. */
const reusableFeatures = new FeatureStore(256 * 1024 * 1024, new IdbFeatureCache());

scope.onmessage = (e: MessageEvent<PageToWorker>) => {
  const msg = e.data;
  if (msg.type === 'run') {
    const controller = new AbortController();
    runs.set(msg.runId, controller);
    runChain = runChain.then(() => executeRun(msg, controller));
  } else if (msg.type === 'cancel') {
    runs.get(msg.runId)?.abort();
  } else {
    void handleHelper(msg);
  }
};

async function executeRun(msg: Extract<WorkerRequest, { type: 'run' }>, controller: AbortController): Promise<void> {
  const { runId, plan } = msg;
  // The engine emits its final 'done'/'error' before its own cleanup (disposeAll in a finally), so the final event
  // is held back until runPlan has settled: then the tensor count is measured and travels with it.
  const held: { final: Extract<RunEvent, { type: 'done' | 'error' }> | null } = { final: null };
  const emit = (event: RunEvent) => {
    if (event.type === 'done' || event.type === 'error') held.final ??= event;
    else post({ runId, event });
  };
  const tensorsBefore = tensorsExcludingKeptModels();
  try {
    if (controller.signal.aborted) {
      emit({ type: 'error', nodeId: null, message: 'Run cancelled.', kind: 'cancelled' });
      return;
    }
    activeNodeIds = plan.nodeIds;
    const randomTrunk = msg.options?.randomTrunk === true;
    try {
      const result = await runPlan(plan, host, {
        onEvent: emit,
        signal: controller.signal,
        randomTrunk,
        featureStore: reusableFeatures,
        contentKeyedFeaturesOnly: !msg.options?.reuseFeatures,
        overrides: msg.options?.overrides,
        planTrial: plannerFromList(msg.options?.plannedTrials ?? []),
        onTrainedModel: (t) => {
          if (randomTrunk) {
            t.model.dispose(); // the from-scratch baseline is only for comparison
            return;
          }
          trained?.model.dispose();
          trained = { ...t, trainedAt: Date.now() };
          trainedSource = plan.classifier.model.source;
        },
      });
      if (!randomTrunk && trained) rememberRun(runId, plan, result.evaluation.predictions ?? [], result.keptEpoch);
      emit({ type: 'done', result });
    } catch (e) {
      const err = e as Error;
      const cancelled = controller.signal.aborted;
      emit({
        type: 'error',
        nodeId: e instanceof RunError ? e.nodeId : null,
        message: cancelled ? 'Run cancelled.' : err?.message || String(e),
        kind: cancelled ? 'cancelled' : e instanceof RunError ? e.kind : classifyError(err),
      });
    }
  } finally {
    runs.delete(runId);
    activeNodeIds = null;
    const after = tensorsExcludingKeptModels();
    const tensors: TensorAccounting = {
      tensorsBefore: tensorsBefore.count,
      tensorsAfter: after.count,
      keptModelTensors: after.keptModel,
      inspectorTensors: after.inspector,
    };
    if (held.final) post({ runId, event: { ...held.final, tensors } });
  }
}

/** Distinct live tensors held by a model's weights (one tf.Variable per LayerVariable). */
function modelTensorCount(model: tf.LayersModel): number {
  const ids = new Set<number>();
  for (const weight of model.weights) {
    try {
      const value = weight.read();
      if (!value.isDisposed) ids.add(value.id);
    } catch {
      // disposed weight: holds no tensor
    }
  }
  return ids.size;
}

/** `tf.memory().numTensors` minus the models the worker keeps on purpose (trained classifier, inspector cache).
 * Reads the engine's counter directly: tf.memory() would start initialising the highest-priority backend (WebGPU)
 * before the first run has chosen one, and then throw because it is not ready yet. */
function tensorsExcludingKeptModels(): { count: number; keptModel: number; inspector: number } {
  const keptModel = trained ? modelTensorCount(trained.model) : 0;
  let inspector = 0;
  for (const model of inspectorModels) inspector += modelTensorCount(model);
  return { count: tf.engine().state.numTensors - keptModel - inspector, keptModel, inspector };
}

function classifyError(err: Error | undefined): 'out-of-memory' | 'internal' {
  return isOutOfMemory(err) ? 'out-of-memory' : 'internal';
}

// ---------------------------------------------------------------- helpers

/** What the "seeing inside" views (views-worker.ts) need from this worker. */
const viewContext: ViewWorkerContext = {
  trained: () => trained,
  queue: (task) => {
    const result = runChain.then(task);
    runChain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  },
  postProgress: (message) => post(message),
};

async function handleHelper(msg: HelperRequest): Promise<void> {
  try {
    let result: unknown;
    const transfer: Transferable[] = [];
    switch (msg.type) {
      case 'inspect-model':
        result = await inspectModel(msg.source, msg.truncateAt, msg.freeze);
        break;
      case 'augment-preview':
        result = await augmentPreview(msg);
        break;
      case 'predict':
        result = await predict(msg.image);
        break;
      case 'trained-model-info':
        result = trainedSummary();
        break;
      case 'predict-images':
        result = await predictImages(trained, msg.images);
        break;
      case 'export-model': {
        const exported = await exportModel(msg.name);
        transfer.push(exported.zip.buffer);
        result = exported;
        break;
      }
      case 'pack-trained-model': {
        const packed = await packKeptModel(trained, trainedSource, msg.run);
        transfer.push(packed.bytes.buffer);
        result = packed;
        break;
      }
      case 'probe-cost':
        // Queued like a run (one tfjs backend at a time); the run that follows reuses Auto's measurement.
        result = await viewContext.queue(() => {
          activeNodeIds = msg.plan.nodeIds;
          return probeRunCost(msg.plan, host).finally(() => (activeNodeIds = null));
        });
        break;
      case 'clear-feature-cache':
        await reusableFeatures.clearAll();
        result = { cleared: true };
        break;
      case 'load-trained-model': {
        const loaded = await loadSharedModel(msg.bytes);
        trained?.model.dispose();
        trained = { ...loaded.trained, trainedAt: Date.now() };
        trainedSource = loaded.source;
        result = trainedSummary();
        break;
      }
      default:
        result = await handleViewRequest(msg, viewContext);
    }
    post({ requestId: msg.requestId, ok: true, result }, transfer);
  } catch (e) {
    post({ requestId: msg.requestId, ok: false, error: (e as Error)?.message || String(e) });
  }
}

/** Small LRU of loaded models for the inspectors (loading MobileNet twice per keystroke would be silly). */
const inspectCache = new Map<string, Promise<tf.LayersModel>>();
/** Loaded (resolved) models of the inspector cache, so run tensor accounting can tell them apart from leaks. */
const inspectorModels = new Set<tf.LayersModel>();

async function modelForInspection(source: ModelSource): Promise<tf.LayersModel> {
  const key = JSON.stringify(source);
  let entry = inspectCache.get(key);
  if (!entry) {
    await ensureSomeBackend();
    entry = loadLayersModelFrom(source, null);
    inspectCache.set(key, entry);
    entry.then((m) => inspectorModels.add(m)).catch(() => inspectCache.delete(key));
    while (inspectCache.size > 3) {
      const [oldKey, oldModel] = inspectCache.entries().next().value as [string, Promise<tf.LayersModel>];
      inspectCache.delete(oldKey);
      oldModel
        .then((m) => {
          inspectorModels.delete(m);
          m.dispose();
        })
        .catch(() => undefined);
    }
  } else {
    inspectCache.delete(key);
    inspectCache.set(key, entry); // refresh LRU position
  }
  return entry;
}

async function inspectModel(source: ModelSource, truncateAt: string, freeze: Plan['classifier']['model']['freeze']): Promise<ModelInspection> {
  const model = await modelForInspection(source);
  const meta = await browserModelMeta(source).catch(() => null);
  const defaultTruncation =
    meta?.defaultTruncation || (source.kind === 'catalog' ? catalogEntry(source.id)?.defaultTruncation : '') || guessTruncationLayer(model);
  const table = buildLayerTable(
    model.layers.map((l) => ({
      name: l.name,
      className: l.getClassName(),
      outputShape: formatShape(l.outputShape),
      params: l.countParams(),
    })),
    truncateAt,
    defaultTruncation,
    freeze,
  );
  return {
    modelName: model.name,
    inputShape: formatShape(model.inputs[0]?.shape ?? null),
    defaultTruncation,
    backend: (tf.getBackend() as ModelInspection['backend']) ?? null,
    ...table,
  };
}

async function augmentPreview(msg: Extract<HelperRequest, { type: 'augment-preview' }>): Promise<AugmentPreview> {
  await ensureSomeBackend();
  const source = await openDatasetSource(msg.datasetId, null);
  const rng = createRng(msg.augment.seed);
  // One sample per class first (round-robin), so the preview shows the variety of the dataset.
  const byClass = source.labels.map((_, c) => source.items.map((it, i) => (it.label === c ? i : -1)).filter((i) => i >= 0));
  const picks: number[] = [];
  for (let round = 0; picks.length < msg.samples && round < 50; round++) {
    for (const list of byClass) {
      if (picks.length >= msg.samples) break;
      if (list.length > round) picks.push(list[Math.floor(rng() * list.length)]);
    }
  }
  const samples: AugmentPreview['samples'] = [];
  for (const index of picks) {
    let image;
    try {
      image = await source.load(index, 128);
    } catch {
      continue; // undecodable files are reported by the run; the preview just shows others
    }
    const original = await rgbToDataUrl(image, 96);
    // One image per call: tfjs-backend-cpu's Transform kernel only fills the first image of a batch (tfjs 4.22 bug).
    const views = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 3]);
      const out: tf.Tensor4D[] = [];
      for (let v = 0; v < msg.views; v++) out.push(augmentBatch(tf, x, msg.augment, rng));
      return tf.concat(out, 0);
    });
    const pixels = await views.data();
    views.dispose();
    const augmented: string[] = [];
    const size = image.width * image.height * 3;
    for (let v = 0; v < msg.views; v++) {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i++) data[i] = pixels[v * size + i];
      augmented.push(await rgbToDataUrl({ data, width: image.width, height: image.height }, 96));
    }
    samples.push({ label: source.labels[source.items[index].label], original, augmented });
  }
  return { samples };
}

function trainedSummary(): TrainedModelSummary | null {
  return trained ? { labels: trained.labels, inputSize: trained.inputSize, trainedAt: trained.trainedAt, inputScaling: trained.inputScaling } : null;
}

async function predict(bitmap: ImageBitmap): Promise<Prediction> {
  if (!trained) {
    bitmap.close();
    throw new Error('Train a model first: "Try it" uses the model from the last run.');
  }
  const { model, inputSize, inputScaling, labels } = trained;
  let rgb;
  try {
    rgb = bitmapToRgb(bitmap, Math.max(inputSize[0], inputSize[1]));
  } finally {
    bitmap.close();
  }
  const { scale, offset } = scalingToAffine(inputScaling);
  const probs = tf.tidy(() => {
    const x = tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'int32').toFloat();
    // Same preprocessing as training (engine: stretch, half-pixel centres, 8-bit pixels).
    const resized = tf.image.resizeBilinear(x, inputSize, false, true).clipByValue(0, 255).floor();
    const scaled = resized.mul(scale).add(offset).expandDims(0);
    const out = model.predict(scaled) as tf.Tensor;
    return out.reshape([-1]);
  });
  const probabilities = Array.from(await probs.data());
  probs.dispose();
  return { labels, probabilities, backend: tf.getBackend() as Prediction['backend'] };
}

async function exportModel(name: string): Promise<ExportedModel> {
  if (!trained) throw new Error('Nothing to export yet: run the pipeline first.');
  const { model, labels, inputSize, inputScaling } = trained;
  let files: Record<string, Uint8Array> = {};
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const raw = artifacts.weightData;
      const weightBytes = !raw
        ? new Uint8Array(0)
        : Array.isArray(raw)
          ? new Uint8Array(tf.io.concatenateArrayBuffers(raw))
          : new Uint8Array(raw);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'Graft',
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: { graft: { labels, inputSize, inputScaling } },
      };
      files = {
        'model.json': strToU8(JSON.stringify(modelJson)),
        'weights.bin': weightBytes,
        'labels.json': strToU8(JSON.stringify({ labels, inputSize, inputScaling, createdBy: 'Graft' }, null, 2)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'graft-model';
  return { fileName: `${safe}.zip`, zip: zipSync(files, { level: 6 }) };
}

post({ type: 'ready' });
