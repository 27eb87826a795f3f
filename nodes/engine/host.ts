/**
 * What the engine needs from its host. Two hosts implement it: the browser Web Worker
 * (`nodes/engine/host-browser/`) and plain Node (`nodes/engine/host-node/`), so there is one engine.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { InputScaling, ModelSource, Plan } from '../core/plan';
import type { BackendName, RunEvent, RunResult, WasmRuntime } from './types';
import type { ModelFolderMeta } from '../pretrained-model/catalog';
import type { FeatureStore } from './feature-store';
import type { PlanOverrides } from './overrides';
import type { TrialPlanner } from './trial-planner';

/** RGB pixels, row-major, 3 bytes per pixel. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A labelled image collection, decoded lazily so thousands of images keep memory bounded. */
export interface ImageSource {
  labels: string[];
  /** One entry per usable image; `label` indexes `labels`. `name` is for reports (file name). */
  items: Array<{ label: number; name: string }>;
  /** Files that could not be used, with the reason (not an image, corrupt, unsupported, too small). */
  skipped: Array<{ name: string; reason: string }>;
  /** Decode item i, downscaled so its longer side is at most `maxSide` (keeps memory bounded). May throw for a
   * corrupt file discovered late; the engine then skips it and reports it. */
  load(index: number, maxSide: number): Promise<DecodedImage>;
  /** Optional: item i already stretched to the model input (height×width RGB) — the same bytes as
   * `resizeToUint8(load(i, max(height, width)), height, width)`, in one step that may run off the calling thread
   * (the Node host reads, decodes and resizes on decode threads). Rejects like `load`. */
  loadModelInput?(index: number, height: number, width: number): Promise<Uint8Array>;
  /** A hash of item i's encoded bytes, when the source can provide one cheaply (the persistent feature cache keys
   * on it; sources without it are cached in memory only). */
  contentHash?(index: number): Promise<string>;
}

export interface BackendSelection {
  /** Backend the head/model is trained on. */
  train: BackendName;
  /** Backend trunk features are computed on, when different (e.g. WASM while training elsewhere). */
  features: BackendName | null;
  reason: string;
  adapter?: string;
  /** Set when train or features run on WASM (or WASM is an Auto candidate). */
  wasm?: WasmRuntime;
  /** "Auto": the backends that can run this plan, in the rules' order (backend-policy.ts `autoCandidates`), all
   * initialised. With two or more the engine measures them (backend-probe.ts) and picks the fastest per phase;
   * `train`/`features` are then only the fallback when the probe cannot run. Absent when a backend is forced. */
  candidates?: BackendName[];
}

export interface EngineHost {
  tf: typeof tfjs;
  /** Load a LayersModel (weights included). Throw RunError('model-unreachable' | 'model-invalid'). */
  loadModel(source: ModelSource): Promise<tfjs.LayersModel>;
  openDataset(datasetId: string): Promise<ImageSource>;
  /** Decide and initialise backends for this plan. `trainsConvLayers` = some trunk layer stays trainable. */
  selectBackends(plan: Plan, needs: { trainsConvLayers: boolean }): Promise<BackendSelection>;
  /** Switch the active tfjs backend (already initialised by selectBackends). */
  useBackend(name: BackendName): Promise<void>;
  /** Small data-URL thumbnail for the misclassified gallery; hosts without canvases return null. */
  thumbnail?(image: DecodedImage): Promise<string | null>;
  /** Optional metadata a model folder carries about itself (`graft.json`: input size, scaling, default
   * truncation). The engine merges it over the catalog entry. */
  modelMeta?(source: ModelSource): Promise<ModelFolderMeta | null>;
}

export interface RunPlanOptions {
  onEvent(event: RunEvent): void;
  signal?: AbortSignal;
  /** Re-initialise trunk weights randomly ("compare with training from scratch"). */
  randomTrunk?: boolean;
  /** Called once after training with the complete classifier (trunk + head, one LayersModel taking the
   * preprocessed image batch [n, h, w, 3] and returning class probabilities). Ownership passes to the caller:
   * the engine must NOT dispose this model afterwards (the browser host keeps it for "Try it" and "Export").
   * When not given, the engine disposes everything as usual. */
  onTrainedModel?(trained: TrainedModel): void;
  /** Bytes of resized training pixels kept in memory between epochs on the full path (default 256 MB); images
   * beyond it are decoded again each epoch. */
  pixelCacheBytes?: number;
  /** Bytes of trunk features one run may hold on the cached path (default DEFAULT_FEATURE_STORE_BYTES, 512 MB); a run
   * whose features need more (e.g. a flatten head on large feature maps) trains with full forward passes instead,
   * and a run forced onto the cached path fails with an 'out-of-memory' RunError saying so. */
  featureBytes?: number;
  /** Force the path ('cached' needs a fully frozen trunk); default follows `plan.train.featureCache`. Used by the
   * benchmark to time both paths on the same plan. */
  forcePath?: 'cached' | 'full';
  /** Skip the test-split evaluation (tuning trials only need validation metrics). The result then carries an
   * empty evaluation with testSize 0. */
  skipEvaluation?: boolean;
  /** Trunk features shared across runs (hyperparameter trials): the cached path reads features from it when an
   * entry matches the plan's trunk/freeze/augmentation/dataset settings, and stores what it computes. */
  featureStore?: FeatureStore;
  /** Use `featureStore` only for images whose content is hashed (feature-key.ts): a plain Run in the browser, where
   * a local dataset may change between runs under the same id. */
  contentKeyedFeaturesOnly?: boolean;
  /** Dataset/seed/epoch overrides, applied to the plan and to every tuning trial's plan (nodes/engine/overrides.ts). */
  overrides?: PlanOverrides;
  /** Plans a hyperparameter trial (needed for tuning plans): nodes/compiler/trial-plan.ts `planTrial` in Node, the
   * pre-compiled trials in the worker. */
  planTrial?: TrialPlanner;
}

/** The trained classifier handed to `RunPlanOptions.onTrainedModel`. */
export interface TrainedModel {
  model: tfjs.LayersModel;
  labels: string[];
  /** [height, width] the model expects. */
  inputSize: [number, number];
  /** Scaling applied to 0..255 RGB before `model` (resolved, never 'auto'). */
  inputScaling: Exclude<InputScaling, 'auto'>;
}

export type RunPlan = (plan: Plan, host: EngineHost, options: RunPlanOptions) => Promise<RunResult>;
