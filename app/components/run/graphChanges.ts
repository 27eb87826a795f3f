/**
 * What changed in the graph since the previous run, in words for the run history: "Learning rate 0.001 → 0.01",
 * "added Augment Data". Pure (graph snapshots in, phrases out); the last run's snapshot is kept per history key.
 */
import type { GraftGraph } from '@/nodes/core/graph';
import { getNodeDefinition } from '@/nodes/registry';
import { paramFields } from '@/nodes/core/params';

export interface GraphSnapshot {
  nodes: Array<{ id: string; type: string; label?: string; params: Record<string, unknown> }>;
}

export function snapshotOf(graph: GraftGraph): GraphSnapshot {
  return { nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, params: n.params })) };
}

function show(v: unknown): string {
  if (typeof v === 'number') return String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v.replace(/^(builtin|dir|local|shared):/, '') || '(empty)';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return JSON.stringify(v)?.slice(0, 40) ?? '—';
}

const titleOf = (type: string, label?: string) => label?.trim() || getNodeDefinition(type)?.title || type;

export function describeChanges(before: GraphSnapshot | null, after: GraphSnapshot, max = 4): string[] {
  if (!before) return [];
  const out: string[] = [];
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  for (const n of after.nodes) if (!old.has(n.id)) out.push(`added ${titleOf(n.type, n.label)}`);
  for (const n of before.nodes) if (!now.has(n.id)) out.push(`removed ${titleOf(n.type, n.label)}`);
  for (const n of after.nodes) {
    const o = old.get(n.id);
    if (!o || o.type !== n.type) continue;
    const def = getNodeDefinition(n.type);
    let fields: ReturnType<typeof paramFields>;
    try {
      fields = def ? paramFields(def) : [];
    } catch {
      fields = [];
    }
    const keys = new Set([...Object.keys(o.params), ...Object.keys(n.params)]);
    for (const k of keys) {
      if (JSON.stringify(o.params[k]) === JSON.stringify(n.params[k])) continue;
      const title = fields.find((f) => f.key === k)?.title ?? k;
      out.push(`${title} ${show(o.params[k])} → ${show(n.params[k])}`);
    }
  }
  return out.length > max ? [...out.slice(0, max), `${out.length - max} more changes`] : out;
}

const PREFIX = 'graft:last-run-graph:';

export function lastRunSnapshot(historyKey: string): GraphSnapshot | null {
  try {
    const raw = localStorage.getItem(PREFIX + historyKey);
    const parsed = raw ? (JSON.parse(raw) as GraphSnapshot) : null;
    return parsed && Array.isArray(parsed.nodes) ? parsed : null;
  } catch {
    return null;
  }
}

export function rememberRunSnapshot(historyKey: string, snap: GraphSnapshot): void {
  try {
    localStorage.setItem(PREFIX + historyKey, JSON.stringify(snap));
  } catch {
    /* storage full: the next row just won't say what changed */
  }
}
