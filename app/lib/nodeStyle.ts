/** Visual vocabulary shared by palette, nodes and inspector. */
import type { NodeCategory, NodeDefinition, PortDef } from '@/nodes/core/types';
import { PORT_TYPES } from '@/nodes/core/types';
import type { GraphNode } from '@/nodes/core/graph';
import { cardSummary } from '@/nodes/core/params';

/** `color` marks things (stripes, dots); `text` is the same hue dark enough for text (≥ 4.5:1 on white). */
export const CATEGORY_STYLE: Record<NodeCategory, { label: string; color: string; text: string; soft: string }> = {
  data: { label: 'Data', color: '#2f9e44', text: '#237032', soft: '#ebfbee' },
  model: { label: 'Model', color: '#1c7ed6', text: '#1864ab', soft: '#e7f5ff' },
  training: { label: 'Training', color: '#7048e8', text: '#5f3dc4', soft: '#f3f0ff' },
  evaluation: { label: 'Evaluation', color: '#e8590c', text: '#b8480a', soft: '#fff4e6' },
};


export function displayName(node: GraphNode, def: NodeDefinition | undefined): string {
  return node.label?.trim() || def?.title || node.type;
}

/** Accessible name of a handle, e.g. "Train input Data (dataset)". */
export function handleLabel(nodeName: string, direction: 'input' | 'output', port: PortDef): string {
  return `${nodeName} ${direction} ${port.label} (${PORT_TYPES[port.type].label})`;
}

/**
 * One short line of the node's key params (each definition's `cardParams` picks them; see `cardSummary`).
 * `nameOf` turns ids into names (dataset name, model title).
 */
export function paramSummary(
  node: GraphNode,
  def: NodeDefinition | undefined,
  maxItems = 3,
  nameOf?: (key: string, value: unknown) => string | null,
): string {
  return def ? cardSummary(def, node.params, maxItems, nameOf) : '';
}

/** Human names for enum options in the generated forms (the stored values stay the same). */
const OPTION_LABELS: Record<string, Record<string, string>> = {
  'pretrained-model.inputScaling': { auto: 'Automatic (from the model)', minus1to1: '[-1, 1] (MobileNet)', zero1: '[0, 1]', raw255: '0–255 (raw pixels)' },
  'pretrained-model.source': { catalog: 'Catalog', url: 'URL', upload: 'Uploaded model' },
};

export function optionLabel(nodeType: string, param: string, value: unknown): string {
  return OPTION_LABELS[`${nodeType}.${param}`]?.[String(value)] ?? String(value);
}

/** A marker colour darkened by 30% for text (port types on cards: ≥ 5.5:1 on white for every port colour). */
export function textColorOf(hex: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  const ch = (shift: number) => Math.floor(((n >> shift) & 255) * 0.7).toString(16).padStart(2, '0');
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}
