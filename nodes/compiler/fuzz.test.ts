import { describe, expect, it } from 'vitest';
import { compileGraph, checkConnection, planToCode, withParamOverrides } from './index';
import { nodeDefinitions } from '../registry';
import { paramFields } from '../core/params';
import { pipelineTemplate } from '../templates';
import type { GraftGraph } from '../core/graph';
import { createRng } from '../dataset/split';

const GARBAGE: unknown[] = [null, undefined, NaN, Infinity, -1, 0, 1e308, '', 'x', '0.5', true, [], {}, [1], { a: 1 }, '__proto__', -0.0001];

function randomValue(rand: () => number, field?: ReturnType<typeof paramFields>[number]): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  if (!field || rand() < 0.25) return pick(GARBAGE);
  switch (field.kind) {
    case 'enum':
      return pick(field.options ?? ['x']);
    case 'boolean':
      return rand() < 0.5;
    case 'integer':
      return Math.round((field.min ?? -10) + rand() * ((field.max ?? 100) - (field.min ?? -10)) * 1.2);
    case 'number':
      return (field.min ?? -1) + rand() * ((field.max ?? 10) - (field.min ?? -1)) * 1.2;
    case 'string':
      return pick(['', 'builtin:shapes-target', 'https://x.org/model.json', 'conv_pw_13_relu', 'dir:flowers']);
    default:
      return [{ nodeId: 'n0', param: pick(['dropout', 'learningRate', 'count', 'x']), values: [rand()] }, pick(GARBAGE)];
  }
}

/** The template with random deletions, extra nodes/edges and param changes. */
function mutatedTemplate(rand: () => number): GraftGraph {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const g = pipelineTemplate();
  if (rand() < 0.3) g.edges.splice(Math.floor(rand() * g.edges.length), 1);
  if (rand() < 0.2) g.nodes.splice(Math.floor(rand() * g.nodes.length), 1);
  if (rand() < 0.3) {
    const def = pick(nodeDefinitions);
    g.nodes.push({ id: `extra`, type: def.type, position: { x: 0, y: 0 }, params: {} });
  }
  if (rand() < 0.3) {
    const a = pick(g.nodes);
    const b = pick(g.nodes);
    g.edges.push({ id: 'random-edge', source: a.id, sourceHandle: pick(['data', 'model', 'classifier', 'trained']), target: b.id, targetHandle: pick(['data', 'model', 'classifier', 'trained']) });
  }
  const node = pick(g.nodes);
  const def = nodeDefinitions.find((d) => d.type === node.type);
  if (def && rand() < 0.5) {
    const field = pick(paramFields(def));
    node.params[field.key] = randomValue(rand, field);
  }
  return g;
}

function randomGraph(rand: () => number): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  if (rand() < 0.03) return pick(GARBAGE);
  if (rand() < 0.4) return mutatedTemplate(rand);
  const n = Math.floor(rand() * 12);
  const nodes = Array.from({ length: n }, (_, i) => {
    const def = rand() < 0.95 ? pick(nodeDefinitions) : undefined;
    const params: Record<string, unknown> = {};
    if (def) for (const f of paramFields(def)) if (rand() < 0.5) params[f.key] = randomValue(rand, f);
    if (rand() < 0.1) params.junk = randomValue(rand);
    return {
      id: rand() < 0.03 ? 'n0' : `n${i}`,
      type: def?.type ?? pick(['mystery', '', 'Train']),
      position: { x: rand() * 1000, y: rand() < 0.02 ? 'far' : rand() * 1000 },
      params: rand() < 0.05 ? pick(GARBAGE) : params,
    };
  });
  const e = Math.floor(rand() * 16);
  const handles = ['data', 'model', 'classifier', 'trained', 'x'];
  const edges = Array.from({ length: e }, (_, i) => ({
    id: rand() < 0.03 ? 'e0' : `e${i}`,
    source: `n${Math.floor(rand() * (n + 1))}`,
    sourceHandle: pick(handles),
    target: `n${Math.floor(rand() * (n + 1))}`,
    targetHandle: pick(handles),
  }));
  return { version: rand() < 0.03 ? pick(GARBAGE) : 1, name: 'fuzz', nodes, edges };
}

describe('fuzzing', () => {
  it('compileGraph / checkConnection / planToCode never throw on 4000 random graphs', () => {
    const rand = createRng(20240611);
    let compiledOk = 0;
    for (let i = 0; i < 4000; i++) {
      const g = randomGraph(rand);
      const r = compileGraph(g);
      expect(typeof r.ok).toBe('boolean');
      for (const err of [...r.errors, ...r.warnings]) {
        expect(typeof err.message).toBe('string');
        expect(err.message).not.toMatch(/Internal compiler error/);
      }
      if (r.ok) {
        compiledOk++;
        expect(planToCode(r.plan)).toContain("import * as tf from '@tensorflow/tfjs'");
        JSON.stringify(r.plan); // serialisable
      } else {
        expect(r.errors.length).toBeGreaterThan(0);
      }
      const graph = g as GraftGraph;
      if (graph && Array.isArray((graph as { nodes?: unknown }).nodes) && graph.nodes.length > 1 && Array.isArray(graph.edges)) {
        const a = graph.nodes[Math.floor(rand() * graph.nodes.length)]!;
        const b = graph.nodes[Math.floor(rand() * graph.nodes.length)]!;
        const reason = checkConnection(graph, { source: a.id, sourceHandle: rand() < 0.2 ? null : 'data', target: b.id, targetHandle: rand() < 0.2 ? null : 'data' });
        expect(reason === null || typeof reason === 'string').toBe(true);
      }
    }
    // The generator must reach both outcomes for this test to mean anything.
    expect(compiledOk).toBeGreaterThan(200);
    expect(compiledOk).toBeLessThan(3000);
  });

  it('random param perturbations of the template: valid ones compile, invalid ones are located on their param', () => {
    const rand = createRng(7);
    const base = pipelineTemplate();
    let ok = 0;
    let located = 0;
    for (let i = 0; i < 1500; i++) {
      const node = base.nodes[Math.floor(rand() * base.nodes.length)]!;
      const def = nodeDefinitions.find((d) => d.type === node.type)!;
      const fields = paramFields(def);
      const field = fields[Math.floor(rand() * fields.length)]!;
      const value = randomValue(rand, field);
      const r = compileGraph(withParamOverrides(base, [{ nodeId: node.id, param: field.key, value }]));
      if (r.ok) {
        ok++;
      } else {
        for (const err of r.errors) {
          // One rule spans two nodes: early stopping (Train) needs the Dataset's validation split; the error sits on
          // the Train param a student would change.
          const crossNode = field.key === 'validationSplit' && err.nodeId === 'train' && err.param === 'earlyStoppingPatience';
          if (!crossNode) expect(err.nodeId).toBe(node.id);
          expect(err.param).toBeTruthy();
        }
        located++;
      }
    }
    expect(ok).toBeGreaterThan(100);
    expect(located).toBeGreaterThan(100);
  });
});
