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
import { buildFusedTrunk, describeFusedTrunk } from '../model/fused-trunk';
import { INFERENCE_BATCH } from '../strategies/common';
import type { WasmRuntime } from '../types';
import { browserModelMeta, ensureSomeBackend, loadLayersModelFrom, openDatasetSource, wasmRuntime } from './host';
import { decodeWorkerCount } from './decode-workers';

const TrunkRequestSchema = z.object({ modelId: z.string(), images: z.number().int().min(1).max(4096), rounds: z.number().int().min(1).max(10) });
const PipelineRequestSchema = TrunkRequestSchema.extend({ datasetId: z.string() });

export interface TrunkRate {
  /** The engine's feature path (the fused trunk, model/fused-trunk.ts). */
  imagesPerSecond: number;
  /** Plain `predict` through the trunk model, layer by layer (what the engine ran before the fused trunk). */
  plainPredictImagesPerSecond: number;
  fusedTrunk: string;
  wasm: WasmRuntime;
  inputSize: [number, number];
  crossOriginIsolated: boolean;
}

export interface PipelineRates {
  rawImagesPerSecond: number;
  pipelineImagesPerSecond: number;
  /** The same loop with a forward pass that costs nothing: decoding alone. */
  decodeOnlyImagesPerSecond: number;
  images: number;
  wasm: WasmRuntime;
  /** Nested decode workers that ran (0: decoded on the engine's thread). */
  decodeWorkers: number;
}

/** Switch to WASM once the worker's own start-up switching is over. The inspector that creates the worker
 * initialises a backend too (ensureSomeBackend: capability probe, then CPU); a `setBackend('wasm')` racing it can
 * leave tfjs with the CPU kernels bound to the WASM backend ("reading 'get'" in a CPU kernel). */
async function settleOnWasm(): Promise<void> {
  await ensureSomeBackend();
  await tf.setBackend('wasm');
  await tf.ready();
  if (tf.getBackend() !== 'wasm' || tf.backend() !== tf.engine().findBackend('wasm')) {
    throw new Error(`the WASM backend is not the active one (tfjs says ${tf.getBackend()})`);
  }
}

async function trunkOf(modelId: string) {
  await settleOnWasm();
  const source: ModelSource = { kind: 'catalog', id: modelId };
  const model = await loadLayersModelFrom(source, null);
  const meta = await browserModelMeta(source);
  const cut = meta?.defaultTruncation ?? catalogEntry(modelId)?.defaultTruncation ?? guessTruncationLayer(model);
  const trunk = tf.model({ inputs: model.inputs, outputs: model.getLayer(cut).output });
  const fused = buildFusedTrunk(tf, trunk);
  const [, h = 224, w = 224] = model.inputs[0].shape as number[];
  const { scale, offset } = scalingToAffine(meta?.inputScaling ?? catalogEntry(modelId)?.inputScaling ?? 'minus1to1');
  const scaled = (raw: tf.Tensor4D) => tf.add(tf.mul(raw, scale), offset);
  // The engine's feature path (strategies/cached.ts) and, for comparison, plain predict through the same trunk.
  const forward = (raw: tf.Tensor4D) => fused.predict(scaled(raw));
  const plainForward = (raw: tf.Tensor4D) => trunk.predict(scaled(raw)) as tf.Tensor;
  const dispose = () => {
    fused.dispose();
    model.dispose();
  };
  return { h, w, forward, plainForward, fusedTrunk: describeFusedTrunk(fused.summary), dispose };
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
  try {
    return await trunkImagesPerSecondOn(request);
  } catch (error) {
    throw new Error(`${(error as Error).message} [backend ${tf.getBackend()}] ${(error as Error).stack?.slice(0, 600)}`, { cause: error });
  }
}

