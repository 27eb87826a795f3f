/**
 * The typed Plan: what the compiler produces and the training engine runs.
 * Plain serialisable data (it is posted to a Web Worker), no tfjs types.
 */
import type { GraftGraph } from './graph';

/** Where images come from. `builtin:*` = Graft's synthetic sets; `dir:<name>` = a class-folder dataset under
 * DATASETS_DIR (or a path given to the CLI); `local:<id>` = images stored in the browser (IndexedDB);
 * `shared:<id>` = images uploaded to the server with a shared graph. */
export type DatasetRef = string;

export interface DatasetValue {
  datasetId: DatasetRef;
  /** Fraction of each class held out for the final test split (stratified, seeded). */
  testSplit: number;
  /** Fraction of the non-test images of each class held out for validation (the Train plan carries it too). */
  validationSplit: number;
  /** Seed for the stratified split. */
  splitSeed: number;
  /** 0 = use all images. */
  maxImagesPerClass: number;
  augment: AugmentPlan | null;
  nodeIds: { dataset: string; augment?: string };
}

export interface AugmentPlan {
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Each strength is 0..1; 0 disables that transform. rotation 1 = ±45°, zoom 1 = ±40%, translate 1 = ±30%. */
  rotation: number;
  zoom: number;
  translate: number;
  brightness: number;
  contrast: number;
  noise: number;
  seed: number;
  /** Augmented views per image cached when the trunk is frozen (feature-cache path). */
  cachedViews: number;
}

/** Model source as chosen in the Pretrained Model node. */
export type ModelSource =
  | { kind: 'catalog'; id: string }
  | { kind: 'url'; url: string }
  | { kind: 'upload'; id: string };

/** How raw 0..255 RGB pixels are scaled before the trunk. 'auto' = the catalog's known scaling, else [0,1]. */
export type InputScaling = 'auto' | 'minus1to1' | 'zero1' | 'raw255';

export type FreezePlan =
  | { mode: 'none' }
  | { mode: 'all' }
  | { mode: 'firstN'; count: number }
  | { mode: 'upTo'; layer: string };

export interface ModelValue {
  source: ModelSource;
  /** Layer name to cut at ('' = the model's default truncation layer). */
  truncateAt: string;
  inputScaling: InputScaling;
  /** 'random' re-initialises the trunk weights (the "train from scratch" baseline). */
  weights: 'pretrained' | 'random';
  freeze: FreezePlan;
  nodeIds: { model: string; freeze?: string };
}

export interface HeadPlan {
  pooling: 'gap' | 'gmp' | 'flatten';
  hiddenLayers: number;
  hiddenUnits: number;
  activation: 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'selu';
  dropout: number;
  /** Standardise each feature (mean 0, sd 1 on the training images) in front of the head's first layer. */
  standardize: boolean;
  /** Initial weights of the output layer: zeros (every class equally likely at the start) or Glorot-uniform random. */
  outputInit: 'zeros' | 'glorot';
  /** L2 penalty weight on the head's dense kernels (absent/0 = none). Set by no node: only the trust-probe bench's
   * "weight decay" variant uses it (measured, not a default; README "Model truth by default"). */
  weightDecay?: number;
}

export interface ClassifierValue {
  model: ModelValue;
  head: HeadPlan;
  nodeIds: ModelValue['nodeIds'] & { head: string };
}

export type BackendChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface TrainPlan {
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  learningRate: number;
  momentum: number;
  batchSize: number;
  epochs: number;
  validationSplit: number;
  /** 0 = no early stopping. */
  earlyStoppingPatience: number;
  seed: number;
  backend: BackendChoice;
  /** 'auto' uses the feature cache whenever the trunk is fully frozen. */
  featureCache: 'auto' | 'off';
}

export interface TuneDimension {
  /** Node whose param is searched (must be upstream of, or be, the tune node). */
  nodeId: string;
  param: string;
  /** Either an explicit list of values ... */
  values?: Array<number | string | boolean>;
  /** ... or a numeric range sampled/gridded with `steps` points. */
  range?: { min: number; max: number; scale: 'linear' | 'log'; steps: number; integer?: boolean };
}

export interface TunePlan {
  strategy: 'grid' | 'random' | 'halving';
  maxTrials: number;
  maxMinutes: number;
  seed: number;
  /** Metric maximised on the validation split. */
  metric: 'val_accuracy' | 'val_loss';
  dimensions: TuneDimension[];
}

export interface TrainedValue {
  dataset: DatasetValue;
  classifier: ClassifierValue;
  train: TrainPlan;
  tune: TunePlan | null;
  nodeIds: ClassifierValue['nodeIds'] & DatasetValue['nodeIds'] & { train: string };
}

export interface EvaluatePlan {
  /** How many most-confidently-misclassified test images to report. */
  misclassifiedCount: number;
}

/** The complete runnable pipeline. */
export interface Plan {
  dataset: DatasetValue;
  classifier: ClassifierValue;
  train: TrainPlan;
  tune: TunePlan | null;
  evaluate: EvaluatePlan | null;
  /** Every node id that takes part, for per-node run state and locating runtime errors. */
  nodeIds: TrainedValue['nodeIds'] & { evaluate?: string };
  /** The graph this plan was compiled from (the tuner recompiles it with overridden params per trial). */
  graph: GraftGraph;
  /** Every pipeline node in run order with its card summary (set by the compiler). */
  steps?: PlanStep[];
}

/** One node of the compiled pipeline, in run order (what "View code" and the run summary list). */
export interface PlanStep {
  nodeId: string;
  type: string;
  title: string;
  /** The node's card summary, e.g. "Epochs 20 · Batch size 16 · Learning rate 0.001". */
  summary: string;
}

/** What a finished run reports to node definitions' `runSummary` (kept small: definitions sit below the engine). */
export interface RunOutcome {
  testAccuracy: number | null;
  epochsRun: number;
  keptEpoch: number | null;
  backend: string | null;
}
