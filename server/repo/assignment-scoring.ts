/**
 * Pure helpers of the classroom feature: scoring predictions against the hidden labels, summarising the pipeline
 * choices a submitted graph made, and preparing a student's fork of the starter graph. No database, no I/O.
 */
import type { GraftGraph } from '@/nodes/core/graph';

export interface Score {
  accuracy: number;
  macroF1: number;
}

/**
 * Accuracy and macro-F1 (unweighted mean of per-class F1 over the hidden set's classes). `predictions` and `truth`
 * are label strings in the hidden set's order and have the same length (checked by the caller).
 */
export function scorePredictions(predictions: readonly string[], truth: readonly string[], classes: readonly string[]): Score {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predictions[i]!;
    const t = truth[i]!;
    if (p === t) {
      correct++;
      tp.set(t, (tp.get(t) ?? 0) + 1);
    } else {
      fp.set(p, (fp.get(p) ?? 0) + 1);
      fn.set(t, (fn.get(t) ?? 0) + 1);
    }
  }
  let f1Sum = 0;
  for (const c of classes) {
    const denominator = 2 * (tp.get(c) ?? 0) + (fp.get(c) ?? 0) + (fn.get(c) ?? 0);
    f1Sum += denominator === 0 ? 0 : (2 * (tp.get(c) ?? 0)) / denominator;
  }
  return {
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: classes.length ? f1Sum / classes.length : 0,
  };
}

/** What the teacher view groups scores by. Derived from the submitted graph version, never from the student. */
export interface PipelineChoices {
  model: string;
  freeze: string;
  augmentation: boolean;
  tuned: boolean;
}

function isWired(graph: GraftGraph, nodeId: string): boolean {
  return graph.edges.some((e) => e.source === nodeId || e.target === nodeId);
}

export function pipelineChoices(graph: GraftGraph): PipelineChoices {
  const nodes = graph.nodes.filter((n) => graph.nodes.length === 1 || isWired(graph, n.id));
  const model = nodes.find((n) => n.type === 'pretrained-model');
  const freeze = nodes.find((n) => n.type === 'freeze-layers');
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 100) : fallback);
  let modelName = 'none';
  if (model) {
    const source = str(model.params.source, 'catalog');
    modelName = source === 'catalog' ? str(model.params.catalogId, 'graft-shapes-cnn') : source === 'url' ? 'model from URL' : 'uploaded model';
  }
  return {
    model: modelName,
    freeze: freeze ? str(freeze.params.mode, 'all') : 'no Freeze node',
    augmentation: nodes.some((n) => n.type === 'augment-data'),
    tuned: nodes.some((n) => n.type === 'hyperparameter-tune'),
  };
}

/** The starter graph as a student receives it: every Dataset node reads the assignment's training set. */
export function withTrainingSet(graph: GraftGraph, trainingDatasetId: string): GraftGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.type === 'dataset' ? { ...n, params: { ...n.params, datasetId: trainingDatasetId } } : n)),
  };
}

/** Case- and width-insensitive key of a display name (two students may not both be "Ana"). */
export function displayNameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Fisher–Yates permutation of 0..n-1 from a random source returning integers in [0, k). */
export function permutation(n: number, randomInt: (k: number) => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
