/**
 * A node type that exists only for nodes/test/extra-node-type.test.ts: "Limit Images" caps the images per class
 * on the dataset path. It proves a node type's knowledge lives in its folder — palette, compiler, "View code",
 * problems and run summary pick it up from this definition alone, with no other file edited.
 */
import { z } from 'zod';
import { defineNode } from '../../core/types';
import type { DatasetValue } from '../../core/plan';

export const limitImagesNode = defineNode({
  type: 'test-limit-images',
  title: 'Limit Images',
  category: 'data',
  summary: 'Use at most this many images of every class (a test-only node type).',
  explanation:
    'Caps the number of images of each class that flow on to training and testing. Fewer images make a run faster ' +
    'and show how accuracy depends on the amount of data. This node type is registered only by a test, to check that ' +
    'adding a node type needs nothing but its folder.',
  inputs: [{ id: 'data', label: 'Images', type: 'dataset' }],
  outputs: [{ id: 'data', label: 'Fewer images', type: 'dataset' }],
  params: z.object({
    perClass: z.number().int().min(1).max(100000).default(10).meta({
      title: 'Images per class',
      description: 'Keep at most this many images of every class.',
    }),
  }),
  cardParams: () => ['perClass'],
  runSummary: (params, outcome) => `trained on at most ${params.perClass} images per class (${outcome.epochsRun} epochs)`,
  compile: ({ params, inputs, error }) => {
    const data = inputs.data as DatasetValue | undefined;
    if (!data) return null;
    if (params.perClass < 5) {
      error('Keep at least 5 images per class: the split needs some for training, validation and test.', { param: 'perClass' });
      return null;
    }
    return { data: { ...data, maxImagesPerClass: params.perClass } };
  },
});
