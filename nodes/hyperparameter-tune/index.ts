import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const hyperparameterTuneNode = defineNode({
  type: 'hyperparameter-tune',
  title: 'Hyperparameter Tune',
  category: 'training',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [{ id: 'data', label: 'Data', type: 'dataset' }, { id: 'classifier', label: 'Classifier', type: 'classifier' }],
  outputs: [{ id: 'trained', label: 'Best model', type: 'trained' }],
  params: z.object({}),
  compile: () => null,
});
