import { z } from 'zod';
import { defineNode, type ParamsMigration } from '../core/types';
import type { ClassifierValue, HeadPlan, ModelValue } from '../core/plan';

export const addHeadParams = z.object({
  pooling: z.enum(['gap', 'gmp', 'flatten']).default('gap').meta({
    title: 'Pooling',
    description:
      'How the trunk\'s feature map becomes one vector: global average pooling ("gap", robust, the usual choice), global max pooling ("gmp"), or flatten (keeps positions, many more weights).',
  }),
  hiddenLayers: z.number().int().min(0).max(3).default(1).meta({
    title: 'Hidden layers',
    description: 'Dense layers between the features and the output. 0 = a plain linear classifier; 1 is usually enough.',
  }),
  hiddenUnits: z.number().int().min(1).max(2048).default(64).meta({
    title: 'Hidden units',
    description: 'Neurons per hidden layer. More can fit more complex patterns but overfit small datasets.',
  }),
  activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid', 'selu']).default('relu').meta({
    title: 'Activation',
    description: 'Non-linearity of the hidden layers. ReLU is the standard choice.',
  }),
  dropout: z.number().min(0).max(0.9).default(0.2).meta({
    title: 'Dropout',
    description:
      'Fraction of hidden units randomly switched off at each training step. It stops the head relying on a few features and reduces overfitting.',
    step: 0.05,
  }),
  standardize: z.boolean().default(true).meta({
    title: 'Standardise features',
    description:
      'Rescale each trunk feature to mean 0 and standard deviation 1, measured on the training images only, before the head. Features on very different scales otherwise train unevenly; the rescaling is a fixed first layer of the model, so predictions, exports and shared models apply it too.',
  }),
  outputInit: z.enum(['zeros', 'glorot']).default('zeros').meta({
    title: 'Output layer starts at',
    description:
      'Initial weights of the output layer. "zeros": every class starts equally likely and training moves the scores only as far as the data says. "glorot": small random weights (Graft before December 2026).',
  }),
});

/** Params version 2 added `standardize` (default on) and `outputInit` (default zeros); graphs saved before keep
 * training as they did (no standardisation, random output layer). */
export const ADD_HEAD_PARAMS_VERSION = 2;
export const addHeadParamsMigrations: Record<number, ParamsMigration> = {
  2: (params) => ({ standardize: false, outputInit: 'glorot', ...params }),
};

export const addHeadNode = defineNode({
  type: 'add-head',
  title: 'Add Head',
  category: 'model',
  summary: 'Put a new classification layer (the head) on top of the trunk for your classes.',
  explanation:
    'The "head" is the small part of the network that turns the trunk\'s features into a prediction for each of your classes. ' +
    'The pretrained model\'s original head predicted its own classes (e.g. 1000 ImageNet categories), so we replace it with a fresh one: ' +
    'pooling to a feature vector, standardised with statistics of the training images, optionally a hidden dense layer with dropout, then one output per class with softmax probabilities. ' +
    'The number of outputs is taken from your dataset automatically. Training mostly (or only, if the trunk is frozen) adjusts this head.',
  inputs: [{ id: 'model', label: 'Trunk', type: 'model' }],
  outputs: [{ id: 'classifier', label: 'Classifier', type: 'classifier' }],
  params: addHeadParams,
  tunableParams: ['pooling', 'hiddenLayers', 'hiddenUnits', 'activation', 'dropout'],
  version: ADD_HEAD_PARAMS_VERSION,
  migrations: addHeadParamsMigrations,
  hiddenParams: ['outputInit'],
  cardParams: () => ['pooling', 'hiddenLayers', 'dropout'],
  compile: ({ node, params, inputs }) => {
    const model = inputs.model as ModelValue | undefined;
    if (!model) return null;
    const head: HeadPlan = { ...params };
    const value: ClassifierValue = { model, head, nodeIds: { ...model.nodeIds, head: node.id } };
    return { classifier: value };
  },
});
