import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const evaluateNode = defineNode({
  type: 'evaluate',
  title: 'Evaluate',
  category: 'evaluation',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [{ id: 'trained', label: 'Trained model', type: 'trained' }],
  outputs: [],
  params: z.object({}),
  compile: () => null,
});
