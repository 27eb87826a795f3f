/** Visual vocabulary shared by palette, nodes and inspector. */
import type { NodeCategory, NodeDefinition, PortDef } from '@/nodes/core/types';
import { PORT_TYPES } from '@/nodes/core/types';
import type { GraphNode } from '@/nodes/core/graph';
import { cardSummary } from '@/nodes/core/params';

export const CATEGORY_STYLE: Record<NodeCategory, { label: string; color: string; soft: string }> = {
  data: { label: 'Data', color: '#2f9e44', soft: '#ebfbee' },
  model: { label: 'Model', color: '#1c7ed6', soft: '#e7f5ff' },
  training: { label: 'Training', color: '#7048e8', soft: '#f3f0ff' },
  evaluation: { label: 'Evaluation', color: '#e8590c', soft: '#fff4e6' },
};


export function displayName(node: GraphNode, def: NodeDefinition | undefined): string {
  return node.label?.trim() || def?.title || node.type;
}

/** Accessible name of a handle, e.g. "Train input Data (dataset)". */
export function handleLabel(nodeName: string, direction: 'input' | 'output', port: PortDef): string {
  return `${nodeName} ${direction} ${port.label} (${PORT_TYPES[port.type].label})`;
}

/** One short line of the node's key params (each definition's `cardParams` picks them; see `cardSummary`). */
export function paramSummary(node: GraphNode, def: NodeDefinition | undefined, maxItems = 3): string {
  return def ? cardSummary(def, node.params, maxItems) : '';
}
