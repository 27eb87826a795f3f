/**
 * The engine's public contract: events streamed during a run and the final result.
 * Shared by both hosts (Web Worker in the browser, plain Node for tests/CLI/bench) and by the UI.
 * Plain serialisable data only (crosses postMessage).
 */
import type { Plan } from '../core/plan';
import type { PlanOverrides } from './overrides';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export type NodeRunState = 'waiting' | 'running' | 'done' | 'error' | 'cancelled';

export interface EpochLog {
  epoch: number; // 1-based
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  ms: number;
}

export interface PerClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MisclassifiedExample {
  /** Index into the test split. */
  index: number;
  trueLabel: string;
  predictedLabel: string;
  confidence: number;
  /** Small PNG/JPEG data URL of the input image when the host can make one (browser), else null. */
  thumbnail: string | null;
}

/** One test image's prediction. `index` = position in the test split, `id` = the file identity the split
 * fingerprint hashes (ImageSource item name). */
export interface TestPrediction {
  index: number;
  id: string;
  trueClass: number;
  predictedClass: number;
  probabilities: number[];
}

export interface Evaluation {
  accuracy: number;
  loss: number;
  labels: string[];
  perClass: PerClassMetrics[];
  /** confusionMatrix[true][predicted], counts; sums to testSize. */
  confusionMatrix: number[][];
  testSize: number;
  misclassified: MisclassifiedExample[];
  /** Every test image's prediction, in test-split order. */
  predictions: TestPrediction[];
}

export interface RunResult {
  backend: BackendName;
  /** Where trunk features were computed when that differs from the training backend (e.g. 'wasm'). */
  featureBackend: BackendName | null;
  /** 'cached' = trunk features computed once, head trained on them; 'full' = forward passes every epoch. */
  path: 'cached' | 'full';
  pathReason: string;
  /** Cached path: the trunk features came from the feature cache (an earlier run/trial), nothing was extracted. */
  featuresReused?: boolean;
  epochs: EpochLog[];
  trainMs: number;
  totalMs: number;
  imagesPerSecond: number;
  evaluation: Evaluation;
  labels: string[];
  splitSizes: { train: number; validation: number; test: number };
  /** Short hash of the sorted test-set file identities: equal fingerprints = the same test images. */
  splitFingerprint: string;
  /** Epoch whose weights the model ended with (the best epoch after early stopping, else the last). */
  keptEpoch?: number;
  /** Set when the run was a hyperparameter search. */
  tune?: TuneSummary;
  /** Files left out: unreadable at listing time (from the ImageSource) or failing to decode during the run. */
  skipped?: Array<{ name: string; reason: string }>;
  /** "Auto" only: what the backend probe measured and chose (absent when a backend was forced or only one could run). */
  backendProbe?: BackendProbe;
  /** Where the time went, ms: trunk feature extraction (cached path) and the fit loop (training epochs). */
  phaseMs?: { features: number; fit: number };
  /** Time spent decoding and resizing images before training (not part of trainMs). */
  loadMs?: number;
  /** Layer the trunk was cut at (resolved default when the node left it empty). */
  truncateAt?: string;
  /** Pixel scaling used (resolved, never 'auto'). */
  inputScaling?: 'minus1to1' | 'zero1' | 'raw255';
  /** [height, width] images were resized to. */
  inputSize?: [number, number];
}

/** What "Auto" measured (backend-probe.ts): per phase, two timed batches on each candidate backend. */
export interface BackendProbe {
  phases: Array<{
    phase: 'features' | 'head' | 'full';
    /** Human name: "features", "head training", "fine-tuning" or "full passes". */
    label: string;
    /** Images (or feature rows, for the head) per probe batch. */
    batchImages: number;
    measurements: Array<{
      backend: BackendName;
      /** Fastest timed batch, ms; for a backend stopped early, the lower bound that made it lose. */
      msPerBatch: number | null;
      timedBatches: number;
      /** Dropped after its warm-up or first batch: already far slower than the best so far. */
      stoppedEarly: boolean;
      /** Why it could not run (then msPerBatch is null). */
      failed?: string;
    }>;
    chosen: BackendName;
    /** Why the remaining candidates were not measured (the phase is too short for the probe to pay off). */
    skipped?: string;
    /** Wall time this phase's probe took, ms. */
    costMs: number;
  }>;
  /** Wall time of the whole probe, ms (0 when reused). */
  costMs: number;
  /** Taken from an earlier measurement of the same model, cut, freeze, batch size and host in this session. */
  reused: boolean;
  /** One line for the run panel / record: "Auto measured …: wasm 42 ms/batch, cpu 910 ms/batch → wasm". */
  summary: string;
}

