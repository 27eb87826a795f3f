import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const augmentDataNode = defineNode({
  type: 'augment-data',
  title: 'Augment Data',
  category: 'data',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [{ id: 'data', label: 'Images', type: 'dataset' }],
  outputs: [{ id: 'data', label: 'Augmented', type: 'dataset' }],
  params: z.object({}),
  compile: () => null,
});
