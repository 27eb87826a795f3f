/**
 * The browser EngineHost, used inside the engine Web Worker: backends (WebGPU → WebGL → WASM → CPU with real
 * detection), model loading (catalog via /api/models, URL, IndexedDB uploads) and datasets (builtin, dir, local, shared).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { z } from 'zod';
import type { BackendSelection, DecodedImage, EngineHost, ImageSource } from '../host';
import type { ModelSource, Plan } from '../../core/plan';
import type { ModelFolderMeta } from '../../pretrained-model/catalog';
import { RunError, type BackendName, type WasmRuntime } from '../types';
import { catalogEntry } from '../../pretrained-model/catalog';
import { modelJsonProblem } from '../../pretrained-model/model-files';
import { syntheticImageSource, isSyntheticDatasetId } from '../../dataset/synthetic';
import { autoCandidates, decideBackends, looksSoftware, type BackendCapabilities } from '../backend-policy';
import { openDirDataset } from './dir-source';
import { openSharedDataset } from './shared-source';
import { rgbToDataUrl } from './decode';
import { getUploadedModel } from './model-store';
import { concatWeights } from './model-upload';
import { gradientKernelsRegistered, registerGradientKernels } from '../kernels/register';

const origin = self.location.origin;
// Same-origin binaries (copied by scripts/copy-wasm.mjs) keep cross-origin isolation and work offline.
setWasmPaths(`${origin}/tfjs-wasm/`);
// Multi-threaded SIMD WASM, one thread per logical core, when the page is cross-origin isolated (COOP/COEP give
// SharedArrayBuffer); the pthread workers load the unbundled Emscripten script (wasm-threaded-factory.ts).
// Otherwise the single-threaded SIMD build runs, and the run panel says why.
const crossOriginIsolated = (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
if (!crossOriginIsolated) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setThreadsCount(Math.max(1, self.navigator.hardwareConcurrency || 1));
// tfjs-wasm has no convolution gradients; Graft's own let conv layers fine-tune on WASM (no GPU needed).
registerGradientKernels('wasm');

const ModelListSchema = z.array(
  z
    .object({
      id: z.string(),
      title: z.string(),
      url: z.string(),
      source: z.enum(['local', 'official', 'builtin']),
      inputSize: z.tuple([z.number(), z.number()]).optional(),
      inputScaling: z.enum(['minus1to1', 'zero1', 'raw255']).optional(),
      defaultTruncation: z.string().optional(),
    })
    .loose(),
);
export type ModelListEntry = z.infer<typeof ModelListSchema>[number];

let modelListPromise: Promise<ModelListEntry[]> | null = null;

export function fetchModelList(): Promise<ModelListEntry[]> {
  modelListPromise ??= fetch(`${origin}/api/models`)
    .then(async (r) => (r.ok ? ModelListSchema.parse(await r.json()) : []))
    .catch(() => {
      modelListPromise = null; // retry next time
      return [];
    });
  return modelListPromise;
}

/** The model.json URL for a catalog id: local copy under MODELS_DIR (via /api/models) wins, else official URL. */
export async function catalogModelUrl(id: string): Promise<string | null> {
  const listed = (await fetchModelList()).find((m) => m.id === id);
  const url = listed?.url ?? catalogEntry(id)?.officialUrl ?? null;
  return url ? new URL(url, origin).toString() : null;
}

export async function loadLayersModelFrom(source: ModelSource, nodeId: string | null): Promise<tf.LayersModel> {
  // The engine loads the model before choosing backends; weights on CPU move cheaply to whichever is chosen.
  await ensureSomeBackend();
  let url: string | null;
  let describe: string;
  if (source.kind === 'upload') {
    const stored = await getUploadedModel(source.id).catch(() => null);
    if (!stored) {
      throw new RunError(
        'The uploaded model is not stored in this browser (uploads live in this browser only). Upload it again in the Pretrained Model node.',
        'model-unreachable',
        nodeId,
      );
    }
    try {
      const { weightSpecs, weightData } = concatWeights(stored);
      return await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: stored.modelJson.modelTopology as tf.io.ModelJSON['modelTopology'],
          weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
          weightData,
        }),
      );
    } catch (e) {
      throw new RunError(`The uploaded model "${stored.name}" could not be loaded: ${(e as Error).message}`, 'model-invalid', nodeId);
    }
  }
  if (source.kind === 'catalog') {
    url = await catalogModelUrl(source.id);
    describe = `catalog model "${source.id}"`;
    if (!url) throw new RunError(`Unknown model "${source.id}": it is neither in the catalog nor in the models folder.`, 'model-invalid', nodeId);
  } else {
    url = new URL(source.url, origin).toString();
    describe = source.url;
  }
  // Probe first so "unreachable" and "not a model" are told apart clearly.
  let probe: Response;
  try {
    probe = await fetch(url);
  } catch (e) {
    throw new RunError(
      `Could not download ${describe} (${(e as Error).message}). Check the address and your connection, or put a copy in the models folder.`,
      'model-unreachable',
      nodeId,
    );
  }
  if (!probe.ok) {
    throw new RunError(`Could not download ${describe}: the server answered HTTP ${probe.status}.`, 'model-unreachable', nodeId);
  }
  let json: unknown;
  try {
    json = await probe.json();
  } catch {
    throw new RunError(`${describe} is not a model.json file (not JSON).`, 'model-invalid', nodeId);
  }
  const problem = modelJsonProblem(json, describe);
  if (problem) throw new RunError(problem, 'model-invalid', nodeId);
  try {
    return await tf.loadLayersModel(url);
  } catch (e) {
    const message = (e as Error).message;
    const unreachable = /fetch|status code|network|Failed to/i.test(message);
    throw new RunError(
      `${describe} could not be loaded: ${message}`,
      unreachable ? 'model-unreachable' : 'model-invalid',
      nodeId,
    );
  }
}

