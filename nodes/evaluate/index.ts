import { z } from 'zod';
import { defineNode } from '../core/types';
import type { EvaluatePlan } from '../core/plan';

export const evaluateParams = z.object({
  misclassifiedCount: z.number().int().min(0).max(64).default(8).meta({
    title: 'Mistakes to show',
    description: 'How many wrongly classified test images to show (the most confident mistakes first). They often reveal label errors or confusing classes.',
  }),
});

export function evaluatePlanFromParams(p: z.infer<typeof evaluateParams>): EvaluatePlan {
  return { misclassifiedCount: p.misclassifiedCount };
}

export const evaluateNode = defineNode({
  type: 'evaluate',
  title: 'Evaluate',
  category: 'evaluation',
  summary: 'Measure the trained model on the held-out test images: accuracy, per-class scores, confusion matrix.',
  explanation:
    'Evaluation runs the trained model on the test images it never saw during training or tuning, which is the honest measure of how it will do on new images. ' +
    'Accuracy is the share of test images classified correctly. Per class, precision answers "when the model says cat, how often is it right?" and recall ' +
    'answers "of all the real cats, how many did it find?"; F1 combines both. The confusion matrix shows which classes get mixed up with which, and the ' +
    'most confident mistakes often reveal mislabelled or ambiguous images.',
  inputs: [{ id: 'trained', label: 'Trained model', type: 'trained' }],
  outputs: [],
  params: evaluateParams,
  role: 'evaluator',
  evaluatePlan: evaluatePlanFromParams,
  cardParams: () => ['misclassifiedCount'],
  runSummary: (_params, outcome) => (outcome.testAccuracy === null ? 'no test accuracy' : `test accuracy ${(outcome.testAccuracy * 100).toFixed(1)}%`),
  compile: () => ({}),
});
