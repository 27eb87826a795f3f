/**
 * Run-time overrides of a compiled plan, in one place: the CLI's `--dataset`/`--epochs`, "Repeat with N seeds"
 * (splitSeed/trainSeed). The engine applies them where a plan enters a run AND to every hyperparameter trial's
 * plan (trials are re-planned from the graph, which does not know about overrides), so no consumer can miss them.
 */
import { z } from 'zod';
import type { Plan } from '../core/plan';

export const PlanOverridesSchema = z.object({
  /** Dataset id or folder path replacing the Dataset node's choice. */
  dataset: z.string().min(1).optional(),
  /** Seed of the train/validation/test split (and per-class subsampling). */
  splitSeed: z.number().int().min(0).optional(),
  /** Seed of weight initialisation, batch order and augmentation. */
  trainSeed: z.number().int().min(0).optional(),
  /** Training epochs. */
  epochs: z.number().int().min(1).optional(),
});
export type PlanOverrides = z.infer<typeof PlanOverridesSchema>;

/** The plan with `overrides` applied (a new object; the input is not mutated). No overrides → the same plan. */
export function applyPlanOverrides(plan: Plan, overrides: PlanOverrides | undefined): Plan {
  if (!overrides) return plan;
  const { dataset, splitSeed, trainSeed, epochs } = PlanOverridesSchema.parse(overrides);
  if (dataset === undefined && splitSeed === undefined && trainSeed === undefined && epochs === undefined) return plan;
  return {
    ...plan,
    dataset: {
      ...plan.dataset,
      ...(dataset !== undefined ? { datasetId: dataset } : {}),
      ...(splitSeed !== undefined ? { splitSeed } : {}),
    },
    train: {
      ...plan.train,
      ...(trainSeed !== undefined ? { seed: trainSeed } : {}),
      ...(epochs !== undefined ? { epochs } : {}),
    },
  };
}