export interface TrialRecord {
  id: number;
  config: Record<string, number | string | boolean>;
  status: 'pending' | 'running' | 'done' | 'stopped' | 'failed';
  metric: number | null;
  epochs: number;
  ms: number;
  error?: string;
}

export interface TuneSummary {
  trials: TrialRecord[];
  bestTrialId: number | null;
  metric: string;
}

/** How the WASM backend runs, when a run uses it: threads (browser: `navigator.hardwareConcurrency` when the page
 * is cross-origin isolated, else 1) and SIMD; `note` says why it is single-threaded. */
export interface WasmRuntime {
  threads: number;
  simd: boolean;
  note?: string;
}

export type RunEvent =
  | { type: 'status'; message: string }
  | { type: 'backend'; backend: BackendName; featureBackend: BackendName | null; reason: string; adapter?: string; wasm?: WasmRuntime }
  | { type: 'node'; nodeId: string; state: NodeRunState; message?: string; progress?: number }
  | { type: 'progress'; phase: 'model' | 'loading' | 'features' | 'training' | 'evaluating'; done: number; total: number; etaMs: number | null; imagesPerSecond?: number }
  | { type: 'batch'; epoch: number; batch: number; batchesPerEpoch: number; loss: number }
  | { type: 'epoch'; log: EpochLog; totalEpochs: number; /** Set during a hyperparameter search. */ trialId?: number }
  | { type: 'trial'; trial: TrialRecord }
  | { type: 'done'; result: RunResult; tensors?: TensorAccounting }
  | { type: 'error'; nodeId: string | null; message: string; kind: RunErrorKind; tensors?: TensorAccounting };

/** `tf.memory().numTensors` around one run, measured by the browser worker after the engine's cleanup. Counts
 * exclude models the worker keeps on purpose (the trained classifier for Try it / Export, models loaded by the
 * layer inspector), which are reported separately, so `before === after` means the run leaked nothing. */
export interface TensorAccounting {
  /** Tensors alive just before the run started, excluding kept models. */
  tensorsBefore: number;
  /** Tensors alive after the run ended (done, failed or cancelled) and the engine cleaned up, excluding kept models. */
  tensorsAfter: number;
  /** Tensors held by the trained classifier kept for Try it / Export after the run (0 when none is kept). */
  keptModelTensors: number;
  /** Tensors held by models the layer inspector has loaded (cached in the worker), after the run. */
  inspectorTensors: number;
}

export type RunErrorKind =
  | 'model-unreachable'
  | 'model-invalid'
  | 'input-shape'
  | 'too-few-classes'
  | 'nan-loss'
  | 'out-of-memory'
  | 'cancelled'
  | 'dataset'
  | 'backend'
  | 'internal';

/** Thrown inside the engine; carries the node it belongs to so the UI shows it there. */
export class RunError extends Error {
  constructor(
    message: string,
    public readonly kind: RunErrorKind,
    public readonly nodeId: string | null = null,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** Messages to/from the browser worker. */
export type WorkerRequest =
  | { type: 'run'; runId: string; plan: Plan; options?: RunOptions }
  | { type: 'cancel'; runId: string };

export interface RunOptions {
  /** Replace trunk weights with random ones ("compare with training from scratch"). */
  randomTrunk?: boolean;
  /** Share trunk features with earlier runs of this worker (repeats, re-runs on the same split). */
  reuseFeatures?: boolean;
  /** Tuning plans: every trial compiled on the page (the worker never imports the compiler). */
  plannedTrials?: PlannedTrials;
  /** Dataset/seed/epoch overrides (nodes/engine/overrides.ts). */
  overrides?: PlanOverrides;
}

export type WorkerResponse = { runId: string; event: RunEvent };

/** One tuning trial's values, by param key. */
export type TrialConfig = Record<string, number | string | boolean>;

/** The Plan of one trial: the search graph with the trial's values, without tuning. Throws RunError when the
 * trial's settings do not compile. */
export type TrialPlanner = (plan: Plan, config: TrialConfig) => Plan;

/** Trial plans compiled ahead of time (posted to the worker with a tuning run). */
export type PlannedTrials = Array<{ config: TrialConfig; plan: Plan | null; error?: { message: string; nodeId: string | null } }>;
