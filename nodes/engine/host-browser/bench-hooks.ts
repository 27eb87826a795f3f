/**
 * Measurements for `npm run bench:browser` (bench/browser.ts), run inside the engine worker on the worker's own
 * tfjs (same bundle, same WASM build as a student's run). The bench reaches them through Playwright's
 * `Worker.evaluate` on `self.graftBench`; the page never calls them (no message type exists for them), so they
 * change nothing for students.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ModelSource } from '../../core/plan';
import { catalogEntry, guessTruncationLayer, scalingToAffine } from '../../pretrained-model/catalog';
import { PixelStore } from '../data/pixel-store';
import { extractFeatures } from '../strategies/extract';
import { INFERENCE_BATCH } from '../strategies/common';
import type { WasmRuntime } from '../types';
import { browserModelMeta, loadLayersModelFrom, openDatasetSource, wasmRuntime } from './host';
import { decodeWorkerCount } from './decode-workers';

const TrunkRequestSchema = z.object({ modelId: z.string(), images: z.number().int().min(1).max(4096), rounds: z.number().int().min(1).max(10) });
const PipelineRequestSchema = TrunkRequestSchema.extend({ datasetId: z.string() });

export interface TrunkRate {
  imagesPerSecond: number;
  wasm: WasmRuntime;
  inputSize: [number, number];
  crossOriginIsolated: boolean;
}

export interface PipelineRates {
  rawImagesPerSecond: number;
  pipelineImagesPerSecond: number;
  images: number;
  wasm: WasmRuntime;
  /** Nested decode workers that ran (0: decoded on the engine's thread). */
  decodeWorkers: number;
}

async function trunkOf(modelId: string) {
  await tf.setBackend('wasm');
  await tf.ready();
  const source: ModelSource = { kind: 'catalog', id: modelId };
  const model = await loadLayersModelFrom(source, null);
  const meta = await browserModelMeta(source);
  const cut = meta?.defaultTruncation ?? catalogEntry(modelId)?.defaultTruncation ?? guessTruncationLayer(model);
  const trunk = tf.model({ inputs: model.inputs, outputs: model.getLayer(cut).output });
  const [, h = 224, w = 224] = model.inputs[0].shape as number[];
  const { scale, offset } = scalingToAffine(meta?.inputScaling ?? catalogEntry(modelId)?.inputScaling ?? 'minus1to1');
  const forward = (raw: tf.Tensor4D) => trunk.predict(tf.add(tf.mul(raw, scale), offset)) as tf.Tensor;
  return { model, h, w, forward };
}

/** Images/s of `predict` through the trunk on a ready input tensor (no decoding), batches of INFERENCE_BATCH. */
async function rawRate(forward: (raw: tf.Tensor4D) => tf.Tensor, h: number, w: number, images: number): Promise<number> {
  const input = tf.randomUniform([INFERENCE_BATCH, h, w, 3], 0, 255) as tf.Tensor4D;
  const started = performance.now();
  for (let done = 0; done < images; done += INFERENCE_BATCH) {
    const out = tf.tidy(() => forward(input));
    await out.data();
    out.dispose();
  }
  input.dispose();
  return images / ((performance.now() - started) / 1000);
}

async function trunkImagesPerSecond(request: unknown): Promise<TrunkRate> {
  const { modelId, images, rounds } = TrunkRequestSchema.parse(request);
  const { model, h, w, forward } = await trunkOf(modelId);
  try {
    await rawRate(forward, h, w, INFERENCE_BATCH); // warm-up: kernels, weights
    let best = 0;
    for (let round = 0; round < rounds; round++) best = Math.max(best, await rawRate(forward, h, w, images));
    return {
      imagesPerSecond: best,
      wasm: await wasmRuntime(),
      inputSize: [h, w],
      crossOriginIsolated: (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    };
  } finally {
    model.dispose();
  }
}

/** The engine's feature path from encoded files (decode + resize + scaling + forward, next batch decoding
 * meanwhile) vs raw predict on ready tensors: same trunk, same backend, interleaved rounds, best of each. */
async function pipelineVsRaw(request: unknown): Promise<PipelineRates> {
  const { modelId, images, rounds, datasetId } = PipelineRequestSchema.parse(request);
  const { model, h, w, forward } = await trunkOf(modelId);
  try {
    const source = await openDatasetSource(datasetId, null);
    const step = Math.max(1, Math.floor(source.items.length / images));
    const indices = Array.from({ length: Math.min(images, source.items.length) }, (_, k) => k * step);
    const pipelineRate = async () => {
      const pixels = new PixelStore(tf, source, h, w, 0); // no pixel cache: every image is decoded
      const started = performance.now();
      const rows = await extractFeatures({ tf, pixels, indices, batchSize: INFERENCE_BATCH, forward, checkCancelled: () => {} });
      if (rows.kept.length !== indices.length) throw new Error(`only ${rows.kept.length}/${indices.length} images decoded`);
      return indices.length / ((performance.now() - started) / 1000);
    };
    await rawRate(forward, h, w, INFERENCE_BATCH);
    await pipelineRate(); // warm-up: HTTP cache, decoder
    let raw = 0;
    let pipeline = 0;
    for (let round = 0; round < rounds; round++) {
      raw = Math.max(raw, await rawRate(forward, h, w, indices.length));
      pipeline = Math.max(pipeline, await pipelineRate());
    }
    return { rawImagesPerSecond: raw, pipelineImagesPerSecond: pipeline, images: indices.length, wasm: await wasmRuntime(), decodeWorkers: decodeWorkerCount() };
  } finally {
    model.dispose();
  }
}

export function installBenchHooks(scope: object): void {
  Object.assign(scope, { graftBench: { trunkImagesPerSecond, pipelineVsRaw } });
}
