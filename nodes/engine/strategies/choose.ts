/** Which strategy runs, and why (the reason is shown in the run result). */
import type { RunPlanOptions } from '../host';
import type { TrainPlan } from '../../core/plan';
import type { PreparedTrunk } from '../model/trunk';
import { RunError } from '../types';
import { DEFAULT_FEATURE_STORE_BYTES, featureRowsBytes } from '../feature-store';
import type { Strategy, StrategyInput } from './common';
import { cachedFeatures } from './cached';
import { fullPasses } from './full';

export interface PathChoice {
  path: 'cached' | 'full';
  reason: string;
  build(input: StrategyInput): Promise<Strategy>;
}

/** The feature rows the cached path would hold for this run: one per training image and cached view, one per
 * validation image and (when evaluating) one per test image, `featureDim` floats each. */
export interface FeatureWorkload {
  rows: number;
  featureDim: number;
}

export function choosePath(
  trunk: PreparedTrunk,
  train: TrainPlan,
  options: Pick<RunPlanOptions, 'forcePath' | 'featureBytes'>,
  features: FeatureWorkload,
): PathChoice {
  const full = (reason: string): PathChoice => ({ path: 'full', reason, build: fullPasses });
  if (options.forcePath === 'full') return full('Full forward passes every epoch (forced).');
  if (!trunk.fullyFrozen) {
    if (options.forcePath === 'cached') throw new RunError('The cached path needs a fully frozen trunk.', 'internal');
    return full(
      `${trunk.layerCount - trunk.frozenCount} of ${trunk.layerCount} trunk layers are trainable (fine-tuning), so ` +
        'every epoch runs full forward and backward passes.',
    );
  }
  if (train.featureCache === 'off' && options.forcePath !== 'cached') {
    return full('Feature cache turned off in the Train node: full forward passes every epoch.');
  }
  // The run's features are bounded by bytes like its pixels (data/pixel-store.ts): what does not fit is computed
  // again when needed — here, by full forward passes through the frozen trunk every epoch — instead of filling memory.
  const bytes = featureRowsBytes(features.rows, features.featureDim);
  const budget = options.featureBytes ?? DEFAULT_FEATURE_STORE_BYTES;
  if (bytes > budget) {
    const what =
      `The trunk features of this run would take ${megabytes(bytes)} (${features.rows} images × ${features.featureDim} ` +
      `features), more than the ${megabytes(budget)} a run may keep in memory`;
    const fix = 'pooling in the head node (GAP or GMP) or cutting the model at a later layer makes the features smaller';
    if (options.forcePath === 'cached') throw new RunError(`${what}: the cached path cannot hold them; ${fix}.`, 'out-of-memory');
    return full(`${what}, so every epoch runs full forward passes through the frozen trunk instead (slower; ${fix}).`);
  }
  return {
    path: 'cached',
    reason: 'Trunk fully frozen: its features were computed once per image and only the head was trained on them.',
    build: cachedFeatures,
  };
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? `${Math.round(mb)} MB` : mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
