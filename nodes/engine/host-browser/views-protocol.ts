/**
 * Worker messages of the "seeing inside" views (nodes/engine/views): request payloads and replies. Part of the
 * HelperRequest / HelperReplies unions in protocol.ts; handled by views-worker.ts.
 */
import type { Plan } from '../../core/plan';
import type { Heatmap, FeatureMapView, DataEfficiencyView } from '../views/session';
import type { LayerSweepResult } from '../views/layer-sweep';
import type { Projection } from '../views/feature-map';

export type { Heatmap, FeatureMapView, DataEfficiencyView, LayerSweepResult, Projection };

/** `tf.memory().numTensors` in the worker just before a view was computed and just after (equal = no leak). */
export interface ViewTensors {
  before: number;
  after: number;
}

export type ViewRequest =
  | { type: 'view-heatmaps'; requestId: string; runId: string; testIndices: number[]; which: 'predicted' | 'true' }
  | { type: 'view-image-heatmap'; requestId: string; image: ImageBitmap; classIndex: number | null }
  | { type: 'view-thumbnails'; requestId: string; runId: string; testIndices?: number[]; items?: number[] }
  | { type: 'view-feature-map'; requestId: string; runId: string; method: Projection }
  | { type: 'view-data-efficiency'; requestId: string; runId: string }
  | { type: 'layer-sweep'; requestId: string; plan: Plan }
  | { type: 'view-cancel'; requestId: string; target: string }
  | { type: 'view-tensors'; requestId: string };

export interface ViewReplies {
  'view-heatmaps': { heatmaps: Array<Heatmap | null>; tensors: ViewTensors };
  'view-image-heatmap': { heatmap: Heatmap; labels: string[]; tensors: ViewTensors };
  'view-thumbnails': { thumbnails: Array<string | null> };
  'view-feature-map': FeatureMapView & { tensors: ViewTensors };
  'view-data-efficiency': DataEfficiencyView & { tensors: ViewTensors };
  'layer-sweep': LayerSweepResult & { tensors: ViewTensors; ms: number; cached: boolean };
  'view-cancel': null;
  'view-tensors': { numTensors: number };
}

/** Progress of a long view request (feature passes, layer sweep, curve training). */
export interface ViewProgress {
  type: 'view-progress';
  requestId: string;
  done: number;
  total: number;
  message?: string;
}

const VIEW_TYPES = new Set<string>([
  'view-heatmaps',
  'view-image-heatmap',
  'view-thumbnails',
  'view-feature-map',
  'view-data-efficiency',
  'layer-sweep',
  'view-cancel',
  'view-tensors',
]);

export function isViewRequest(msg: { type: string }): msg is ViewRequest {
  return VIEW_TYPES.has(msg.type);
}
