import { beforeEach, describe, expect, it } from 'vitest';
import { useGraphStore } from './graphStore';
import { pipelineTemplate } from '@/nodes/templates';

const s = () => useGraphStore.getState();

describe('graph store', () => {
  beforeEach(() => s().replaceGraph(pipelineTemplate()));

  it('one drag = one undo step; typing in one field = one undo step', () => {
    for (let i = 1; i <= 20; i++) s().moveNodes({ train: { x: 900 + i, y: 130 } }, { coalesce: 'drag:7', windowMs: Infinity });
    s().breakCoalescing();
    for (const v of [1, 12, 120]) s().updateNodeParams('train', { epochs: v });
    expect(s().graph.nodes.find((n) => n.id === 'train')!.params.epochs).toBe(120);
    expect(s().history.past).toHaveLength(2);
    s().undo();
    expect(s().graph.nodes.find((n) => n.id === 'train')!.params.epochs).toBe(pipelineTemplate().nodes.find((n) => n.id === 'train')!.params.epochs);
    expect(s().graph.nodes.find((n) => n.id === 'train')!.position.x).toBe(920);
    s().undo();
    expect(s().graph.nodes.find((n) => n.id === 'train')!.position.x).toBe(900);
    expect(s().canUndo).toBe(false);
    expect(s().canRedo).toBe(true);
  });

  it('copy/paste selects the pasted nodes with new ids; delete then undo restores edges', () => {
    s().setSelection(['head', 'train']);
    expect(s().copySelection()).toBe(true);
    s().paste();
    const pasted = s().selectedNodeIds;
    expect(pasted).toHaveLength(2);
    expect(pasted).not.toContain('head');
    expect(s().graph.edges.filter((e) => pasted.includes(e.source) && pasted.includes(e.target))).toHaveLength(1);
    const edgesBefore = s().graph.edges.length;
    s().setSelection(['train']);
    s().deleteSelection();
    expect(s().graph.edges.length).toBeLessThan(edgesBefore);
    expect(s().selectedNodeIds).toEqual([]);
    s().undo();
    expect(s().graph.edges).toHaveLength(edgesBefore);
  });

  it('refuses incompatible connections and rewires an input in one step', () => {
    const reason = s().connect({ source: 'dataset', sourceHandle: 'data', target: 'head', targetHandle: 'model' });
    expect(reason).toBeTruthy();
    expect(s().setInputSource('train', 'data', { node: 'dataset', handle: 'data' })).toBeNull();
    const toTrain = s().graph.edges.filter((e) => e.target === 'train' && e.targetHandle === 'data');
    expect(toTrain).toHaveLength(1);
    expect(toTrain[0].source).toBe('dataset');
    s().undo();
    expect(s().graph.edges.find((e) => e.target === 'train' && e.targetHandle === 'data')!.source).toBe('augment');
  });

  it('read-only mode blocks every edit', () => {
    s().replaceGraph(pipelineTemplate(), { readOnly: true });
    const before = s().graph;
    expect(s().addNode('train', { x: 0, y: 0 })).toBeNull();
    s().updateNodeParams('train', { epochs: 3 });
    s().removeElements(['train']);
    s().setName('x');
    s().setSelection(['train']);
    s().duplicateSelection();
    expect(s().graph).toBe(before);
    expect(s().dirty).toBe(false);
  });
});

describe('connecting onto an occupied input', () => {
  beforeEach(() => s().replaceGraph(pipelineTemplate()));

  it('replaces the previous link (one undo step) when the new one is otherwise valid', () => {
    expect(s().connect({ source: 'dataset', sourceHandle: 'data', target: 'train', targetHandle: 'data' })).toBeNull();
    const into = s().graph.edges.filter((e) => e.target === 'train' && e.targetHandle === 'data');
    expect(into.map((e) => e.source)).toEqual(['dataset']);
    s().undo();
    expect(s().graph.edges.filter((e) => e.target === 'train' && e.targetHandle === 'data').map((e) => e.source)).toEqual(['augment']);
  });

  it('still refuses a wrong type even when the input is occupied', () => {
    const before = s().graph;
    expect(s().connect({ source: 'model', sourceHandle: 'model', target: 'train', targetHandle: 'data' })).toBeTruthy();
    expect(s().graph).toBe(before);
  });
});
