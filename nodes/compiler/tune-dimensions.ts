/** The compiler's check of a tuning node's search space against the graph (nodes, their schemas). */
import type { GraphNode } from '../core/graph';
import type { GraphError, NodeDefinition } from '../core/types';
import type { TuneDimension } from '../core/plan';
import { paramField } from '../core/params';
import { nodeName } from './edges';
/** Check every tune dimension against the graph and the referenced node's schema; normalise integer ranges. */
export function checkTuneDimensions(
  tuneId: string,
  dims: TuneDimension[],
  upstream: Set<string>,
  nodes: Map<string, GraphNode>,
  defs: Map<string, NodeDefinition>,
): { dimensions: TuneDimension[]; problems: GraphError[] } {
  const problems: GraphError[] = [];
  const out: TuneDimension[] = [];
  const seen = new Set<string>();
  dims.forEach((dim, i) => {
    const n = i + 1;
    const err = (message: string) => problems.push({ nodeId: tuneId, param: 'dimensions', message: `Search setting #${n}: ${message}` });
    const def = defs.get(dim.nodeId);
    if (!nodes.has(dim.nodeId) || !def) return err(`node "${dim.nodeId}" does not exist.`);
    const who = nodeName(nodes.get(dim.nodeId), def);
    if (!upstream.has(dim.nodeId)) return err(`${who} is not upstream of this Hyperparameter Tune node, so changing it would not affect training.`);
    const field = paramField(def, dim.param);
    if (!field) return err(`${who} has no setting "${dim.param}".`);
    if (!(def.tunableParams ?? []).includes(dim.param) || !['number', 'integer', 'enum', 'boolean'].includes(field.kind)) {
      return err(`${who}'s "${field.title}" can't be tuned.`);
    }
    const key = `${dim.nodeId}\u0000${dim.param}`;
    if (seen.has(key)) return err(`${who}'s "${field.title}" is already in the search space.`);
    seen.add(key);
    const hasValues = dim.values !== undefined;
    const hasRange = dim.range !== undefined;
    if (hasValues === hasRange) return err(`give either a list of values or a range for ${who}'s "${field.title}".`);
    const schema = (def.params.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[dim.param]!;
    if (dim.values) {
      if (dim.values.length === 0) return err(`the list of values for "${field.title}" is empty.`);
      const bad = dim.values.filter((v) => !schema.safeParse(v).success);
      if (bad.length) {
        const allowed =
          field.kind === 'enum'
            ? `one of ${(field.options ?? []).join(', ')}`
            : field.kind === 'boolean'
              ? 'true or false'
              : `${field.kind === 'integer' ? 'whole numbers' : 'numbers'}${field.min !== undefined && field.max !== undefined ? ` between ${field.min} and ${field.max}` : ''}`;
        return err(`${bad.map((v) => JSON.stringify(v)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not valid for "${field.title}" (expected ${allowed}).`);
      }
      out.push({ nodeId: dim.nodeId, param: dim.param, values: [...dim.values] });
      return;
    }
    const range = dim.range!;
    if (field.kind !== 'number' && field.kind !== 'integer') return err(`"${field.title}" is a choice, not a number: list the values instead of a range.`);
    if (!(range.min < range.max)) return err(`the range for "${field.title}" needs min < max.`);
    if (range.scale === 'log' && !(range.min > 0)) return err(`a log-scale range for "${field.title}" needs min > 0.`);
    if ((field.min !== undefined && range.min < field.min) || (field.max !== undefined && range.max > field.max)) {
      return err(`the range for "${field.title}" must stay within ${field.min ?? '−∞'}…${field.max ?? '∞'}.`);
    }
    const integer = field.kind === 'integer' || range.integer === true;
    if (integer && Math.floor(range.max) < Math.ceil(range.min)) return err(`the range for "${field.title}" contains no whole number.`);
    out.push({
      nodeId: dim.nodeId,
      param: dim.param,
      range: { min: range.min, max: range.max, scale: range.scale ?? 'linear', steps: range.steps ?? 4, ...(integer ? { integer: true } : {}) },
    });
  });
  return { dimensions: out, problems };
}
