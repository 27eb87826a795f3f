/**
 * The train/validation/test item indices of a plan's dataset, exactly as the engine's run splits it: the one split
 * implementation (`splitDataset` in nodes/dataset/split.ts) with the plan's settings, so the views can revisit a
 * run's images. `layer-sweep.test.ts` checks it against the test ids a real run reports.
 */
import type { Plan } from '../../core/plan';
import type { ImageSource } from '../host';
import { splitDataset } from '../../dataset/split';

export interface RunSplit {
  train: number[];
  validation: number[];
  test: number[];
}

export function splitOfPlan(source: ImageSource, plan: Pick<Plan, 'dataset' | 'train'>): RunSplit {
  const { train, validation, test } = splitDataset(
    source.items.map((item) => item.label),
    {
      maxImagesPerClass: plan.dataset.maxImagesPerClass,
      testSplit: plan.dataset.testSplit,
      validationSplit: plan.train.validationSplit,
      seed: plan.dataset.splitSeed,
    },
  );
  return { train, validation, test };
}
