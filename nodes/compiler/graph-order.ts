/** Graph order helpers of the compiler: nodes on cycles, topological order, ancestors. */
import type { ResolvedEdge } from './edges';

/** Tarjan's SCC: ids in a strongly connected component of size > 1 (self-loops are excluded from edges already). */
export function nodesOnCycles(ids: string[], successors: (id: string) => string[]): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Set<string>();
  let counter = 0;
  // Iterative to survive long chains without blowing the call stack.
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number; succ: string[] }> = [];
    const visit = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: 0, succ: successors(id) });
    };
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.succ.length) {
        const w = frame.succ[frame.next++]!;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        if (component.length > 1) component.forEach((c) => result.add(c));
      }
    }
  }
  return result;
}

/** Kahn's algorithm; nodes on or behind a cycle are left out (they never reach in-degree 0). Stable: file order. */
export function topologicalOrder(ids: string[], outgoing: Map<string, ResolvedEdge[]>, incoming: Map<string, ResolvedEdge[]>): string[] {
  const indegree = new Map(ids.map((id) => [id, incoming.get(id)!.length]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const r of outgoing.get(id)!) {
      const d = indegree.get(r.edge.target)! - 1;
      indegree.set(r.edge.target, d);
      if (d === 0) queue.push(r.edge.target);
    }
  }
  return order;
}

export function ancestors(id: string, incoming: Map<string, ResolvedEdge[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const r of incoming.get(cur) ?? []) {
      if (!seen.has(r.edge.source)) {
        seen.add(r.edge.source);
        stack.push(r.edge.source);
      }
    }
  }
  return seen;
}
