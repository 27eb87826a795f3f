/**
 * Problems with a dataset's *content* that the compiler cannot see (it never reads IndexedDB or DATASETS_DIR):
 * missing dataset, fewer than 2 classes, classes too small to split, imbalance. Pure: the inspector and the
 * canvas node compute the same messages from a class-count summary.
 */
import type { GraftGraph } from '../core/graph';
import { splitCounts, type ClassSplitCount } from './split';

/** One image each for training, validation and test. */
export const MIN_IMAGES_PER_CLASS = 3;
/** Largest class / smallest class above this → warning. */
export const IMBALANCE_RATIO = 3;
/** What the Train node uses when the graph has none connected yet. */
export const DEFAULT_VALIDATION_SPLIT = 0.15;

export interface DatasetContentSummary {
  /** False when the referenced dataset is gone (deleted, or stored in another browser). */
  exists: boolean;
  classes: Array<{ name: string; count: number }>;
  skippedCount: number;
}

export interface DatasetIssue {
  message: string;
  /** Which param the user should change (for locating the error in the inspector). */
  param?: string;
}

export interface DatasetReport {
  errors: DatasetIssue[];
  warnings: DatasetIssue[];
  /** Per class, in the summary's class order. Empty when the fractions are invalid. */
  split: Array<ClassSplitCount & { name: string }>;
}

export function datasetReport(
  summary: DatasetContentSummary,
  options: { testSplit: number; validationSplit: number; maxImagesPerClass?: number },
): DatasetReport {
  const cap = options.maxImagesPerClass ?? 0;
  if (cap > 0) summary = { ...summary, classes: summary.classes.map((c) => ({ name: c.name, count: Math.min(c.count, cap) })) };
  const errors: DatasetIssue[] = [];
  const warnings: DatasetIssue[] = [];
  if (!summary.exists) {
    errors.push({
      param: 'datasetId',
      message:
        'This dataset no longer exists in this browser (deleted, or the graph was made in another browser). Choose another dataset or upload the images again.',
    });
    return { errors, warnings, split: [] };
  }
  const withImages = summary.classes.filter((c) => c.count > 0);
  if (withImages.length < 2) {
    errors.push({
      param: 'datasetId',
      message:
        summary.classes.length < 2
          ? `A classifier needs at least 2 classes; this dataset has ${summary.classes.length}. Add another class.`
          : `A classifier needs at least 2 classes with images; only ${withImages.length} ha${withImages.length === 1 ? 's' : 've'} any. Add images.`,
    });
  }
  const tooSmall = summary.classes.filter((c) => c.count < MIN_IMAGES_PER_CLASS);
  if (tooSmall.length > 0) {
    const names = tooSmall.map((c) => `"${c.name}" (${c.count})`).join(', ');
    errors.push({
      param: 'datasetId',
      message: `Each class needs at least ${MIN_IMAGES_PER_CLASS} images (for training, validation and test). Too few: ${names}.`,
    });
  }
  if (withImages.length >= 2) {
    const counts = withImages.map((c) => c.count);
    const largest = Math.max(...counts);
    const smallest = Math.min(...counts);
    if (largest / smallest > IMBALANCE_RATIO) {
      const big = withImages.find((c) => c.count === largest)!;
      const small = withImages.find((c) => c.count === smallest)!;
      warnings.push({
        message: `Classes are imbalanced: "${big.name}" has ${largest} images, "${small.name}" only ${smallest} (${(largest / smallest).toFixed(1)}×). The model may favour the larger class; add images to the smaller one or cap "Max images per class".`,
      });
    }
  }
  if (summary.skippedCount > 0) {
    warnings.push({ message: `${summary.skippedCount} file${summary.skippedCount === 1 ? ' was' : 's were'} skipped (see "Skipped files").` });
  }
  let split: DatasetReport['split'] = [];
  try {
    const labels = summary.classes.flatMap((c, i) => Array<number>(c.count).fill(i));
    split = splitCounts(labels, options, summary.classes.length).map((s) => ({ ...s, name: summary.classes[s.label].name }));
  } catch {
    errors.push({ param: 'testSplit', message: 'The split fractions must be between 0 and 1.' });
  }
  return { errors, warnings, split };
}

/** The validation fraction the run will use for this dataset node (its own param; default when unset/invalid). */
export function validationSplitFor(graph: GraftGraph, datasetNodeId: string): number {
  const v = graph.nodes.find((n) => n.id === datasetNodeId)?.params.validationSplit;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1 ? v : DEFAULT_VALIDATION_SPLIT;
}
