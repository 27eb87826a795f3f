/**
 * Pure helpers behind the Hyperparameter Tune inspector and the trials table: which nodes/params can be searched,
 * parsing typed value lists, sensible default dimensions, and turning a trial into plain graph edits ("Promote").
 * No React, no tfjs.
 */
import type { GraftGraph, GraphNode } from '../core/graph';
import type { TuneDimension } from '../core/plan';
import { paramFields, type ParamField } from '../core/params';
import { getNodeDefinition } from '../registry';
import { parseDimensionKey, type ParamValue, type TrialConfig } from './search';

export const TUNE_NODE_TYPE = 'hyperparameter-tune';
export const TRAIN_NODE_TYPE = 'train';

/** Every node upstream of `nodeId` (its ancestors along edges), nearest first. */
export function upstreamNodeIds(graph: GraftGraph, nodeId: string): string[] {
  const out: string[] = [];
  const seen = new Set([nodeId]);
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of graph.edges) {
        if (e.target === id && !seen.has(e.source)) {
          seen.add(e.source);
          out.push(e.source);
          next.push(e.source);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** Params of a node the tuner may search: the definition's declared tunable params (numeric, enum, boolean). */
export function tunableFieldsOf(node: GraphNode): ParamField[] {
  const def = getNodeDefinition(node.type);
  if (!def) return [];
  const searchable = (f: ParamField) => f.kind === 'number' || f.kind === 'integer' || f.kind === 'enum' || f.kind === 'boolean';
  const fields = paramFields(def).filter(searchable);
  // Definitions that do not declare tunable params fall back to every visible simple param.
  return def.tunableParams ? fields.filter((f) => f.tunable) : fields.filter((f) => !f.hidden);
}

export interface SearchableNode {
  node: GraphNode;
  /** Display name: the node's label, else its type title (numbered when several share it). */
  name: string;
  fields: ParamField[];
}

/** The tune node itself and every upstream node with at least one tunable param, in a stable order. */
export function searchableNodes(graph: GraftGraph, tuneNodeId: string): SearchableNode[] {
  const ids = [tuneNodeId, ...upstreamNodeIds(graph, tuneNodeId)];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes = ids.map((id) => byId.get(id)).filter((n): n is GraphNode => n !== undefined);
  const titleCount = new Map<string, number>();
  for (const n of nodes) {
    const title = n.label || getNodeDefinition(n.type)?.title || n.type;
    titleCount.set(title, (titleCount.get(title) ?? 0) + 1);
  }
  return nodes
    .map((node) => {
      const title = node.label || getNodeDefinition(node.type)?.title || node.type;
      const name = (titleCount.get(title) ?? 0) > 1 ? `${title} (${node.id})` : title;
      return { node, name, fields: tunableFieldsOf(node) };
    })
    .filter((s) => s.fields.length > 0);
}

/** Current value of a node's param (raw graph params, else the schema default). */
export function currentParamValue(node: GraphNode, field: ParamField): unknown {
  return Object.prototype.hasOwnProperty.call(node.params, field.key) ? node.params[field.key] : field.default;
}

function niceNumber(v: number): number {
  return Number(v.toPrecision(3));
}

/** A reasonable first dimension for a field: enums/booleans list every option; numbers get a range around the
 * current value (log scale for log-scale params like the learning rate). */
export function defaultDimension(nodeId: string, field: ParamField, current: unknown): TuneDimension {
  if (field.kind === 'enum') return { nodeId, param: field.key, values: [...(field.options ?? [])] };
  if (field.kind === 'boolean') return { nodeId, param: field.key, values: [true, false] };
  const integer = field.kind === 'integer';
  const value = typeof current === 'number' && Number.isFinite(current) ? current : typeof field.default === 'number' ? field.default : 1;
  const clamp = (v: number) => Math.min(field.max ?? Infinity, Math.max(field.min ?? -Infinity, v));
  if (field.logScale && value > 0) {
    const min = clamp(niceNumber(value / 10));
    const max = clamp(niceNumber(value * 10));
    return { nodeId, param: field.key, range: { min, max, scale: 'log', steps: 3, ...(integer ? { integer } : {}) } };
  }
  if (integer) {
    const min = clamp(Math.max(field.min ?? 0, Math.round(value / 2)));
    const max = clamp(Math.max(min + 1, Math.round(value * 2)));
    // Powers-of-two-ish params (units, batch size) read best as explicit lists.
    if (value >= 8) return { nodeId, param: field.key, values: dedupeNumbers([min, value, max]) };
    return { nodeId, param: field.key, range: { min, max, scale: 'linear', steps: Math.min(4, max - min + 1), integer: true } };
  }
  const lo = field.min ?? 0;
  const hi = field.max ?? Math.max(1, value * 2);
  const min = niceNumber(clamp(value === 0 ? lo : Math.max(lo, value / 2)));
  const max = niceNumber(clamp(value === 0 ? Math.min(hi, lo + (hi - lo) / 2) : Math.min(hi, value * 1.5)));
  return { nodeId, param: field.key, range: { min, max: Math.max(min, max), scale: 'linear', steps: 3 } };
}

function dedupeNumbers(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Text for a values list, e.g. "0.001, 0.01". */
export function formatValues(values: readonly ParamValue[]): string {
  return values.map(String).join(', ');
}

/** Parse a comma-separated list typed by the user into values of the field's type. */
export function parseValuesText(text: string, field: ParamField | undefined): { values: ParamValue[]; error: string | null } {
  const tokens = text
    .split(/[,;\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.length === 0) return { values: [], error: 'Enter at least one value.' };
  const values: ParamValue[] = [];
  for (const token of tokens) {
    if (!field || field.kind === 'number' || field.kind === 'integer') {
      const n = Number(token);
      if (!Number.isFinite(n)) return { values, error: `"${token}" is not a number.` };
      if (field?.kind === 'integer' && !Number.isInteger(n)) return { values, error: `"${token}" is not a whole number.` };
      if (field?.min !== undefined && n < field.min) return { values, error: `${token} is below the minimum ${field.min}.` };
      if (field?.max !== undefined && n > field.max) return { values, error: `${token} is above the maximum ${field.max}.` };
      values.push(n);
    } else if (field.kind === 'boolean') {
      const t = token.toLowerCase();
      if (t !== 'true' && t !== 'false') return { values, error: `"${token}" must be true or false.` };
      values.push(t === 'true');
    } else if (field.kind === 'enum') {
      const option = (field.options ?? []).find((o) => String(o) === token);
      if (option === undefined) return { values, error: `"${token}" is not one of: ${(field.options ?? []).join(', ')}.` };
      values.push(option);
    } else {
      values.push(token);
    }
  }
  return { values, error: null };
}

/** Why a dimension does not fit the graph (node gone, param not tunable, value out of bounds), or null. */
export function dimensionGraphProblem(graph: GraftGraph, tuneNodeId: string, d: TuneDimension): string | null {
  const searchable = searchableNodes(graph, tuneNodeId).find((s) => s.node.id === d.nodeId);
  if (!searchable) return 'This node is not connected upstream of the tune node.';
  const field = searchable.fields.find((f) => f.key === d.param);
  if (!field) return `"${d.param}" cannot be searched on this node.`;
  if (d.range) {
    if (field.kind !== 'number' && field.kind !== 'integer') return 'A range needs a numeric parameter; list the values instead.';
    if (field.min !== undefined && d.range.min < field.min) return `The minimum is below the allowed ${field.min}.`;
    if (field.max !== undefined && d.range.max > field.max) return `The maximum is above the allowed ${field.max}.`;
  }
  return null;
}

/**
 * "Promote to Train node": make a trial's configuration the plain pipeline. The tune node becomes a Train node
 * (same id and position, so its wiring stays) with the tune node's training params plus the trial's values for
 * its own params; the trial's values for upstream nodes are written into those nodes' params.
 * Returns a new graph (the caller records it as one undoable edit).
 */
export function promoteTrialToTrain(graph: GraftGraph, tuneNodeId: string, config: TrialConfig): GraftGraph {
  const tuneNode = graph.nodes.find((n) => n.id === tuneNodeId);
  if (!tuneNode) throw new Error(`node ${tuneNodeId} is not in the graph`);
  const perNode = new Map<string, Record<string, ParamValue>>();
  for (const [key, value] of Object.entries(config)) {
    const { nodeId, param } = parseDimensionKey(key);
    const patch = perNode.get(nodeId) ?? {};
    patch[param] = value;
    perNode.set(nodeId, patch);
  }
  const trainDef = getNodeDefinition(TRAIN_NODE_TYPE);
  const trainKeys = new Set(trainDef ? Object.keys(trainDef.params.shape) : []);
  const nodes = graph.nodes.map((node) => {
    const patch = perNode.get(node.id);
    if (node.id === tuneNodeId && node.type === TUNE_NODE_TYPE) {
      const merged: Record<string, unknown> = { ...node.params, ...(patch ?? {}) };
      const params: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(merged)) if (trainKeys.has(k)) params[k] = v;
      const promoted: GraphNode = { id: node.id, type: TRAIN_NODE_TYPE, position: node.position, params };
      return promoted;
    }
    if (!patch) return node;
    return { ...node, params: { ...node.params, ...patch } };
  });
  return { ...graph, nodes };
}
