/**
 * Custom inspectors by node type — the UI half of the node registry (nodes/registry.ts holds the pure definitions).
 * Kept apart so the compiler, the engine and the Web Worker never reach React: only the app imports this file.
 * A node type with a custom inspector adds one line here pointing into its folder.
 */
import type { InspectorLoader } from './types';

const inspectors = new Map<string, InspectorLoader>([
  ['dataset', () => import('../dataset/Inspector')],
  ['pretrained-model', () => import('../pretrained-model/Inspector')],
  ['freeze-layers', () => import('../freeze-layers/Inspector')],
  ['augment-data', () => import('../augment-data/Inspector')],
  ['hyperparameter-tune', () => import('../hyperparameter-tune/Inspector')],
]);

export function inspectorLoader(type: string): InspectorLoader | undefined {
  return inspectors.get(type);
}

/** Attach a custom inspector to a node type registered at run time (see `registerNodeType`). */
export function registerInspector(type: string, loader: InspectorLoader): void {
  inspectors.set(type, loader);
}
