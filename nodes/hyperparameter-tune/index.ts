import { z } from 'zod';
import { defineNode } from '../core/types';
import type { ClassifierValue, DatasetValue, TuneDimension, TunePlan } from '../core/plan';
import {
  checkEarlyStopping,
  TRAIN_PARAMS_VERSION,
  TRAIN_TUNABLE_PARAMS,
  trainParamsMigrations,
  trainParamsShape,
  trainPlanFromParams,
  trainedValue,
  trainRunSummary,
} from '../train';

export const TuneDimensionSchema = z.object({
  nodeId: z.string().max(64),
  param: z.string().max(64),
  values: z.array(z.union([z.number(), z.string().max(200), z.boolean()])).max(100).optional(),
  range: z
    .object({
      min: z.number(),
      max: z.number(),
      scale: z.enum(['linear', 'log']).default('linear'),
      steps: z.number().int().min(1).max(100).default(4),
      integer: z.boolean().optional(),
    })
    .optional(),
});

export const hyperparameterTuneParams = z
  .object({
    ...trainParamsShape,
    strategy: z.enum(['grid', 'random', 'halving']).default('random').meta({
      title: 'Search strategy',
      description:
        '"grid" tries every combination; "random" samples combinations (usually finds good settings with fewer trials); "halving" starts many trials for a few epochs and keeps training only the best half, round after round.',
    }),
    maxTrials: z.number().int().min(1).max(200).default(16).meta({
      title: 'Max trials',
      description: 'Upper limit on how many configurations are trained.',
    }),
    maxMinutes: z.number().min(0.5).max(240).default(10).meta({
      title: 'Time budget (minutes)',
      description: 'The search stops starting new trials after this long and keeps the best one found so far.',
      step: 0.5,
    }),
    tuneSeed: z.number().int().default(0).meta({
      title: 'Search seed',
      description: 'Random seed for sampling configurations, so a search can be repeated exactly.',
    }),
    metric: z.enum(['val_accuracy', 'val_loss']).default('val_accuracy').meta({
      title: 'Optimise',
      description:
        'Which validation score picks the winner: highest validation accuracy or lowest validation loss. The test split is never used for choosing, so the final test score stays honest.',
    }),
    dimensions: z.array(TuneDimensionSchema).max(20).default([]).meta({
      title: 'Search space',
      description: 'Which params of which nodes to vary, each with a list of values or a numeric range.',
    }),
  });

export const hyperparameterTuneNode = defineNode({
  type: 'hyperparameter-tune',
  title: 'Hyperparameter Tune',
  category: 'training',
  summary: 'Train several configurations (learning rate, head size, …) and keep the best one.',
  explanation:
    'Hyperparameters are the settings you choose rather than learn — learning rate, batch size, number of hidden units, dropout, how many layers to freeze. ' +
    'Good values depend on the data, so instead of guessing, this node trains one model per configuration (a trial) and compares them on the validation split, ' +
    'then keeps the best. Pick what to vary in the search space; random search usually finds good settings faster than trying every combination, and ' +
    'successive halving stops unpromising trials early. The final test accuracy is measured once, on the winner only, so it is still an honest estimate.',
  role: 'trainer',
  cardParams: () => ['strategy', 'maxTrials', 'dimensions'],
  runSummary: trainRunSummary,
  version: TRAIN_PARAMS_VERSION,
  migrations: trainParamsMigrations,
  inputs: [
    { id: 'data', label: 'Data', type: 'dataset' },
    { id: 'classifier', label: 'Classifier', type: 'classifier' },
  ],
  outputs: [{ id: 'trained', label: 'Best model', type: 'trained' }],
  params: hyperparameterTuneParams,
  hiddenParams: ['dimensions'],
  // Adam has no momentum setting; SGD and RMSprop use it.
  paramApplies: (param, p) => param !== 'momentum' || p.optimizer !== 'adam',
  tunableParams: TRAIN_TUNABLE_PARAMS,
  compile: ({ node, params, inputs, error }) => {
    const data = inputs.data as DatasetValue | undefined;
    const classifier = inputs.classifier as ClassifierValue | undefined;
    if (!data || !classifier) return null;
    if (data.validationSplit === 0) error('Tuning compares trials on the validation split: set it above 0 on the Dataset node.');
    checkEarlyStopping(params.earlyStoppingPatience, data, error);
    // Dimensions are checked against the graph (upstream nodes, their schemas) and normalised by the compiler.
    const dimensions: TuneDimension[] = params.dimensions.map((d) => {
      const dim: TuneDimension = { nodeId: d.nodeId, param: d.param };
      if (d.values) dim.values = [...d.values];
      if (d.range) dim.range = { ...d.range };
      return dim;
    });
    const tune: TunePlan = {
      strategy: params.strategy,
      maxTrials: params.maxTrials,
      maxMinutes: params.maxMinutes,
      seed: params.tuneSeed,
      metric: params.metric,
      dimensions,
    };
    return { trained: { ...trainedValue(node.id, data, classifier, trainPlanFromParams(params, data)), tune } };
  },
});
