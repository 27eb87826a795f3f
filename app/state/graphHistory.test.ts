import { describe, expect, it } from 'vitest';
import { commit, createHistory, redo, undo, breakCoalescing } from '@/app/lib/history';
import { copyElements, pasteElements, removeElements, moveNodes } from '@/app/lib/graphOps';
import { GraftGraphSchema, type GraftGraph } from '@/nodes/core/graph';
import { pipelineTemplate } from '@/nodes/templates';

describe('history coalescing', () => {
  it('merges a burst of same-key changes into one undo step', () => {
    let h = createHistory('a');
    h = commit(h, 'ab', { coalesce: 'name', now: 1000 });
    h = commit(h, 'abc', { coalesce: 'name', now: 1500 });
    h = commit(h, 'abcd', { coalesce: 'name', now: 2000 });
    expect(h.present).toBe('abcd');
    expect(h.past).toEqual(['a']);
    h = undo(h);
    expect(h.present).toBe('a');
    h = redo(h);
    expect(h.present).toBe('abcd');
  });

  it('starts a new step after a pause, a different key, or an explicit break', () => {
    let h = createHistory(0);
    h = commit(h, 1, { coalesce: 'p:x', now: 0 });
    h = commit(h, 2, { coalesce: 'p:x', now: 10_000 }); // pause longer than the window
    h = commit(h, 3, { coalesce: 'p:y', now: 10_100 }); // other field
    h = breakCoalescing(h);
    h = commit(h, 4, { coalesce: 'p:y', now: 10_200 }); // same field after blur
    expect(h.past).toEqual([0, 1, 2, 3]);
  });

  it('keeps one step for a whole drag (unique key, infinite window) and drops redo on a new edit', () => {
    let h = createHistory({ x: 0 });
    for (let i = 1; i <= 50; i++) h = commit(h, { x: i }, { coalesce: 'drag:1', windowMs: Infinity, now: i * 5000 });
    expect(h.past).toHaveLength(1);
    h = undo(h);
    expect(h.present).toEqual({ x: 0 });
    expect(h.future).toHaveLength(1);
    h = commit(h, { x: -1 });
    expect(h.future).toHaveLength(0);
    expect(undo(h).present).toEqual({ x: 0 });
  });

  it('does not coalesce after an undo, and ignores no-op commits', () => {
    let h = createHistory('a');
    h = commit(h, 'b', { coalesce: 'k', now: 0 });
    h = undo(h);
    h = commit(h, 'c', { coalesce: 'k', now: 1 });
    expect(h.past).toEqual(['a']);
    expect(commit(h, h.present)).toBe(h);
    expect(undo(createHistory(1))).toEqual(createHistory(1));
  });
});

describe('clipboard paste', () => {
  const graph: GraftGraph = pipelineTemplate();

  it('gives pasted nodes fresh ids, remaps internal edges and drops edges leaving the selection', () => {
    const clip = copyElements(graph, ['model', 'freeze', 'head', 'train'])!;
    expect(clip.nodes).toHaveLength(4);
    // model→freeze, freeze→head, head→train are internal; augment→train and train→evaluate are not.
    expect(clip.edges).toHaveLength(3);
    const { graph: next, nodeIds, edgeIds } = pasteElements(graph, clip, { x: 40, y: 40 });
    expect(next.nodes).toHaveLength(graph.nodes.length + 4);
    expect(next.edges).toHaveLength(graph.edges.length + 3);
    const originalIds = new Set(graph.nodes.map((n) => n.id));
    for (const id of nodeIds) expect(originalIds.has(id)).toBe(false);
    const newIds = new Set(nodeIds);
    for (const e of next.edges.filter((x) => edgeIds.includes(x.id))) {
      expect(newIds.has(e.source)).toBe(true);
      expect(newIds.has(e.target)).toBe(true);
    }
    const pastedModel = next.nodes.find((n) => n.id === nodeIds[0])!;
    expect(pastedModel.type).toBe('pretrained-model');
    expect(pastedModel.position).toEqual({ x: graph.nodes.find((n) => n.id === 'model')!.position.x + 40, y: graph.nodes.find((n) => n.id === 'model')!.position.y + 40 });
    // Ids are unique and the result is still a valid saved graph.
    expect(new Set(next.nodes.map((n) => n.id)).size).toBe(next.nodes.length);
    expect(new Set(next.edges.map((e) => e.id)).size).toBe(next.edges.length);
    expect(GraftGraphSchema.safeParse(next).success).toBe(true);
  });

  it('pasting twice yields distinct ids again, and params are deep copies', () => {
    const clip = copyElements(graph, ['train'])!;
    const a = pasteElements(graph, clip, { x: 40, y: 40 });
    const b = pasteElements(a.graph, clip, { x: 80, y: 80 });
    expect(a.nodeIds[0]).not.toBe(b.nodeIds[0]);
    const pasted = b.graph.nodes.find((n) => n.id === b.nodeIds[0])!;
    pasted.params.epochs = 999;
    expect(graph.nodes.find((n) => n.id === 'train')!.params.epochs).not.toBe(999);
  });

  it('copy of nothing is null; remove takes touching edges along', () => {
    expect(copyElements(graph, ['nope'])).toBeNull();
    const removed = removeElements(graph, ['train']);
    expect(removed.nodes.some((n) => n.id === 'train')).toBe(false);
    expect(removed.edges.some((e) => e.source === 'train' || e.target === 'train')).toBe(false);
    expect(removeElements(graph, [])).toBe(graph);
    expect(moveNodes(graph, { train: { x: NaN, y: 0 } })).toBe(graph);
  });
});
