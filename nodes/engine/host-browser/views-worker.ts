/**
 * Worker side of the "seeing inside" views: keeps what the last main run left behind (its plan, test predictions
 * and the trained classifier, which worker.ts owns), builds a ViewSession on demand and answers the view requests.
 * Long requests report progress and can be cancelled; every reply carries the tensor count before/after.
 */
import * as tf from '@tensorflow/tfjs';
import type { Plan } from '../../core/plan';
import type { TrainedModel } from '../host';
import type { TestPrediction } from '../types';
import { ViewSession } from '../views/session';
import { candidateCuts, probeLayers, sweepActivations, type SweepActivations } from '../views/layer-sweep';
import { splitOfPlan } from '../views/split';
import { inputBatch, loadPixels } from '../views/pixels';
import { disposeModelWeights } from '../views/dispose';
import { guessTruncationLayer, resolveModelMeta, resolveScaling, scalingToAffine } from '../../pretrained-model/catalog';
import { browserModelMeta, ensureSomeBackend, loadLayersModelFrom, openDatasetSource } from './host';
import { bitmapToRgb, rgbToDataUrl } from './decode';
import type { HelperReplies } from './protocol';
import type { ViewProgress, ViewRequest, ViewTensors } from './views-protocol';

interface RememberedRun {
  runId: string;
  plan: Plan;
  predictions: TestPrediction[];
  /** The epoch whose weights the run kept (early stopping), for the data-efficiency curve. */
  keptEpoch?: number;
}

export interface ViewWorkerContext {
  /** The classifier worker.ts keeps for Try it / Export (null before the first successful run). */
  trained(): TrainedModel | null;
  /** Run a task after the current training run (tfjs has one global backend). */
  queue<T>(task: () => Promise<T>): Promise<T>;
  postProgress(message: ViewProgress): void;
}

let last: RememberedRun | null = null;
let session: { runId: string; model: TrainedModel; value: ViewSession } | null = null;
const controllers = new Map<string, AbortController>();
/** Layer-sweep activations by (model, dataset, split, candidates): a second sweep only refits the probes. */
const sweepCache = new Map<string, SweepActivations>();

/** Called by worker.ts after a successful main run (its trained model is already kept). */
export function rememberRun(runId: string, plan: Plan, predictions: TestPrediction[], keptEpoch?: number): void {
  last = { runId, plan, predictions, keptEpoch };
  session?.value.dispose();
  session = null;
}

async function sessionFor(runId: string, ctx: ViewWorkerContext): Promise<ViewSession> {
  const trained = ctx.trained();
  if (!last || last.runId !== runId || !trained) {
    throw new Error('This run’s model is no longer in memory (a newer run replaced it, or the page was reloaded): showing what was saved. Run again to compute new views.');
  }
  if (session && session.runId === runId && session.model === trained) return session.value;
  session?.value.dispose();
  const source = await openDatasetSource(last.plan.dataset.datasetId, null);
  const value = new ViewSession(tf, {
    plan: last.plan,
    source,
    trained,
    predictions: last.predictions,
    keptEpoch: last.keptEpoch,
    loadModel: (s) => loadLayersModelFrom(s, null),
  });
  session = { runId, model: trained, value };
  return value;
}

function tensorCount(): number {
  return tf.engine().state.numTensors;
}

async function measured<T extends object>(work: () => Promise<T>): Promise<T & { tensors: ViewTensors }> {
  const before = tensorCount();
  const value = await work();
  return { ...value, tensors: { before, after: tensorCount() } };
}