export async function openDatasetSource(datasetId: string, nodeId: string | null): Promise<ImageSource> {
  if (datasetId.startsWith('builtin:')) {
    if (!isSyntheticDatasetId(datasetId)) throw new RunError(`Unknown built-in dataset "${datasetId}".`, 'dataset', nodeId);
    return syntheticImageSource(datasetId);
  }
  if (datasetId.startsWith('dir:')) return openDirDataset(datasetId.slice(4), origin, nodeId);
  if (datasetId.startsWith('shared:')) return openSharedDataset(datasetId, origin, nodeId);
  if (datasetId.startsWith('local:')) {
    const { openLocalDatasetSource } = await import('../../dataset/browser-store');
    try {
      return await openLocalDatasetSource(datasetId);
    } catch (e) {
      if (e instanceof RunError) throw new RunError(e.message, e.kind, e.nodeId ?? nodeId);
      throw new RunError(`The dataset stored in this browser could not be opened: ${(e as Error).message}`, 'dataset', nodeId);
    }
  }
  throw new RunError(`Dataset "${datasetId}" cannot be opened in the browser.`, 'dataset', nodeId);
}

/** Metadata for a model source: /api/models (catalog + graft.json of a local folder) or the upload's metadata. */
export async function browserModelMeta(source: ModelSource): Promise<ModelFolderMeta | null> {
  if (source.kind === 'catalog') {
    const listed = (await fetchModelList()).find((m) => m.id === source.id);
    if (!listed) return null;
    return {
      title: listed.title,
      inputSize: listed.inputSize,
      inputScaling: listed.inputScaling,
      defaultTruncation: listed.defaultTruncation || undefined,
    };
  }
  if (source.kind === 'upload') {
    const stored = await getUploadedModel(source.id).catch(() => null);
    if (!stored) return null;
    return { title: stored.name, labels: stored.meta.labels, inputSize: stored.meta.inputSize, inputScaling: stored.meta.inputScaling };
  }
  return null;
}

// ---------------------------------------------------------------- backends

let capabilitiesPromise: Promise<BackendCapabilities> | null = null;

async function probeCapabilities(): Promise<BackendCapabilities> {
  const caps: BackendCapabilities = {
    webgpu: { available: false, software: false },
    webgl: { available: false, software: false },
    wasm: { available: typeof WebAssembly === 'object', trainsConvolutions: gradientKernelsRegistered('wasm') },
  };
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    caps.webgpu.problem = 'this browser has no WebGPU (navigator.gpu is missing)';
  } else {
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) {
        caps.webgpu.problem = 'no WebGPU adapter was offered';
      } else {
        const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
        const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
        const text = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
        caps.webgpu.available = true;
        caps.webgpu.software = fallback || info?.architecture === 'swiftshader' || looksSoftware(text);
        caps.webgpu.adapter = `${text || 'unknown adapter'}${caps.webgpu.software ? ' (software)' : ''}`.trim();
      }
    } catch (e) {
      caps.webgpu.problem = `requesting a WebGPU adapter failed: ${(e as Error).message}`;
    }
  }
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) {
      caps.webgl.problem = 'no WebGL2 context';
    } else {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
      caps.webgl = { available: true, software: looksSoftware(renderer), renderer };
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch (e) {
    caps.webgl.problem = (e as Error).message;
  }
  return caps;
}

export function getCapabilities(): Promise<BackendCapabilities> {
  capabilitiesPromise ??= probeCapabilities();
  return capabilitiesPromise;
}

