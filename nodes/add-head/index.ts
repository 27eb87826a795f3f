import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const addHeadNode = defineNode({
  type: 'add-head',
  title: 'Add Head',
  category: 'model',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [{ id: 'model', label: 'Trunk', type: 'model' }],
  outputs: [{ id: 'classifier', label: 'Classifier', type: 'classifier' }],
  params: z.object({}),
  compile: () => null,
});
