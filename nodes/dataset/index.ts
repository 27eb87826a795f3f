import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const datasetNode = defineNode({
  type: 'dataset',
  title: 'Dataset',
  category: 'data',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [],
  outputs: [{ id: 'data', label: 'Images', type: 'dataset' }],
  params: z.object({}),
  compile: () => null,
});