const initialised = new Set<BackendName>();

/** Initialise a backend; false when it fails (then it is marked unavailable). */
async function initBackend(name: BackendName, caps: BackendCapabilities): Promise<boolean> {
  if (initialised.has(name)) return true;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    if (ok) await tf.ready();
  } catch {
    ok = false;
  }
  if (ok) {
    initialised.add(name);
  } else if (name !== 'cpu') {
    caps[name].available = false;
    caps[name].problem = `the ${name} backend failed to initialise`;
  }
  return ok;
}

function wasmNote(wasm: WasmRuntime): string {
  return ` WASM: ${wasm.simd ? 'SIMD' : 'no SIMD'}, ${wasm.threads > 1 ? `${wasm.threads} threads` : `single-threaded${wasm.note ? ` (${wasm.note})` : ''}`}.`;
}

export async function selectBrowserBackends(plan: Plan, needs: { trainsConvLayers: boolean }): Promise<BackendSelection> {
  const caps = await getCapabilities();
  if (plan.train.backend === 'auto') {
    // Rules only filter what cannot run; the engine measures the rest (backend-probe.ts).
    const { candidates, excluded } = autoCandidates(caps, needs);
    const ready: BackendName[] = [];
    for (const name of candidates) if (await initBackend(name, caps)) ready.push(name);
    if (ready.length === 0) throw new RunError('No TensorFlow.js backend could be initialised in this browser.', 'backend', plan.nodeIds.train);
    await tf.setBackend(ready[0]);
    const adapter = caps.webgpu.adapter;
    const wasm = ready.includes('wasm') ? await wasmRuntime() : undefined;
    const reason = `Auto: candidates ${ready.join(', ')}${excluded.length ? ` (${excluded.join('; ')})` : ''}.` +
      `${adapter ? ` WebGPU adapter: ${adapter}.` : ''}${wasm ? wasmNote(wasm) : ''}`;
    return { train: ready[0], features: null, reason, adapter, candidates: ready, wasm };
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const decision = decideBackends(plan.train.backend, caps, needs);
    if (!decision.ok) throw new RunError(decision.message, 'backend', plan.nodeIds.train);
    const needed = decision.features ? [decision.features, decision.train] : [decision.train];
    let allOk = true;
    for (const name of needed) allOk = (await initBackend(name, caps)) && allOk;
    if (!allOk) continue; // re-decide without the backend that failed
    await tf.setBackend(decision.train);
    let reason = decision.reason;
    const wasm = needed.includes('wasm') ? await wasmRuntime() : undefined;
    if (wasm) reason += wasmNote(wasm);
    return { train: decision.train, features: decision.features, reason, adapter: decision.adapter, wasm };
  }
  throw new RunError('No TensorFlow.js backend could be initialised in this browser.', 'backend', plan.nodeIds.train);
}

/** Threads and SIMD of the initialised WASM backend, and why it is single-threaded when it is. */
export async function wasmRuntime(): Promise<WasmRuntime> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT').catch(() => false));
  const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT').catch(() => false));
  let threads = 1;
  try {
    threads = threaded ? getThreadsCount() : 1;
  } catch {
    // not initialised yet
  }
  const cores = self.navigator.hardwareConcurrency || 1;
  let note: string | undefined;
  if (!crossOriginIsolated) note = 'the page is not cross-origin isolated, so WebAssembly threads are unavailable';
  else if (!threaded) note = 'this browser has no WebAssembly threads';
  else if (cores < 2) note = 'this device reports one CPU core';
  return { threads, simd, ...(threads > 1 ? {} : { note }) };
}

/** Make sure some backend is active without disturbing a running training (used by inspectors). */
export async function ensureSomeBackend(): Promise<void> {
  if (initialised.size > 0) return;
  const caps = await getCapabilities();
  // CPU is enough for inspecting layers and small previews; keeps the GPU free.
  await initBackend('cpu', caps);
}

export function createBrowserHost(context: { nodeIds: () => Plan['nodeIds'] | null }): EngineHost {
  return {
    tf,
    loadModel: (source) => loadLayersModelFrom(source, context.nodeIds()?.model ?? null),
    openDataset: (datasetId) => openDatasetSource(datasetId, context.nodeIds()?.dataset ?? null),
    selectBackends: selectBrowserBackends,
    async useBackend(name) {
      if (tf.getBackend() !== name) {
        const ok = await tf.setBackend(name);
        if (!ok) throw new RunError(`Switching to the ${name} backend failed.`, 'backend', context.nodeIds()?.train ?? null);
      }
    },
    thumbnail: (image: DecodedImage) => rgbToDataUrl(image).catch(() => null),
    modelMeta: browserModelMeta,
  };
}
