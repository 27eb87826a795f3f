import { z } from 'zod';
import { defineNode } from '../core/types';

// STUB: params, explanation and compile step to be completed.
export const freezeLayersNode = defineNode({
  type: 'freeze-layers',
  title: 'Freeze Layers',
  category: 'model',
  summary: 'TODO',
  explanation: 'TODO',
  inputs: [{ id: 'model', label: 'Model', type: 'model' }],
  outputs: [{ id: 'model', label: 'Model', type: 'model' }],
  params: z.object({}),
  compile: () => null,
});
