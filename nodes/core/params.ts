/**
 * Node params: parsing raw (possibly invalid) params through a node's zod schema with friendly, per-param errors,
 * and form field descriptors derived from the schema. Used by the compiler and by the UI inspector.
 * Pure (zod only).
 */
import { z } from 'zod';
import type { NodeDefinition } from './types';
import type { GraphNode } from './graph';

export interface ParamError {
  param: string;
  message: string;
}

export interface ParsedParams<P = Record<string, unknown>> {
  /** Every declared param: the valid raw value, or the default where the raw value was missing or invalid. */
  params: P;
  errors: ParamError[];
}

export type ParamKind = 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'json';

export interface ParamField {
  key: string;
  /** Form label. */
  title: string;
  /** Help text. */
  description: string;
  kind: ParamKind;
  min?: number;
  max?: number;
  /** Choices for `enum` fields. */
  options?: Array<string | number | boolean>;
  default: unknown;
  /** Suggested input step / log-scale hint from `.meta({ step, logScale })` when given. */
  step?: number;
  logScale?: boolean;
  /** True when the node's custom inspector edits this param (not in the generated form). */
  hidden: boolean;
  /** Can the Hyperparameter Tune node search over this param? */
  tunable: boolean;
}

interface JsonSchemaProp {
  type?: string | string[];
  enum?: Array<string | number | boolean>;
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  title?: string;
  description?: string;
  step?: number;
  logScale?: boolean;
}

// Larger bounds are zod's "safe integer" defaults, not real limits worth showing.
const UNBOUNDED = 1e15;

const fieldCache = new WeakMap<object, ParamField[]>();

/** Form field descriptors in declaration order, derived from the node's zod schema. */
export function paramFields(def: NodeDefinition): ParamField[] {
  const cached = fieldCache.get(def);
  if (cached) return cached;
  const hidden = new Set(def.hiddenParams ?? []);
  const tunable = new Set(def.tunableParams ?? []);
  let props: Record<string, JsonSchemaProp> = {};
  try {
    const js = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProp> };
    props = js.properties ?? {};
  } catch {
    props = {};
  }
  const fields: ParamField[] = Object.keys(def.params.shape).map((key) => {
    const p = props[key] ?? {};
    const type = Array.isArray(p.type) ? p.type[0] : p.type;
    let kind: ParamKind;
    if (p.enum) kind = 'enum';
    else if (type === 'integer') kind = 'integer';
    else if (type === 'number') kind = 'number';
    else if (type === 'boolean') kind = 'boolean';
    else if (type === 'string') kind = 'string';
    else kind = 'json';
    const min = p.minimum ?? p.exclusiveMinimum;
    const max = p.maximum ?? p.exclusiveMaximum;
    const field: ParamField = {
      key,
      title: p.title ?? key,
      description: p.description ?? '',
      kind,
      default: p.default,
      hidden: hidden.has(key),
      tunable: tunable.has(key),
    };
    if (min !== undefined && Math.abs(min) < UNBOUNDED) field.min = min;
    if (max !== undefined && Math.abs(max) < UNBOUNDED) field.max = max;
    if (p.enum) field.options = p.enum;
    if (p.step !== undefined) field.step = p.step;
    if (p.logScale !== undefined) field.logScale = p.logScale;
    return field;
  });
  fieldCache.set(def, fields);
  return fields;
}

export function paramField(def: NodeDefinition, key: string): ParamField | undefined {
  return paramFields(def).find((f) => f.key === key);
}

/** Params the Hyperparameter Tune node may search over for this node type. */
export function tunableParamFields(def: NodeDefinition): ParamField[] {
  return paramFields(def).filter((f) => f.tunable);
}

