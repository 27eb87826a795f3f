import { z } from 'zod';
import { defineNode } from '../core/types';
import type { DatasetValue } from '../core/plan';

/** `builtin:<name>`, `dir:<folder>`, `local:<id>` or `shared:<id>`. */
export const DATASET_ID_PATTERN = /^(builtin|dir|local|shared):[^\s].*$/;

export const datasetParams = z
  .object({
    datasetId: z.string().max(300).default('builtin:shapes-target').meta({
      title: 'Dataset',
      description:
        'Which labelled images to use: one of Graft\'s built-in sets, a class-folder dataset on the server, or images you uploaded. Each class is one folder / label.',
    }),
    testSplit: z.number().min(0.05).max(0.5).default(0.2).meta({
      title: 'Test split',
      description:
        'Fraction of every class kept aside for the final test. The model never sees these images while training, so the test accuracy is an honest estimate of how it does on new images.',
      step: 0.05,
    }),
    validationSplit: z.number().min(0).max(0.5).default(0.15).meta({
      title: 'Validation split',
      description:
        'Fraction of the remaining (non-test) images of every class held back to check progress after every epoch (validation loss/accuracy). It reveals overfitting: training accuracy keeps rising while validation accuracy stalls. Early stopping and tuning need it.',
      step: 0.05,
    }),
    splitSeed: z.number().int().default(42).meta({
      title: 'Split seed',
      description: 'Random seed for choosing the test images. Keep it fixed to compare runs on exactly the same test set.',
    }),
    maxImagesPerClass: z.number().int().min(0).max(100000).default(0).meta({
      title: 'Max images per class',
      description: 'Use at most this many images of each class (0 = all). Smaller is faster; handy for quick experiments.',
    }),
  })
  .superRefine((p, ctx) => {
    if (!p.datasetId.trim()) {
      ctx.addIssue({ code: 'custom', path: ['datasetId'], message: 'Choose a dataset.' });
    } else if (!DATASET_ID_PATTERN.test(p.datasetId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['datasetId'],
        message: `Unknown dataset "${p.datasetId}": expected builtin:…, dir:…, local:… or shared:….`,
      });
    }
  });

export const datasetNode = defineNode({
  type: 'dataset',
  title: 'Dataset',
  category: 'data',
  summary: 'Labelled images to learn from, split into training and held-out test images.',
  explanation:
    'Every supervised model learns from examples: here, images sorted into classes (one folder or label per class, e.g. "cat" and "dog"). ' +
    'This node picks the images and sets aside a stratified test split — a fixed fraction of every class that is never used for training — ' +
    'so that the accuracy reported at the end measures how well the model handles images it has never seen, not how well it memorised. ' +
    'A few dozen images per class are enough for transfer learning because the pretrained model already knows general visual features.',
  inputs: [],
  outputs: [{ id: 'data', label: 'Images', type: 'dataset' }],
  params: datasetParams,
  // The custom inspector picks/uploads the dataset and edits the split next to the per-class counts.
  hiddenParams: ['datasetId', 'testSplit', 'validationSplit'],
  tunableParams: ['maxImagesPerClass'],
  cardParams: () => ['datasetId', 'testSplit'],
  compile: ({ node, params }) => {
    const value: DatasetValue = {
      datasetId: params.datasetId,
      testSplit: params.testSplit,
      validationSplit: params.validationSplit,
      splitSeed: params.splitSeed,
      maxImagesPerClass: params.maxImagesPerClass,
      augment: null,
      nodeIds: { dataset: node.id },
    };
    return { data: value };
  },
});
