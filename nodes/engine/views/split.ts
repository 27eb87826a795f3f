/**
 * The train/validation/test item indices of a plan's dataset, exactly as the engine's run splits it (per-class
 * subsampling by maxImagesPerClass, then the stratified split), so the views can revisit a run's images.
 * Mirrors `prepareData` in run.ts; `split.test.ts` checks it against the test ids a real run reports, so a change
 * in the engine's split fails loudly instead of silently showing the wrong images.
 */
import type { Plan } from '../../core/plan';
import type { ImageSource } from '../host';
import { createRng, hashSeed, shuffleInPlace, stratifiedSplit } from '../../dataset/split';

export interface RunSplit {
  train: number[];
  validation: number[];
  test: number[];
}

export function splitOfPlan(source: ImageSource, plan: Pick<Plan, 'dataset' | 'train'>): RunSplit {
  const byClass = new Map<number, number[]>();
  source.items.forEach((item, index) => {
    const list = byClass.get(item.label);
    if (list) list.push(index);
    else byClass.set(item.label, [index]);
  });
  const usable: number[] = [];
  const max = plan.dataset.maxImagesPerClass;
  for (const [label, indices] of byClass) {
    const chosen =
      max > 0 && indices.length > max
        ? shuffleInPlace(indices.slice(), createRng(hashSeed(plan.dataset.splitSeed, label, 0x5ab)))
            .slice(0, max)
            .sort((a, b) => a - b)
        : indices;
    usable.push(...chosen);
  }
  usable.sort((a, b) => a - b);
  const split = stratifiedSplit(
    usable.map((i) => source.items[i].label),
    { testSplit: plan.dataset.testSplit, validationSplit: plan.train.validationSplit, seed: plan.dataset.splitSeed },
  );
  return {
    train: split.train.map((k) => usable[k]),
    validation: split.validation.map((k) => usable[k]),
    test: split.test.map((k) => usable[k]),
  };
}