async function trunkImagesPerSecondOn(request: unknown): Promise<TrunkRate> {
  const { modelId, images, rounds } = TrunkRequestSchema.parse(request);
  const { h, w, forward, plainForward, fusedTrunk, dispose } = await trunkOf(modelId);
  try {
    await rawRate(forward, h, w, INFERENCE_BATCH); // warm-up: kernels, weights
    await rawRate(plainForward, h, w, INFERENCE_BATCH);
    let best = 0;
    let plain = 0;
    for (let round = 0; round < rounds; round++) {
      best = Math.max(best, await rawRate(forward, h, w, images));
      plain = Math.max(plain, await rawRate(plainForward, h, w, images));
    }
    return {
      imagesPerSecond: best,
      plainPredictImagesPerSecond: plain,
      fusedTrunk,
      wasm: await wasmRuntime(),
      inputSize: [h, w],
      crossOriginIsolated: (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    };
  } finally {
    dispose();
  }
}

/** Does the thread pool work at all? Milliseconds per big convolution (one XNNPACK op, no per-layer overhead):
 * [8, 56, 56, 64] ⊛ [3, 3, 64, 64], best of `rounds` × 4 runs. */
async function bigConvMs(request: unknown): Promise<{ ms: number; wasm: WasmRuntime }> {
  const { rounds } = z.object({ rounds: z.number().int().min(1).max(10) }).parse(request);
  await settleOnWasm();
  const x = tf.randomUniform([8, 56, 56, 64]) as tf.Tensor4D;
  const filter = tf.randomUniform([3, 3, 64, 64]) as tf.Tensor4D;
  const once = async () => {
    const y = tf.conv2d(x, filter, 1, 'same');
    await y.data();
    y.dispose();
  };
  try {
    await once();
    let best = Infinity;
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      for (let k = 0; k < 4; k++) await once();
      best = Math.min(best, (performance.now() - started) / 4);
    }
    return { ms: best, wasm: await wasmRuntime() };
  } finally {
    tf.dispose([x, filter]);
  }
}

/** The engine's feature path from encoded files (decode + resize + scaling + forward, next batch decoding
 * meanwhile) vs raw predict on ready tensors: same trunk, same backend, interleaved rounds, best of each. */
async function pipelineVsRaw(request: unknown): Promise<PipelineRates> {
  const { modelId, images, rounds, datasetId } = PipelineRequestSchema.parse(request);
  const { h, w, forward, dispose } = await trunkOf(modelId);
  try {
    const source = await openDatasetSource(datasetId, null);
    const step = Math.max(1, Math.floor(source.items.length / images));
    const indices = Array.from({ length: Math.min(images, source.items.length) }, (_, k) => k * step);
    /** Images/s through the engine's feature path from the files (no pixel cache: every image is decoded). */
    const pipelineRate = async (run: (raw: tf.Tensor4D) => tf.Tensor = forward) => {
      const pixels = new PixelStore(tf, source, h, w, 0);
      const started = performance.now();
      const rows = await extractFeatures({ tf, pixels, indices, batchSize: INFERENCE_BATCH, forward: run, checkCancelled: () => {} });
      if (rows.kept.length !== indices.length) throw new Error(`only ${rows.kept.length}/${indices.length} images decoded`);
      return indices.length / ((performance.now() - started) / 1000);
    };
    // Decoding alone (same store, same prefetch, a forward that costs nothing): how fast the decoders can feed it.
    const decodeOnlyRate = () => pipelineRate((raw) => tf.zeros([raw.shape[0], 1]));
    await rawRate(forward, h, w, INFERENCE_BATCH);
    await pipelineRate(); // warm-up: HTTP cache, decoder
    let raw = 0;
    let pipeline = 0;
    let decodeOnly = 0;
    for (let round = 0; round < rounds; round++) {
      raw = Math.max(raw, await rawRate(forward, h, w, indices.length));
      pipeline = Math.max(pipeline, await pipelineRate());
      decodeOnly = Math.max(decodeOnly, await decodeOnlyRate());
    }
    return { rawImagesPerSecond: raw, pipelineImagesPerSecond: pipeline, decodeOnlyImagesPerSecond: decodeOnly, images: indices.length, wasm: await wasmRuntime(), decodeWorkers: decodeWorkerCount() };
  } finally {
    dispose();
  }
}

export function installBenchHooks(scope: object): void {
  Object.assign(scope, { graftBench: { trunkImagesPerSecond, pipelineVsRaw, bigConvMs } });
}
