import { z } from 'zod';
import { defineNode, type ParamsMigration } from '../core/types';
import type { ClassifierValue, DatasetValue, RunOutcome, TrainPlan, TrainedValue } from '../core/plan';

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
  earlyStoppingPatience: z.number().int().min(0).max(100).default(10).meta({
    title: 'Early stopping patience',
    description:
      'Stop when the validation loss has not improved for this many epochs in a row (0 = off). Training then ends with the weights of its best epoch — also when it runs out of epochs — so a longer patience never keeps an overfitted model. Needs a validation split (set on the Dataset node).',
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

export const trainParams = z.object(trainParamsShape);

/** Params version 2: `validationSplit` moved to the Dataset node (graph format 2 moves the value). */
export const TRAIN_PARAMS_VERSION = 2;
export const trainParamsMigrations: Record<number, ParamsMigration> = {
  2: ({ validationSplit: _movedToDataset, ...rest }) => rest,
};

/** Early stopping watches the validation loss, which the Dataset node's validation split provides. */
export function checkEarlyStopping(patience: number, data: DatasetValue, error: (message: string, where?: { param?: string }) => void): void {
  if (patience > 0 && data.validationSplit === 0) {
    error('Early stopping watches the validation loss: set a validation split above 0 on the Dataset node (or patience to 0).', {
      param: 'earlyStoppingPatience',
    });
  }
}

export function trainPlanFromParams(p: z.infer<typeof trainParams>, data: Pick<DatasetValue, 'validationSplit'>): TrainPlan {
  return {
    optimizer: p.optimizer,
    learningRate: p.learningRate,
    momentum: p.momentum,
    batchSize: p.batchSize,
    epochs: p.epochs,
    validationSplit: data.validationSplit,
    earlyStoppingPatience: p.earlyStoppingPatience,
    seed: p.seed,
    backend: p.backend,
    featureCache: p.featureCache,
  };
}

/** Run summary line of a trainer: epochs run and the one kept (early stopping), and where it ran. */
export function trainRunSummary(_params: unknown, outcome: RunOutcome): string {
  const kept = outcome.keptEpoch !== null && outcome.keptEpoch !== outcome.epochsRun ? `, kept epoch ${outcome.keptEpoch}` : '';
  return `${outcome.epochsRun} epoch${outcome.epochsRun === 1 ? '' : 's'}${kept}${outcome.backend ? ` on ${outcome.backend}` : ''}`;
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
  role: 'trainer',
  cardParams: () => ['epochs', 'batchSize', 'learningRate'],
  runSummary: trainRunSummary,
  version: TRAIN_PARAMS_VERSION,
  migrations: trainParamsMigrations,
  tunableParams: TRAIN_TUNABLE_PARAMS,
  // Adam has no momentum setting; SGD and RMSprop use it.
  paramApplies: (param, p) => param !== 'momentum' || p.optimizer !== 'adam',
  compile: ({ node, params, inputs, error }) => {
    const data = inputs.data as DatasetValue | undefined;
    const classifier = inputs.classifier as ClassifierValue | undefined;
    if (!data || !classifier) return null;
    checkEarlyStopping(params.earlyStoppingPatience, data, error);
    return { trained: trainedValue(node.id, data, classifier, trainPlanFromParams(params, data)) };
  },
});
