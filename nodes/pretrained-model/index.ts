import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const pretrainedModelNode = defineNode({
  type: 'pretrained-model',
  title: 'Pretrained Model',
  category: 'model',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [],
  outputs: [{ id: 'model', label: 'Model', type: 'model' }],
  params: z.object({}),
  compile: () => null,
});
