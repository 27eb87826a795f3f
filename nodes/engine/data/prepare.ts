/** Data seam, step 1: open the dataset and split it (the one split implementation in nodes/dataset/split.ts). */
import type { ImageSource, EngineHost } from '../host';
import { RunError } from '../types';
import type { RunContext } from '../context';
import { splitDataset } from '../../dataset/split';
import { splitFingerprint } from '../../dataset/fingerprint';
import { locateError } from '../errors';

export interface PreparedData {
  source: ImageSource;
  labels: string[];
  /** Item indices (into source.items) per split, ascending. */
  train: number[];
  validation: number[];
  test: number[];
  /** Short hash of the test-set file identities (RunResult.splitFingerprint). */
  fingerprint: string;
}

export async function prepareData(ctx: RunContext, host: EngineHost): Promise<PreparedData> {
  const { plan } = ctx;
  const datasetNode = plan.nodeIds.dataset;
  ctx.setNode(datasetNode, 'running', 'Opening images');
  let source: ImageSource;
  try {
    source = await host.openDataset(plan.dataset.datasetId);
  } catch (error) {
    throw locateError(error, datasetNode, 'dataset', `Could not open dataset "${plan.dataset.datasetId}"`);
  }
  ctx.checkCancelled();

  const labelsPerItem = source.items.map((item) => item.label);
  const classesWithImages = [...new Set(labelsPerItem)];
  if (classesWithImages.length < 2) {
    const found = classesWithImages.map((l) => `"${source.labels[l]}"`).join(', ') || 'none';
    throw new RunError(
      `A classifier needs at least 2 classes (one sub-folder per class) with images; this dataset has ` +
        `${classesWithImages.length} (${found}). Add another class of images.`,
      'too-few-classes',
      datasetNode,
    );
  }

  let split;
  try {
    split = splitDataset(labelsPerItem, {
      maxImagesPerClass: plan.dataset.maxImagesPerClass,
      testSplit: plan.dataset.testSplit,
      validationSplit: plan.train.validationSplit,
      seed: plan.dataset.splitSeed,
    });
  } catch (error) {
    throw locateError(error, datasetNode, 'dataset', 'Could not split the dataset');
  }
  if (split.train.length === 0) {
    throw new RunError('No images left for training after the test/validation split.', 'dataset', datasetNode);
  }
  const data: PreparedData = {
    source,
    labels: source.labels,
    train: split.train,
    validation: split.validation,
    test: split.test,
    fingerprint: splitFingerprint(split.test.map((i) => source.items[i].name)),
  };
  const skippedNote = source.skipped.length ? `, ${source.skipped.length} files skipped` : '';
  ctx.setNode(
    datasetNode,
    'done',
    `${split.used.length} images in ${source.labels.length} classes: ${data.train.length} train / ` +
      `${data.validation.length} validation / ${data.test.length} test${skippedNote}`,
  );
  return data;
}