export async function handleViewRequest(msg: ViewRequest, ctx: ViewWorkerContext): Promise<HelperReplies[ViewRequest['type']]> {
  if (msg.type === 'view-cancel') {
    controllers.get(msg.target)?.abort();
    return null;
  }
  if (msg.type === 'view-tensors') return { numTensors: tensorCount() };
  const controller = new AbortController();
  controllers.set(msg.requestId, controller);
  const progress = (done: number, total: number, message?: string) =>
    ctx.postProgress({ type: 'view-progress', requestId: msg.requestId, done, total, message });
  try {
    return await ctx.queue(async () => {
      await ensureSomeBackend();
      switch (msg.type) {
        case 'view-heatmaps': {
          const s = await sessionFor(msg.runId, ctx);
          return measured(async () => ({ heatmaps: await s.testHeatmaps(msg.testIndices, msg.which) }));
        }
        case 'view-image-heatmap': {
          const trained = ctx.trained();
          if (!trained || !last) {
            msg.image.close();
            throw new Error('Train a model first.');
          }
          let rgb;
          try {
            rgb = bitmapToRgb(msg.image, Math.max(...trained.inputSize));
          } finally {
            msg.image.close();
          }
          const s = await sessionFor(last.runId, ctx);
          return measured(async () => ({ heatmap: await s.imageHeatmap(rgb, msg.classIndex), labels: trained.labels }));
        }
        case 'view-thumbnails': {
          const s = await sessionFor(msg.runId, ctx);
          const items = [...(msg.testIndices ?? []).map((t) => s.testItems[t]), ...(msg.items ?? [])];
          const source = await openDatasetSource(last!.plan.dataset.datasetId, null);
          const thumbnails = await Promise.all(
            items.map(async (item) => {
              try {
                return await rgbToDataUrl(await source.load(item, 96), 96);
              } catch {
                return null;
              }
            }),
          );
          return { thumbnails };
        }
        case 'view-feature-map': {
          const s = await sessionFor(msg.runId, ctx);
          return measured(() => s.featureMap(msg.method, progress, controller.signal));
        }
        case 'view-data-efficiency': {
          const s = await sessionFor(msg.runId, ctx);
          return measured(() => s.dataEfficiency(progress, controller.signal));
        }
        case 'layer-sweep':
          return measured(() => layerSweep(msg.plan, progress, controller.signal));
      }
    });
  } finally {
    controllers.delete(msg.requestId);
  }
}

async function layerSweep(plan: Plan, progress: (done: number, total: number, message?: string) => void, signal: AbortSignal) {
  const started = Date.now();
  const modelSource = plan.classifier.model.source;
  progress(0, 1, 'Loading the model');
  const model = await loadLayersModelFrom(modelSource, null);
  try {
    const folderMeta = await browserModelMeta(modelSource).catch(() => null);
    const meta = resolveModelMeta(modelSource, folderMeta);
    const currentCut = plan.classifier.model.truncateAt || meta.defaultTruncation || guessTruncationLayer(model);
    const candidates = candidateCuts(model, currentCut);
    if (candidates.length === 0) throw new Error('This model has no layers that output feature maps to compare.');
    const shape = model.inputs[0].shape;
    const inputSize: [number, number] = [shape[1] ?? meta.inputSize?.[0] ?? 224, shape[2] ?? meta.inputSize?.[1] ?? 224];
    const { scale, offset } = scalingToAffine(resolveScaling(plan.classifier.model.inputScaling, meta));
    const source = await openDatasetSource(plan.dataset.datasetId, null);
    const split = splitOfPlan(source, plan);
    const key = JSON.stringify({
      modelSource,
      dataset: plan.dataset,
      validationSplit: plan.train.validationSplit,
      candidates: candidates.map((c) => c.name),
      scale,
      offset,
    });
    let activations = sweepCache.get(key);
    const cached = activations !== undefined;
    if (!activations) {
      const items = [...split.train, ...split.validation];
      activations = await sweepActivations(tf, model, candidates, {
        items,
        signal,
        onProgress: (done, total) => progress(done, total, 'One forward pass, every candidate layer at once'),
        async batch(batchItems) {
          const pixels = await loadPixels(tf, source, batchItems, inputSize);
          const ok = batchItems.filter((_, k) => pixels[k]);
          const x = ok.length ? inputBatch(tf, pixels.filter((p): p is Uint8Array => p !== null), { inputSize, scale, offset }) : null;
          return { x, kept: ok };
        },
      });
      sweepCache.set(key, activations);
      while (sweepCache.size > 4) sweepCache.delete(sweepCache.keys().next().value as string);
    }
    progress(1, 1, 'Fitting a linear probe per layer');
    const result = probeLayers(activations, (i) => source.items[i].label, source.labels.length, split, currentCut);
    return { ...result, ms: Date.now() - started, cached };
  } finally {
    disposeModelWeights(model);
  }
}
