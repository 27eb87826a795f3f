/**
 * The node registry: every node type Graft knows. Adding a node type = one folder under nodes/ + one line here.
 * Pure (no React, no tfjs): the compiler and Node tests import it.
 */
import type { NodeDefinition } from './core/types';
import { datasetNode } from './dataset';
import { pretrainedModelNode } from './pretrained-model';
import { freezeLayersNode } from './freeze-layers';
import { addHeadNode } from './add-head';
import { augmentDataNode } from './augment-data';
import { trainNode } from './train';
import { hyperparameterTuneNode } from './hyperparameter-tune';
import { evaluateNode } from './evaluate';

export const nodeDefinitions: readonly NodeDefinition[] = [
  datasetNode,
  pretrainedModelNode,
  freezeLayersNode,
  addHeadNode,
  augmentDataNode,
  trainNode,
  hyperparameterTuneNode,
  evaluateNode,
] as unknown as readonly NodeDefinition[];

const byType = new Map(nodeDefinitions.map((d) => [d.type, d]));

export function getNodeDefinition(type: string): NodeDefinition | undefined {
  return byType.get(type);
}
