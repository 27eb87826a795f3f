/** The palette's data: registered node types grouped by category, in registry order. Pure. */
import type { NodeCategory, NodeDefinition } from './core/types';
import { nodeDefinitions } from './registry';

export const CATEGORY_ORDER: readonly NodeCategory[] = ['data', 'model', 'training', 'evaluation'];

export function paletteSections(): Array<{ category: NodeCategory; definitions: NodeDefinition[] }> {
  return CATEGORY_ORDER.map((category) => ({ category, definitions: nodeDefinitions.filter((d) => d.category === category) })).filter(
    (s) => s.definitions.length > 0,
  );
}
