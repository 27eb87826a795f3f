import { z } from 'zod';
import { defineNode } from '../core/types';
import type { ClassifierValue, DatasetValue, TrainPlan, TrainedValue } from '../core/plan';

/** Training params; Hyperparameter Tune reuses this shape so a tuned run trains exactly like Train. */
export const trainParamsShape = {
  optimizer: z.enum(['adam', 'sgd', 'rmsprop']).default('adam').meta({
    title: 'Optimizer',
    description:
      'The rule that updates the weights from the gradients. Adam adapts the step size per weight and works well out of the box; SGD (with momentum) is simple and classic; RMSprop is in between.',
  }),
  learningRate: z.number().min(1e-6).max(1).default(0.001).meta({
    title: 'Learning rate',
    description:
      'How big each weight update is. Too high and the loss jumps around or explodes; too low and training crawls. 0.001 is a good start for Adam; use ~10× smaller when fine-tuning an unfrozen trunk.',
    logScale: true,
  }),
  momentum: z.number().min(0).max(0.999).default(0.9).meta({
    title: 'Momentum',
    description: 'For SGD only: how much of the previous update carries over, which smooths and speeds up training.',
    step: 0.01,
  }),
  batchSize: z.number().int().min(1).max(512).default(16).meta({
    title: 'Batch size',
    description: 'Images per weight update. Larger batches are faster per epoch and smoother; smaller ones add helpful noise and use less memory.',
  }),
  epochs: z.number().int().min(1).max(500).default(50).meta({
    title: 'Epochs',
    description:
      'How many times training goes through all training images (at most, when early stopping is on: it usually ends sooner).',
  }),
  validationSplit: z.number().min(0).max(0.5).default(0.15).meta({
    title: 'Validation split',
    description:
      'Fraction of the training images held back to check progress after every epoch (validation loss/accuracy). It reveals overfitting: training accuracy keeps rising while validation accuracy stalls.',
    step: 0.05,
  }),
  earlyStoppingPatience: z.number().int().min(0).max(100).default(5).meta({
    title: 'Early stopping patience',
    description:
      'Stop when the validation loss has not improved for this many epochs in a row and keep the best weights (0 = off). Prevents training on into overfitting. Needs a validation split.',
  }),
  seed: z.number().int().default(1).meta({
    title: 'Seed',
    description: 'Random seed for weight initialisation and shuffling, so runs are reproducible.',
  }),
  backend: z.enum(['auto', 'webgpu', 'webgl', 'wasm', 'cpu']).default('auto').meta({
    title: 'Backend',
    description: 'Where the maths runs. "auto" picks the fastest available: WebGPU, then WebGL, WebAssembly, plain CPU.',
  }),
  featureCache: z.enum(['auto', 'off']).default('auto').meta({
    title: 'Feature cache',
    description:
      'When the whole trunk is frozen its output never changes, so Graft computes each image\'s features once and trains only the head — much faster. "off" forces full forward passes every epoch.',
  }),
};

export const TRAIN_TUNABLE_PARAMS = ['optimizer', 'learningRate', 'momentum', 'batchSize', 'epochs', 'earlyStoppingPatience'];

export const trainParams = z.object(trainParamsShape).superRefine((p, ctx) => {
  if (p.earlyStoppingPatience > 0 && p.validationSplit === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['earlyStoppingPatience'],
      message: 'Early stopping watches the validation loss: set a validation split above 0 (or patience to 0).',
    });
  }
});

export function trainPlanFromParams(p: z.infer<typeof trainParams>): TrainPlan {
  return {
    optimizer: p.optimizer,
    learningRate: p.learningRate,
    momentum: p.momentum,
    batchSize: p.batchSize,
    epochs: p.epochs,
    validationSplit: p.validationSplit,
    earlyStoppingPatience: p.earlyStoppingPatience,
    seed: p.seed,
    backend: p.backend,
    featureCache: p.featureCache,
  };
}

/** The TrainedValue without tuning, shared by Train and Hyperparameter Tune. */
export function trainedValue(nodeId: string, data: DatasetValue, classifier: ClassifierValue, train: TrainPlan): TrainedValue {
  return {
    dataset: data,
    classifier,
    train,
    tune: null,
    nodeIds: { ...classifier.nodeIds, ...data.nodeIds, train: nodeId },
  };
}

export const trainNode = defineNode({
  type: 'train',
  title: 'Train',
  category: 'training',
  summary: 'Fit the classifier to the training images with an optimizer, batch size and epochs.',
  explanation:
    'Training shows the classifier batches of training images, measures how wrong its predictions are (the loss), and nudges the trainable weights ' +
    'to reduce it — one pass over all images is an epoch. A validation split, held back from training, is checked after each epoch: if training accuracy ' +
    'keeps climbing while validation accuracy stalls or drops, the model is overfitting (memorising rather than learning). Early stopping ends training ' +
    'when validation stops improving and keeps the best weights. The learning rate is the most important setting: too high diverges, too low crawls.',
  inputs: [
    { id: 'data', label: 'Data', type: 'dataset' },
    { id: 'classifier', label: 'Classifier', type: 'classifier' },
  ],
  outputs: [{ id: 'trained', label: 'Trained', type: 'trained' }],
  params: trainParams,
  tunableParams: TRAIN_TUNABLE_PARAMS,
  // Adam has no momentum setting; SGD and RMSprop use it.
  paramApplies: (param, p) => param !== 'momentum' || p.optimizer !== 'adam',
  compile: ({ node, params, inputs }) => {
    const data = inputs.data as DatasetValue | undefined;
    const classifier = inputs.classifier as ClassifierValue | undefined;
    if (!data || !classifier) return null;
    return { trained: trainedValue(node.id, data, classifier, trainPlanFromParams(params)) };
  },
});
