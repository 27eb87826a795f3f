/**
 * The plain-Node engine host (tests, CLI, bench): tfjs on WASM (fast forward passes; conv layers train there with
 * Graft's gradient kernels) or CPU, models from folders or http(s), datasets from the built-in sets or class folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { encodeRgbPng } from '../../dataset/encode-png-node';
import type { ModelSource, Plan } from '../../core/plan';
import type { BackendSelection, DecodedImage, EngineHost, ImageSource } from '../host';
import { RunError, type BackendName } from '../types';
import { catalogEntry, isSafeModelId, type ModelFolderMeta } from '../../pretrained-model/catalog';
import { resolveDatasetId } from '../../dataset/folder-node';
import { modelJsonProblem, parseGraftJson } from '../../pretrained-model/model-files';
import { autoCandidates, decideBackends, type BackendCapabilities } from '../backend-policy';
import { decodeImageNative } from './native-decode';
import { fileToModelInput } from './decode-threads';
import { registerGradientKernels } from '../kernels/register';

/** What Node offers the shared backend policy: no GPU backends (tfjs-node is not used), WASM and CPU. */
const NODE_CAPABILITIES: BackendCapabilities = {
  webgpu: { available: false, software: false, problem: 'not available in Node' },
  webgl: { available: false, software: false, problem: 'not available in Node' },
  wasm: { available: true, trainsConvolutions: true },
};
import { fileLoadHandler } from './tfjs-file-io';

export { tf };

let wasmConfigured = false;
const initialised = new Set<BackendName>();

function configureWasm(): void {
  if (wasmConfigured) return;
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  // A plain directory prefix works in Node: the backend reads the .wasm file from disk.
  setWasmPaths(dist + path.sep);
  wasmConfigured = true;
}

// Importing tfjs-backend-wasm registers it as the highest-priority backend; point it at its binaries right away so a
// plain `await tf.ready()` anywhere in this process works.
configureWasm();
// tfjs-wasm has no convolution gradients; with these, conv layers train on WASM (NODE_CAPABILITIES says so).
registerGradientKernels('wasm');

/** Initialise (once) and activate a backend. Returns false when it cannot run here. */
export async function activateBackend(name: BackendName): Promise<boolean> {
  if (name === 'webgl' || name === 'webgpu') return false;
  if (name === 'wasm') configureWasm();
  if (tf.getBackend() === name && initialised.has(name)) return true;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch {
    ok = false;
  }
  if (ok) initialised.add(name);
  return ok;
}

export interface NodeHostOptions {
  /** Folder of model folders (`<id>/model.json`); default env MODELS_DIR or `./models`. */
  modelsDir?: string;
  /** Folder of class-folder datasets for `dir:<name>`; default env DATASETS_DIR or `./datasets`. */
  datasetsDir?: string;
  /** The app's public folder (catalog models served from `/models/...`); default `./public`. */
  publicDir?: string;
  /** Force a backend regardless of the plan ('auto' = decide per plan). */
  backend?: 'auto' | 'wasm' | 'cpu';
  /** Produce PNG data-URL thumbnails for misclassified images (off by default: they bloat JSON output). */
  thumbnails?: boolean;
  /** Open datasets the host does not know itself (e.g. a folder path given to the CLI). */
  openDataset?: (datasetId: string) => Promise<ImageSource | null>;
  /** Network fetch timeout for http(s) models (ms). */
  fetchTimeoutMs?: number;
}

type ModelLocation = { kind: 'file'; modelJson: string } | { kind: 'http'; url: string };

