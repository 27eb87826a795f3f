/**
 * Messages between the page and the engine worker: the engine contract's WorkerRequest/WorkerResponse (run, cancel,
 * streamed RunEvents) plus request/reply helpers the inspectors and the run panel use.
 */
import type { AugmentPlan, FreezePlan, ModelSource, Plan } from '../../core/plan';
import type { CostProbe } from '../cost-probe';
import type { BackendName, WorkerRequest, WorkerResponse } from '../types';
import type { ImagePredictions } from './predict-images';
import type { ViewProgress, ViewReplies, ViewRequest } from './views-protocol';
import type { RunRecord } from '../share/package-format';

export interface LayerInfo {
  name: string;
  className: string;
  /** e.g. "[null,7,7,256]" */
  outputShape: string;
  params: number;
  /** Part of the trunk kept by the current truncation. */
  inTrunk: boolean;
  /** Frozen under the given freeze plan (only meaningful for trunk layers). */
  frozen: boolean;
}

export interface ModelInspection {
  modelName: string;
  inputShape: string;
  layers: LayerInfo[];
  /** Layer Graft cuts at when "Cut at layer" is empty. */
  defaultTruncation: string;
  /** The layer actually used (given or default). */
  truncateAt: string;
  trunkParams: number;
  trainableParams: number;
  frozenParams: number;
  /** Problem with the given truncation/freeze settings (e.g. unknown layer name), else null. */
  problem: string | null;
  backend: BackendName | null;
}

export interface AugmentPreview {
  /** Data URLs: the original first, then augmented views, per sample. */
  samples: Array<{ label: string; original: string; augmented: string[] }>;
}

export interface Prediction {
  labels: string[];
  probabilities: number[];
  backend: BackendName | null;
}

export interface ExportedModel {
  fileName: string;
  zip: Uint8Array;
}

export type HelperRequest =
  | { type: 'inspect-model'; requestId: string; source: ModelSource; truncateAt: string; freeze: FreezePlan }
  | { type: 'augment-preview'; requestId: string; datasetId: string; augment: AugmentPlan; samples: number; views: number }
  | { type: 'predict'; requestId: string; image: ImageBitmap }
  | { type: 'trained-model-info'; requestId: string }
  | { type: 'export-model'; requestId: string; name: string }
  /** Classroom submissions: encoded images → one class index each (see predict-images.ts). */
  | { type: 'predict-images'; requestId: string; images: ArrayBuffer[] }
  | ViewRequest
  | { type: 'pack-trained-model'; requestId: string; run: RunRecord }
  | { type: 'load-trained-model'; requestId: string; bytes: Uint8Array }
  /** "Clear feature cache": worker memory and IndexedDB. */
  | { type: 'clear-feature-cache'; requestId: string }
  /** Cost before cost: time the plan's trainable part on its backend(s) (cost-probe.ts). */
  | { type: 'probe-cost'; requestId: string; plan: Plan };

/** A trained-model share package (see nodes/engine/share/). */
export interface PackedModel {
  bytes: Uint8Array;
  storedWeights: number;
  fromBase: number;
}

export interface TrainedModelSummary {
  labels: string[];
  inputSize: [number, number];
  trainedAt: number;
  /** Pixel scaling the model expects (web demo export). */
  inputScaling?: 'minus1to1' | 'zero1' | 'raw255';
}

export interface HelperReplies extends ViewReplies {
  'inspect-model': ModelInspection;
  'augment-preview': AugmentPreview;
  predict: Prediction;
  'trained-model-info': TrainedModelSummary | null;
  'export-model': ExportedModel;
  'predict-images': ImagePredictions;
  'pack-trained-model': PackedModel;
  'load-trained-model': TrainedModelSummary;
  'clear-feature-cache': { cleared: true };
  'probe-cost': CostProbe;
}

export type PageToWorker = WorkerRequest | HelperRequest;

export type HelperReply =
  | { requestId: string; ok: true; result: unknown }
  | { requestId: string; ok: false; error: string };

export type WorkerToPage = WorkerResponse | HelperReply | ViewProgress | { type: 'ready' };
