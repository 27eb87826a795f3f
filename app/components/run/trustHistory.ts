/**
 * The part of a run-history entry that makes results comparable and reproducible: the test split's fingerprint and
 * per-image correctness, the seeds, the dataset, the graph (to re-run it on another split) and, for a repeat, every
 * run. Pure functions + zod; stored inside the localStorage history entries.
 */
import { z } from 'zod';
import type { Plan } from '@/nodes/core/plan';
import type { RunResult } from '@/nodes/engine/types';
import type { GraftGraph } from '@/nodes/core/graph';
import { correctnessString, type ComparableEntry, type ComparableRun } from '@/nodes/engine/stats/compare';
import type { RepeatRun } from '@/nodes/engine/repeat';

const RepeatRunSchema = z.object({
  splitSeed: z.number(),
  trainSeed: z.number(),
  accuracy: z.number().nullable(),
  loss: z.number().nullable(),
  testSize: z.number(),
  splitFingerprint: z.string().nullable(),
  correct: z.string().nullable(),
});

export const TrustRecordSchema = z.object({
  testSize: z.number(),
  splitFingerprint: z.string().nullable(),
  correct: z.string().nullable(),
  splitSeed: z.number(),
  trainSeed: z.number(),
  datasetId: z.string(),
  /** Every run of a "Repeat with N seeds" (the entry's accuracy is then their mean). */
  repeats: z.array(RepeatRunSchema).optional(),
  /** The graph that ran (validated again when it is re-run). */
  graph: z.unknown().optional(),
});
export type TrustRecord = z.infer<typeof TrustRecordSchema>;

export function trustFields(result: RunResult | null, plan: Plan): { trust: TrustRecord } {
  const e = result?.evaluation;
  return {
    trust: {
      testSize: e?.testSize ?? 0,
      splitFingerprint: result?.splitFingerprint ?? null,
      correct: e?.predictions ? correctnessString(e.predictions) : null,
      splitSeed: plan.dataset.splitSeed,
      trainSeed: plan.train.seed,
      datasetId: plan.dataset.datasetId,
      graph: plan.graph,
    },
  };
}

export function repeatTrust(runs: RepeatRun[], plan: Plan): TrustRecord {
  const first = runs[0];
  return {
    testSize: first?.testSize ?? 0,
    splitFingerprint: first?.splitFingerprint ?? null,
    correct: first?.correct ?? null,
    splitSeed: first?.splitSeed ?? plan.dataset.splitSeed,
    trainSeed: first?.trainSeed ?? plan.train.seed,
    datasetId: plan.dataset.datasetId,
    repeats: runs,
    graph: plan.graph,
  };
}

/** A history entry as the comparison code sees it. */
export function comparableOf(label: string, entry: { accuracy: number | null; trust?: TrustRecord }): ComparableEntry {
  const t = entry.trust;
  if (!t) return { label, runs: [{ accuracy: entry.accuracy, testSize: 0, splitFingerprint: null, correct: null, splitSeed: null, trainSeed: null }] };
  if (t.repeats && t.repeats.length > 0) return { label, runs: t.repeats.map((r): ComparableRun => ({ ...r })) };
  return {
    label,
    runs: [{ accuracy: entry.accuracy, testSize: t.testSize, splitFingerprint: t.splitFingerprint, correct: t.correct, splitSeed: t.splitSeed, trainSeed: t.trainSeed }],
  };
}

export function graphOf(t: TrustRecord | undefined): GraftGraph | null {
  const g = t?.graph as GraftGraph | undefined;
  return g && typeof g === 'object' && Array.isArray(g.nodes) && Array.isArray(g.edges) ? g : null;
}