function exists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function resolveModelLocation(source: ModelSource, options: NodeHostOptions): ModelLocation {
  const modelsDir = path.resolve(options.modelsDir ?? process.env.MODELS_DIR ?? './models');
  const publicDir = path.resolve(options.publicDir ?? './public');
  if (source.kind === 'url') {
    const url = source.url.trim();
    if (/^https?:\/\//i.test(url)) return { kind: 'http', url };
    if (url.startsWith('file://')) return { kind: 'file', modelJson: new URL(url).pathname };
    if (url.startsWith('/models/')) return { kind: 'file', modelJson: path.join(publicDir, url) };
    return { kind: 'file', modelJson: path.resolve(url) };
  }
  const id = source.id;
  if (!isSafeModelId(id)) {
    throw new RunError(`"${id}" is not a valid model id.`, 'model-unreachable');
  }
  // A local copy of a catalog model wins over its official URL (works offline).
  const local = path.join(modelsDir, id, 'model.json');
  if (exists(local)) return { kind: 'file', modelJson: local };
  const bundled = path.join(publicDir, 'models', id, 'model.json');
  if (exists(bundled)) return { kind: 'file', modelJson: bundled };
  const entry = source.kind === 'catalog' ? catalogEntry(id) : undefined;
  if (entry) {
    if (entry.officialUrl.startsWith('/')) return { kind: 'file', modelJson: path.join(publicDir, entry.officialUrl) };
    return { kind: 'http', url: entry.officialUrl };
  }
  throw new RunError(
    `Model "${id}" was not found: no catalog entry and no folder ${path.join(modelsDir, id)} with a model.json.`,
    'model-unreachable',
  );
}

function checkModelJson(json: unknown, where: string): void {
  const problem = modelJsonProblem(json, where);
  if (problem) throw new RunError(problem, 'model-invalid');
}

async function fetchWithTimeout(url: string, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(url, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

export async function loadModelFrom(location: ModelLocation, options: NodeHostOptions): Promise<tf.LayersModel> {
  if (location.kind === 'file') {
    if (!exists(location.modelJson)) {
      throw new RunError(`Model file not found: ${location.modelJson}`, 'model-unreachable');
    }
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(location.modelJson, 'utf8'));
    } catch (error) {
      throw new RunError(`${location.modelJson} is not valid JSON (${(error as Error).message}).`, 'model-invalid');
    }
    checkModelJson(json, location.modelJson);
    try {
      return await tf.loadLayersModel(fileLoadHandler(location.modelJson));
    } catch (error) {
      const message = (error as Error).message;
      if (/ENOENT|no such file/i.test(message)) {
        throw new RunError(`A weights file of ${location.modelJson} is missing: ${message}`, 'model-unreachable');
      }
      throw new RunError(`Could not build a LayersModel from ${location.modelJson}: ${message}`, 'model-invalid');
    }
  }
  const timeout = options.fetchTimeoutMs ?? 30_000;
  let response: Response;
  try {
    response = await fetchWithTimeout(location.url, timeout);
  } catch (error) {
    throw new RunError(
      `Could not reach ${location.url} (${(error as Error).message}). Check the address and your connection, or ` +
        'put a copy of the model in MODELS_DIR.',
      'model-unreachable',
    );
  }
  if (!response.ok) {
    throw new RunError(`${location.url} answered HTTP ${response.status}.`, 'model-unreachable');
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new RunError(`${location.url} did not return JSON, so it is not a model.json.`, 'model-invalid');
  }
  checkModelJson(json, location.url);
  try {
    return await tf.loadLayersModel(location.url);
  } catch (error) {
    const message = (error as Error).message;
    if (/fetch|network|ECONN|ENOTFOUND|status/i.test(message)) {
      throw new RunError(`Could not download the weights of ${location.url}: ${message}`, 'model-unreachable');
    }
    throw new RunError(`Could not build a LayersModel from ${location.url}: ${message}`, 'model-invalid');
  }
}

function readFolderMeta(location: ModelLocation): ModelFolderMeta | null {
  if (location.kind !== 'file') return null;
  const file = path.join(path.dirname(location.modelJson), 'graft.json');
  if (!exists(file)) return null;
  try {
    return parseGraftJson(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}

function encodePngDataUrl(image: DecodedImage): string {
  return `data:image/png;base64,${encodeRgbPng(image).toString('base64')}`;
}

/** Which backends this Node process can run, in preference order. */
export async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const name of ['wasm', 'cpu'] as const) if (await activateBackend(name)) out.push(name);
  return out;
}

export function createNodeHost(options: NodeHostOptions = {}): EngineHost {
  return {
    tf,
    async loadModel(source) {
      // Weights are created on whichever backend is active; make sure one is.
      if (!initialised.size) await activateBackend('wasm').then((ok) => ok || activateBackend('cpu'));
      return loadModelFrom(resolveModelLocation(source, options), options);
    },
    async modelMeta(source) {
      try {
        return readFolderMeta(resolveModelLocation(source, options));
      } catch {
        return null;
      }
    },
    async openDataset(datasetId) {
      if (options.openDataset) {
        const custom = await options.openDataset(datasetId);
        if (custom) return custom;
      }
      try {
        return await resolveDatasetId(datasetId, {
          datasetsDir: path.resolve(options.datasetsDir ?? process.env.DATASETS_DIR ?? './datasets'),
          decode: decodeImageNative,
          toModelInput: fileToModelInput,
        });
      } catch (error) {
        throw new RunError((error as Error).message, 'dataset');
      }
    },
    async selectBackends(plan: Plan, needs): Promise<BackendSelection> {
      const requested = options.backend && options.backend !== 'auto' ? options.backend : plan.train.backend;
      const notes: string[] = [];
      let choice = requested;
      if (choice === 'webgl' || choice === 'webgpu') {
        // A graph saved with a browser-only backend still runs here, with the shared policy's automatic choice.
        notes.push(`${choice.toUpperCase()} is not available in Node, so the automatic choice applies`);
        choice = 'auto';
      }
      if (choice === 'auto') {
        // Rules only filter (autoCandidates); the engine measures what is left (backend-probe.ts).
        const { candidates } = autoCandidates(NODE_CAPABILITIES, needs);
        const ready: BackendName[] = [];
        for (const name of candidates) if (await activateBackend(name)) ready.push(name);
        if (ready.length === 0) throw new RunError('No tfjs backend could be initialised.', 'backend', plan.nodeIds.train);
        await activateBackend(ready[0]);
        notes.push(`Auto: candidates ${ready.join(', ')} (WebGPU and WebGL do not exist in Node)`);
        return { train: ready[0], features: null, reason: notes.join('; ') + '.', candidates: ready };
      }
      const decision = decideBackends(choice, NODE_CAPABILITIES, needs);
      if (!decision.ok) throw new RunError(decision.message, 'backend', plan.nodeIds.train);
      let { train, features } = decision;
      notes.push(decision.reason);
      for (const name of features ? [features, train] : [train]) {
        if (await activateBackend(name)) continue;
        notes.push(`${name} failed to initialise → CPU`);
        if (name === train) train = 'cpu';
        else features = null;
      }
      if (!(await activateBackend(train))) throw new RunError('No tfjs backend could be initialised.', 'backend', plan.nodeIds.train);
      return { train, features: features === train ? null : features, reason: notes.join('; ') };
    },
    async useBackend(name) {
      if (!(await activateBackend(name))) throw new RunError(`Backend ${name} is not available.`, 'backend');
    },
    thumbnail: options.thumbnails ? async (image) => encodePngDataUrl(image) : undefined,
  };
}
