/** Which strategy runs, and why (the reason is shown in the run result). */
import type { RunPlanOptions } from '../host';
import type { TrainPlan } from '../../core/plan';
import type { PreparedTrunk } from '../model/trunk';
import { RunError } from '../types';
import type { Strategy, StrategyInput } from './common';
import { cachedFeatures } from './cached';
import { fullPasses } from './full';

export interface PathChoice {
  path: 'cached' | 'full';
  reason: string;
  build(input: StrategyInput): Promise<Strategy>;
}

export function choosePath(trunk: PreparedTrunk, train: TrainPlan, options: Pick<RunPlanOptions, 'forcePath'>): PathChoice {
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
  return {
    path: 'cached',
    reason: 'Trunk fully frozen: its features were computed once per image and only the head was trained on them.',
    build: cachedFeatures,
  };
}
