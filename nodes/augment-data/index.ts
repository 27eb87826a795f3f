import { z } from 'zod';
import { defineNode } from '../core/types';
import type { AugmentPlan, DatasetValue } from '../core/plan';

const strength = (title: string, description: string, dflt: number) =>
  z.number().min(0).max(1).default(dflt).meta({ title, description, step: 0.05 });

export const augmentDataParams = z.object({
  flipHorizontal: z.boolean().default(true).meta({
    title: 'Flip left–right',
    description: 'Randomly mirror images horizontally. Safe for most photos; avoid when left/right matters (e.g. text, arrows).',
  }),
  flipVertical: z.boolean().default(false).meta({
    title: 'Flip upside down',
    description: 'Randomly flip images vertically. Only for images without a natural "up" (microscopy, satellite, textures).',
  }),
  rotation: strength('Rotation', 'How much to randomly rotate (1 = up to ±45°).', 0.1),
  zoom: strength('Zoom', 'How much to randomly zoom in or out (1 = up to ±40%).', 0.15),
  translate: strength('Shift', 'How much to randomly shift the image (1 = up to ±30% of its size).', 0.1),
  brightness: strength('Brightness', 'How much to randomly brighten or darken.', 0.2),
  contrast: strength('Contrast', 'How much to randomly change contrast.', 0.15),
  noise: strength('Noise', 'How much random pixel noise to add.', 0),
  seed: z.number().int().default(7).meta({
    title: 'Seed',
    description: 'Random seed for the augmentations, so runs are reproducible.',
  }),
  cachedViews: z.number().int().min(1).max(16).default(4).meta({
    title: 'Cached views per image',
    description:
      'When the trunk is frozen Graft precomputes features for this many augmented versions of each training image. More views = more variety but a slower start.',
  }),
});

export const augmentDataNode = defineNode({
  type: 'augment-data',
  title: 'Augment Data',
  category: 'data',
  summary: 'Randomly flip, rotate, zoom, shift and recolour training images to get more variety.',
  explanation:
    'Data augmentation creates slightly altered copies of the training images — mirrored, rotated a little, zoomed, shifted, brighter or darker. ' +
    'The label stays the same, so the model learns that these changes do not matter, which makes it more robust and reduces overfitting, ' +
    'especially with small datasets. Only training images are augmented; validation and test images stay untouched so the scores remain honest. ' +
    'Keep strengths modest: too strong and the images stop looking like the real ones (e.g. flipping digits changes their meaning).',
  inputs: [{ id: 'data', label: 'Images', type: 'dataset' }],
  outputs: [{ id: 'data', label: 'Augmented', type: 'dataset' }],
  params: augmentDataParams,
  tunableParams: ['flipHorizontal', 'flipVertical', 'rotation', 'zoom', 'translate', 'brightness', 'contrast', 'noise', 'cachedViews'],
  compile: ({ node, params, inputs, error }) => {
    const data = inputs.data as DatasetValue | undefined;
    if (!data) return null;
    if (data.augment) {
      error('These images are already augmented by another Augment Data node upstream; use only one.', { port: 'data' });
    }
    const augment: AugmentPlan = { ...params };
    const value: DatasetValue = { ...data, augment, nodeIds: { ...data.nodeIds, augment: node.id } };
    return { data: value };
  },
});
