/**
 * Plain-language reading of a run's numbers for students: accuracy against chance, what the loss is, and an
 * automatic diagnosis (overfitting, underfitting, too few test images to trust small differences), each naming
 * the node to change. Pure: the UI renders it, tests check it.
 */
import type { EpochLog, RunResult } from '@/nodes/engine/types';
import type { PipelineRole } from '@/app/lib/nodeRoles';

export interface Diagnosis {
  kind: 'overfitting' | 'underfitting' | 'uncertainty' | 'healthy' | 'near-chance';
  title: string;
  text: string;
  /** The part of the pipeline to change (the UI links to the node playing it, found through the definitions). */
  node: PipelineRole | null;
  nodeAdvice: string | null;
}

export interface Explanation {
  accuracy: string;
  loss: string;
  curves: string;
  diagnoses: Diagnosis[];
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** Smallest accuracy difference (in points) between two runs on this many test images that is not just luck (~95%). */
export function trustworthyDifferencePoints(accuracy: number, testSize: number): number {
  if (testSize <= 0) return 100;
  // Agresti–Coull: keeps the estimate sensible at 0% or 100% on tiny test sets.
  const p = (accuracy * testSize + 2) / (testSize + 4);
  return Math.ceil(100 * 1.96 * Math.sqrt((2 * p * (1 - p)) / testSize));
}

function lastWithValidation(epochs: EpochLog[], keptEpoch?: number): EpochLog | null {
  const kept = keptEpoch !== undefined ? epochs.find((e) => e.epoch === keptEpoch) : undefined;
  const pick = kept ?? epochs[epochs.length - 1];
  return pick ?? null;
}

export function explainRun(result: RunResult, graph: { hasAugment: boolean }): Explanation {
  const ev = result.evaluation;
  const classes = ev.labels.length || result.labels.length;
  const chance = classes > 0 ? 1 / classes : 0;
  const right = Math.round(ev.accuracy * ev.testSize);
  const accuracy =
    `Test accuracy ${pct(ev.accuracy)}: the model named the right class for ${right} of ${ev.testSize} test images it had never seen. ` +
    `Guessing at random would score about ${pct(chance)} (${classes} classes), so ${ev.accuracy > chance ? `it does ${Math.round((ev.accuracy - chance) * 100)} points better than chance` : 'it is no better than chance'}.`;
  const loss = Number.isFinite(ev.loss)
    ? `Test loss ${ev.loss.toFixed(3)} (cross-entropy) measures how much probability the model gave to the right class: 0 means always right and fully sure; lower is better. Accuracy only counts right answers, loss also punishes unsure and confidently wrong ones.`
    : 'The test loss is not a number: training diverged. Lower the learning rate on the Train node.';
  const curves =
    'Training curves: the "train" line is measured on the images the model learns from, the "validation" line on images held back while training. ' +
    'Both improving together means it is learning; train still improving while validation stalls or gets worse means it is memorising its training images (overfitting).';

  const diagnoses: Diagnosis[] = [];
  const last = lastWithValidation(result.epochs, result.keptEpoch);
  const trainAcc = last?.accuracy ?? null;
  const valAcc = last?.valAccuracy ?? null;
  if (trainAcc !== null && valAcc !== null && trainAcc - valAcc >= 0.15) {
    diagnoses.push({
      kind: 'overfitting',
      title: 'Overfitting',
      text: `Training accuracy ${pct(trainAcc)} is far above validation accuracy ${pct(valAcc)}: the model memorises its training images instead of learning what the classes look like.`,
      node: graph.hasAugment ? 'augment' : 'trainer',
      nodeAdvice: graph.hasAugment
        ? 'Make Augment Data stronger (more rotation, zoom, colour change), train fewer epochs on Train, or raise the dropout on Add Head.'
        : 'Add an Augment Data node between Dataset and Train, train fewer epochs (or set early stopping) on Train, or raise the dropout on Add Head.',
    });
  } else if (trainAcc !== null && trainAcc < Math.max(0.7, chance + 0.25)) {
    diagnoses.push({
      kind: 'underfitting',
      title: 'Underfitting',
      text: `Even on its own training images the model only reaches ${pct(trainAcc)}${valAcc !== null ? ` (validation ${pct(valAcc)})` : ''}: it has not learned the classes yet.`,
      node: 'trainer',
      nodeAdvice: 'Train more epochs or with a larger learning rate on Train; if that is not enough, freeze fewer layers on Freeze Layers or add a hidden layer on Add Head.',
    });
  }
  if (ev.testSize > 0 && ev.accuracy <= chance + 0.05) {
    diagnoses.push({
      kind: 'near-chance',
      title: 'No better than guessing',
      text: `Test accuracy ${pct(ev.accuracy)} is about what random guessing gets (${pct(chance)}).`,
      node: 'model',
      nodeAdvice: 'Check that Input scaling on Pretrained Model matches the model, and that the learning rate on Train is not far too large.',
    });
  }
  if (ev.testSize > 0) {
    const points = trustworthyDifferencePoints(ev.accuracy, ev.testSize);
    diagnoses.push({
      kind: 'uncertainty',
      title: 'How much to trust the number',
      text: `Each test image is worth ${(100 / ev.testSize).toFixed(1)} points here. ${ev.testSize} is too few test images to trust a difference below ${points} points between two runs: a smaller difference may be luck.`,
      node: 'dataset',
      nodeAdvice: points > 5 ? 'More test images make the number trustworthy: use more images per class, or a larger Test split on Dataset.' : null,
    });
  }
  if (!diagnoses.some((d) => d.kind === 'overfitting' || d.kind === 'underfitting' || d.kind === 'near-chance')) {
    diagnoses.unshift({
      kind: 'healthy',
      title: 'Looks healthy',
      text: 'Training and validation accuracy are close and well above chance: the model learned the classes rather than memorising images.',
      node: null,
      nodeAdvice: null,
    });
  }
  return { accuracy, loss, curves, diagnoses };
}