/** Form inputs often hand over text: accept "0.5" for a number and "true" for a boolean. */
function coerce(field: ParamField | undefined, raw: unknown): unknown {
  if (!field || typeof raw !== 'string') return raw;
  if (field.kind === 'number' || field.kind === 'integer') {
    const t = raw.trim();
    if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  if (field.kind === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
  }
  return raw;
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return n.toExponential().replace('e-', 'e-').replace('e+', 'e');
  return String(n);
}

function rangeText(field: ParamField): string {
  if (field.min !== undefined && field.max !== undefined) return ` between ${fmt(field.min)} and ${fmt(field.max)}`;
  if (field.min !== undefined) return ` of at least ${fmt(field.min)}`;
  if (field.max !== undefined) return ` of at most ${fmt(field.max)}`;
  return '';
}

/** One friendly sentence for a field's invalid value. */
export function friendlyParamMessage(field: ParamField | undefined, key: string, issue?: z.core.$ZodIssue): string {
  const title = field?.title ?? key;
  if (issue && issue.code === 'custom') return issue.message;
  if (issue && issue.path.length > 0) {
    // Nested (arrays/objects): keep zod's detail, prefixed with where it is.
    const where = issue.path.map((p) => (typeof p === 'number' ? `#${p + 1}` : String(p))).join(' › ');
    return `${title} (${where}): ${issue.message}`;
  }
  switch (field?.kind) {
    case 'integer':
      return `${title} must be a whole number${rangeText(field)}.`;
    case 'number':
      return `${title} must be a number${rangeText(field)}.`;
    case 'boolean':
      return `${title} must be on or off (true/false).`;
    case 'enum':
      return `${title} must be one of: ${(field.options ?? []).map(String).join(', ')}.`;
    case 'string':
      return `${title} must be text.`;
    default:
      return `${title}: ${issue?.message ?? 'invalid value'}.`;
  }
}

/**
 * Parse raw params (anything) through the node's schema: fills defaults, keeps each valid value, and reports each
 * invalid one with a friendly message located on its param. Never throws.
 */
export function parseNodeParams<P = Record<string, unknown>>(def: NodeDefinition, rawParams: unknown): ParsedParams<P> {
  const raw: Record<string, unknown> =
    rawParams && typeof rawParams === 'object' && !Array.isArray(rawParams) ? (rawParams as Record<string, unknown>) : {};
  const shape = def.params.shape as Record<string, z.ZodType>;
  const params: Record<string, unknown> = {};
  const errors: ParamError[] = [];
  for (const key of Object.keys(shape)) {
    const fieldSchema = shape[key]!;
    const field = paramField(def, key);
    const value = Object.prototype.hasOwnProperty.call(raw, key) ? coerce(field, raw[key]) : undefined;
    const r = fieldSchema.safeParse(value);
    if (r.success) {
      params[key] = r.data;
    } else {
      errors.push({ param: key, message: friendlyParamMessage(field, key, r.error.issues[0]) });
      const fallback = fieldSchema.safeParse(undefined);
      params[key] = fallback.success ? fallback.data : undefined;
    }
  }
  // Cross-field rules (superRefine on the object), only once every field is individually valid.
  if (errors.length === 0) {
    const whole = def.params.safeParse(params);
    if (!whole.success) {
      for (const issue of whole.error.issues) {
        const key = typeof issue.path[0] === 'string' ? issue.path[0] : '';
        const field = key ? paramField(def, key) : undefined;
        const message =
          issue.code === 'custom' ? issue.message : friendlyParamMessage(field, key, { ...issue, path: issue.path.slice(1) });
        errors.push({ param: key, message });
      }
    }
  }
  return { params: params as P, errors };
}

/** Every param at its default. */
export function defaultParams(def: NodeDefinition): Record<string, unknown> {
  return parseNodeParams(def, {}).params;
}

/** A new node of this type with default params (and the current params version, so no migration touches it). */
export function newGraphNode(def: NodeDefinition, id: string, position: { x: number; y: number }, params: Record<string, unknown> = {}): GraphNode {
  const node: GraphNode = { id, type: def.type, position, params: { ...defaultParams(def), ...params } };
  if ((def.version ?? 1) > 1) node.v = def.version;
  return node;
}

function formatCardValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'string') {
    const s = v.replace(/^(builtin|dir|local|shared):/, '');
    return s.length > 22 ? `${s.slice(0, 21)}…` : s || '—';
  }
  if (Array.isArray(v)) return `${v.length} item${v.length === 1 ? '' : 's'}`;
  return v === undefined || v === null ? '—' : '…';
}

/** One short line of a node's key params for its card, e.g. "Epochs 20 · Batch size 16 · Learning rate 0.001".
 * The definition's `cardParams` picks them (unknown keys are skipped); otherwise the first few simple ones. */
/**
 * `nameOf` (from the app) turns ids into names (dataset name, model title), so ids never reach the card when a name
 * is known; an id param (`…Id`) is then shown by its name alone.
 */
export function cardSummary(
  def: NodeDefinition,
  rawParams: Record<string, unknown>,
  maxItems = 3,
  nameOf?: (key: string, value: unknown) => string | null,
): string {
  let fields: ParamField[];
  try {
    fields = paramFields(def);
  } catch {
    return '';
  }
  let keys: string[] | undefined;
  try {
    keys = def.cardParams?.(rawParams as never);
  } catch {
    keys = undefined;
  }
  const chosen = keys
    ? keys.map((k) => fields.find((f) => f.key === k)).filter((f): f is ParamField => !!f)
    : fields.filter((f) => f.kind !== 'json').slice(0, maxItems);
  return chosen
    .slice(0, maxItems)
    .map((f) => {
      const v = rawParams[f.key] ?? f.default;
      const named = nameOf?.(f.key, v);
      if (named) return /Id$/.test(f.key) ? named : `${f.title} ${named}`;
      if (f.kind === 'string' && (v === '' || v === undefined)) return `${f.title} default`;
      return `${f.title} ${formatCardValue(v)}`;
    })
    .join(' · ');
}
