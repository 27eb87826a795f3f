import { z } from 'zod';
import { defineNode } from '../core/types';
import type { FreezePlan, ModelValue } from '../core/plan';

export const freezeLayersParams = z
  .object({
    mode: z.enum(['all', 'firstN', 'upTo', 'none']).default('all').meta({
      title: 'Freeze',
      description:
        '"all" keeps the whole pretrained trunk fixed (fastest, best with little data); "firstN" freezes the first N layers; "upTo" freezes every layer up to and including a named layer; "none" fine-tunes everything.',
    }),
    count: z.number().int().min(0).max(10000).default(0).meta({
      title: 'Layers to freeze',
      description: 'How many layers, counted from the input, stay fixed (used when Freeze is "firstN").',
    }),
    upToLayer: z.string().max(200).default('').meta({
      title: 'Freeze up to layer',
      description: 'Name of the last layer to keep fixed (used when Freeze is "upTo").',
    }),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'upTo' && !p.upToLayer.trim()) {
      ctx.addIssue({ code: 'custom', path: ['upToLayer'], message: 'Enter the name of the last layer to freeze.' });
    }
  });

export const freezeLayersNode = defineNode({
  type: 'freeze-layers',
  title: 'Freeze Layers',
  category: 'model',
  summary: 'Keep some pretrained layers fixed so training only adjusts the rest.',
  explanation:
    'Freezing a layer means its weights are not changed during training. With a small dataset you usually freeze the whole pretrained trunk: ' +
    'its general features are already good, and letting millions of weights move on a few hundred images quickly overfits (the model memorises the ' +
    'training images) or destroys what was learned. Freezing is also much faster — Graft can compute the trunk\'s features once and train only the head. ' +
    'With more data, unfreezing the last layers ("fine-tuning", ideally with a small learning rate) can adapt the features to your images and gain accuracy.',
  inputs: [{ id: 'model', label: 'Model', type: 'model' }],
  outputs: [{ id: 'model', label: 'Model', type: 'model' }],
  params: freezeLayersParams,
  tunableParams: ['mode', 'count'],
  paramApplies: (param, p) => (param === 'count' ? p.mode === 'firstN' : param === 'upToLayer' ? p.mode === 'upTo' : true),
  cardParams: (p) => ['mode', p.mode === 'firstN' ? 'count' : p.mode === 'upTo' ? 'upToLayer' : ''],
  compile: ({ node, params, inputs, error }) => {
    const model = inputs.model as ModelValue | undefined;
    if (!model) return null;
    if (model.nodeIds.freeze) {
      error('The model is already frozen by another Freeze Layers node upstream; use only one.', { port: 'model' });
    }
    const freeze: FreezePlan =
      params.mode === 'firstN'
        ? { mode: 'firstN', count: params.count }
        : params.mode === 'upTo'
          ? { mode: 'upTo', layer: params.upToLayer.trim() }
          : { mode: params.mode };
    const value: ModelValue = { ...model, freeze, nodeIds: { ...model.nodeIds, freeze: node.id } };
    return { model: value };
  },
});
