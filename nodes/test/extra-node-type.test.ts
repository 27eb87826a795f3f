/**
 * "A node type is its folder plus one registry line": registering the Limit Images type from ./extra-node (and
 * editing no other file), it appears in the palette data, compiles into the plan, is listed in the "View code"
 * program, reports its problems located on itself, and has its own line in the run summary after a real run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraftGraph } from '../core/graph';
import type { NodeDefinition } from '../core/types';
import { newGraphNode } from '../core/params';
import { compileGraph, planToCode } from '../compiler';
import { registerNodeType, unregisterNodeType, getNodeDefinition } from '../registry';
import { paletteSections } from '../palette';
import { problemItems } from '../problems';
import { runOutcomeOf, runSummary } from '../run-summary';
import { minimalTemplate } from '../templates';
import { createNodeHost, tf } from '../engine/host-node';
import { runPlan } from '../engine/run';
import { limitImagesNode } from './extra-node';

const def = limitImagesNode as unknown as NodeDefinition;

/** The minimal template with Limit Images between Dataset and Train. */
function graphWithLimit(perClass: number): GraftGraph {
  const g = minimalTemplate();
  g.nodes.push(newGraphNode(def, 'limit', { x: 150, y: -100 }, { perClass }));
  const toTrain = g.edges.find((e) => e.source === 'dataset')!;
  g.edges = g.edges.filter((e) => e !== toTrain);
  g.edges.push(
    { id: 'dataset.data->limit.data', source: 'dataset', sourceHandle: 'data', target: 'limit', targetHandle: 'data' },
    { id: 'limit.data->train.data', source: 'limit', sourceHandle: 'data', target: toTrain.target, targetHandle: toTrain.targetHandle },
  );
  return g;
}

describe('a node type registered from its own folder', () => {
  beforeAll(() => registerNodeType(def));
  afterAll(() => unregisterNodeType(def.type));

  it('is in the palette data, under its category', () => {
    expect(getNodeDefinition('test-limit-images')).toBe(def);
    const data = paletteSections().find((s) => s.category === 'data')!;
    expect(data.definitions.map((d) => d.title)).toContain('Limit Images');
  });

  it('compiles into the plan and is listed, with its card summary, in the generated code', () => {
    const compiled = compileGraph(graphWithLimit(7));
    expect(compiled.errors).toEqual([]);
    const plan = compiled.plan!;
    expect(plan.dataset.maxImagesPerClass).toBe(7);
    const order = plan.steps!.map((s) => s.nodeId);
    expect(order.indexOf('dataset')).toBeLessThan(order.indexOf('limit'));
    expect(order.indexOf('limit')).toBeLessThan(order.indexOf('train'));
    expect(plan.steps!.find((s) => s.nodeId === 'limit')).toEqual({
      nodeId: 'limit',
      type: 'test-limit-images',
      title: 'Limit Images',
      summary: 'Images per class 7',
    });
    const code = planToCode(plan);
    expect(code).toMatch(/\/\/ {3}\d\. Limit Images \(test-limit-images\): Images per class 7/);
    expect(code).toContain('maxImagesPerClass: 7,');
  });

  it("reports its problems on itself, named in the problems list; its missing input names it as a provider", () => {
    const graph = graphWithLimit(2);
    const result = compileGraph(graph);
    const items = problemItems(graph, result);
    expect(items).toContainEqual({
      kind: 'error',
      where: 'Limit Images',
      error: expect.objectContaining({ nodeId: 'limit', param: 'perClass', message: expect.stringMatching(/at least 5 images/) }),
    });
    const unfed = graphWithLimit(7);
    unfed.edges = unfed.edges.filter((e) => e.target !== 'train' || e.targetHandle !== 'data');
    const needs = compileGraph(unfed).errors.find((e) => e.nodeId === 'train' && e.port === 'data');
    expect(needs?.message).toMatch(/connect Dataset or Augment Data or Limit Images\./);
  });

  it('has its own line in the run summary after a real run', async () => {
    const plan = compileGraph(graphWithLimit(6)).plan!;
    plan.train.epochs = 2;
    await tf.ready();
    const before = tf.memory().numTensors;
    const result = await runPlan(plan, createNodeHost(), { onEvent: () => {} });
    expect(tf.memory().numTensors).toBe(before);
    const lines = runSummary(plan, runOutcomeOf(result));
    expect(lines.find((l) => l.nodeId === 'limit')).toEqual({
      nodeId: 'limit',
      title: 'Limit Images',
      text: 'trained on at most 6 images per class (2 epochs)',
    });
    expect(lines.find((l) => l.nodeId === 'evaluate')?.text).toMatch(/^test accuracy \d+\.\d%$/);
    expect(lines.map((l) => l.nodeId)).toEqual(plan.steps!.map((s) => s.nodeId));
  });
});
