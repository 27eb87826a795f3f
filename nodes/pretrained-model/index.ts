import { z } from 'zod';
import { defineNode } from '../core/types';
import type { ModelSource, ModelValue } from '../core/plan';

/** A model URL must be http(s) (or site-relative) and point at a TensorFlow.js `model.json`. */
export function modelUrlProblem(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed) return 'Enter the URL of the model\'s model.json file.';
  let parsed: URL;
  try {
    parsed = new URL(trimmed, trimmed.startsWith('/') ? 'http://localhost' : undefined);
  } catch {
    return `"${trimmed}" is not a valid URL (expected https://…/model.json).`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'The model URL must start with http:// or https://.';
  }
  if (!parsed.pathname.toLowerCase().endsWith('.json')) {
    return 'The URL should point at a TensorFlow.js model.json file (…/model.json).';
  }
  return null;
}

export const pretrainedModelParams = z
  .object({
    source: z.enum(['catalog', 'url', 'upload']).default('catalog').meta({
      title: 'Source',
      description: 'Pick a model from Graft\'s catalog, load one from a URL (a TensorFlow.js model.json), or use one you uploaded.',
    }),
    catalogId: z.string().max(200).default('graft-shapes-cnn').meta({
      title: 'Catalog model',
      description:
        'Which pretrained network to start from. Small models (Graft shapes CNN, MobileNet 0.25) train fastest; bigger ones usually give better features for photos.',
    }),
    url: z.string().max(2000).default('').meta({
      title: 'Model URL',
      description: 'Address of a TensorFlow.js Layers model.json (used when Source is "url").',
    }),
    uploadId: z.string().max(200).default('').meta({
      title: 'Uploaded model',
      description: 'The model you uploaded (used when Source is "upload").',
    }),
    truncateAt: z.string().max(200).default('').meta({
      title: 'Cut at layer',
      description:
        'Name of the layer whose output becomes the image features; everything after it (the original classifier) is removed. Leave empty for the model\'s sensible default.',
    }),
    inputScaling: z.enum(['auto', 'minus1to1', 'zero1', 'raw255']).default('auto').meta({
      title: 'Input scaling',
      description:
        'How pixel values (0–255) are scaled before entering the network. It must match what the model was trained with; "auto" uses the catalog\'s known setting (else 0–1).',
    }),
  })
  .superRefine((p, ctx) => {
    if (p.source === 'catalog' && !p.catalogId.trim()) {
      ctx.addIssue({ code: 'custom', path: ['catalogId'], message: 'Choose a model from the catalog.' });
    }
    if (p.source === 'url') {
      const problem = modelUrlProblem(p.url);
      if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
    }
    if (p.source === 'upload' && !p.uploadId.trim()) {
      ctx.addIssue({ code: 'custom', path: ['uploadId'], message: 'Upload a model (model.json + weight files) first.' });
    }
  });

export const pretrainedModelNode = defineNode({
  type: 'pretrained-model',
  title: 'Pretrained Model',
  category: 'model',
  summary: 'A network already trained on many images, reused as a feature extractor (the trunk).',
  explanation:
    'Transfer learning starts from a network that someone already trained on a large image collection (e.g. MobileNet on ImageNet). ' +
    'Its early layers have learned general visual features — edges, textures, shapes, object parts — that are useful for almost any image task. ' +
    'We keep that "trunk" and cut off its original last layers (which predicted the old classes); the trunk turns each image into a compact feature vector. ' +
    'Starting from these learned features lets a new classifier reach good accuracy with far fewer images and much less training than starting from random weights.',
  inputs: [],
  outputs: [{ id: 'model', label: 'Model', type: 'model' }],
  params: pretrainedModelParams,
  // The custom inspector picks/uploads the model and the cut layer from the real layer table.
  hiddenParams: ['source', 'catalogId', 'url', 'uploadId', 'truncateAt'],
  cardParams: (p) => [p.source === 'url' ? 'url' : p.source === 'upload' ? 'uploadId' : 'catalogId', 'truncateAt'],
  compile: ({ node, params }) => {
    const source: ModelSource =
      params.source === 'url'
        ? { kind: 'url', url: params.url.trim() }
        : params.source === 'upload'
          ? { kind: 'upload', id: params.uploadId.trim() }
          : { kind: 'catalog', id: params.catalogId.trim() };
    const value: ModelValue = {
      source,
      truncateAt: params.truncateAt.trim(),
      inputScaling: params.inputScaling,
      weights: 'pretrained',
      freeze: { mode: 'none' },
      nodeIds: { model: node.id },
    };
    return { model: value };
  },
});
