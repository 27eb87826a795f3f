/**
 * The node registry: every node type Graft knows. Adding a node type = one folder under nodes/ + one line here
 * (+ one line in nodes/ui/registry.ts if it has a custom inspector). Everything else — palette, compiler,
 * "View code", problems, card summary, run summary — reads the definition. Pure (no React, no tfjs).
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

const definitions: NodeDefinition[] = [
  datasetNode,
  pretrainedModelNode,
  freezeLayersNode,
  addHeadNode,
  augmentDataNode,
  trainNode,
  hyperparameterTuneNode,
  evaluateNode,
] as unknown as NodeDefinition[];

/** Every registered node type, in palette order (a live view: `registerNodeType` appends). */
export const nodeDefinitions: readonly NodeDefinition[] = definitions;

const byType = new Map(definitions.map((d) => [d.type, d]));

/** Add a node type at run time (plugins, tests). Types are unique. */
export function registerNodeType(def: NodeDefinition): void {
  if (byType.has(def.type)) throw new Error(`Node type "${def.type}" is already registered.`);
  definitions.push(def);
  byType.set(def.type, def);
}

/** Remove a node type added with `registerNodeType` (tests clean up after themselves). */
export function unregisterNodeType(type: string): void {
  const index = definitions.findIndex((d) => d.type === type);
  if (index >= 0) definitions.splice(index, 1);
  byType.delete(type);
}

export function getNodeDefinition(type: string): NodeDefinition | undefined {
  return byType.get(type);
}
