/**
 * Compiler rules the message catalogue (messages.test.ts) does not pin: the never-throw guard, schema error wording
 * with and without a location, no cascaded errors below a broken node, the plan's steps and node ids, de-duplicated
 * errors, the "choose at least one setting" rule, and how a trial that does not compile is reported.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from './index';
import { planAllTrials, planTrial } from './trial-plan';
import { byId, tuneGraph } from './testGraphs';
import { minimalTemplate } from '../templates';
import { GraftGraphSchema, type GraftGraph } from '../core/graph';
import { RunError } from '../engine/types';
import type { Plan } from '../core/plan';

function compiledPlan(g: GraftGraph): Plan {
  const r = compileGraph(g);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

describe('compileGraph guards and wording', () => {
  it('never throws: an input whose reading throws becomes one internal compiler error', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(compileGraph(hostile)).toEqual({ ok: false, plan: null, errors: [{ nodeId: null, message: 'Internal compiler error: boom' }], warnings: [] });
  });

  it('schema errors name the zod problem, and its location when there is one', () => {
    const top = GraftGraphSchema.safeParse(42).error!.issues[0]!.message;
    expect(compileGraph(42).errors).toEqual([{ nodeId: null, message: `Not a valid Graft graph: ${top}.` }]);
    const g = minimalTemplate() as unknown as { nodes: Array<{ position: unknown }> };
    g.nodes[1]!.position = 'here';
    const nested = GraftGraphSchema.safeParse(g).error!.issues[0]!;
    expect(nested.path.join('.')).toBe('nodes.1.position');
    expect(compileGraph(g).errors).toEqual([{ nodeId: null, message: `Not a valid Graft graph at nodes.1.position: ${nested.message}.` }]);
  });

  it('a missing input or a broken upstream node is reported once, where it is; nodes below do not add errors', () => {
    const noHead = minimalTemplate();
    noHead.edges = noHead.edges.filter((e) => !(e.source === 'head' && e.target === 'train'));
    expect(compileGraph(noHead).errors).toEqual([
      { nodeId: 'train', port: 'classifier', message: expect.stringMatching(/^Train needs a Classifier input — connect /) },
    ]);
    const badHead = minimalTemplate();
    byId(badHead, 'head').params.hiddenUnits = -3;
    const errors = compileGraph(badHead).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.nodeId)).toEqual(errors.map(() => 'head'));
  });

  it('the same problem found twice is reported once', () => {
    const g = minimalTemplate();
    const first = g.edges[0]!;
    g.edges.push({ ...first }, { ...first });
    const duplicate = compileGraph(g).errors.filter((e) => e.message.startsWith('Two links share the id'));
    expect(duplicate).toEqual([{ nodeId: first.target, edgeId: first.id, message: `Two links share the id "${first.id}".` }]);
  });
});

describe('the plan', () => {
  it('steps: the pipeline nodes in data-flow order, with their title and card summary; nodes outside are left out', () => {
    const g = minimalTemplate();
    g.nodes.push({ id: 'spare', type: 'add-head', position: { x: 0, y: 900 }, params: {} });
    byId(g, 'head').label = 'My head';
    const steps = compiledPlan(g).steps ?? [];
    expect(steps.map((s) => s.nodeId)).toEqual(['dataset', 'model', 'freeze', 'head', 'train', 'evaluate']);
    const head = steps.find((s) => s.nodeId === 'head')!;
    expect(head).toMatchObject({ type: 'add-head', title: 'My head' });
    expect(head.summary).toMatch(/\S/);
    expect(steps.find((s) => s.nodeId === 'train')).toMatchObject({ type: 'train', title: 'Train' });
  });

  it('node ids without an Evaluate node: every pipeline node, no evaluate', () => {
    const g = minimalTemplate();
    g.nodes = g.nodes.filter((n) => n.type !== 'evaluate');
    g.edges = g.edges.filter((e) => e.target !== 'evaluate');
    const plan = compiledPlan(g);
    expect(plan.nodeIds).toEqual({ dataset: 'dataset', model: 'model', freeze: 'freeze', head: 'head', train: 'train' });
    expect(plan.evaluate).toBeNull();
  });

  it('a search with no valid setting left says what is wrong with the settings, not "choose at least one"', () => {
    const r = compileGraph(tuneGraph([{ nodeId: 'nowhere', param: 'learningRate', values: [0.1, 0.01] }]));
    const messages = r.errors.map((e) => e.message);
    expect(messages.some((m) => m.startsWith('Search setting #1'))).toBe(true);
    expect(messages.some((m) => m.startsWith('Choose at least one setting'))).toBe(false);
  });
  it('"choose at least one setting" is added to other problems on the tuning node, unless its settings are already flagged', () => {
    const g = tuneGraph([]);
    byId(g, 'dataset').params.validationSplit = 0;
    // Problems on the tuning node that are not about its settings (validation split 0, hence early stopping too).
    const errors = compileGraph(g).errors;
    expect(errors.map((e) => `${e.nodeId}/${e.param ?? ''}`)).toEqual(['tune/', 'tune/earlyStoppingPatience', 'tune/dimensions']);
    expect(errors[2]!.message).toMatch(/^Choose at least one setting to search over/);
    const flagged = compileGraph(tuneGraph('not a list' as unknown as unknown[])).errors;
    expect(flagged.filter((e) => e.param === 'dimensions')).toHaveLength(1);
    expect(flagged.some((e) => e.message.startsWith('Choose at least one'))).toBe(false);
  });
});

describe('trials that do not compile', () => {
  it('name the first compile error and the node it is on', () => {
    const plan = compiledPlan(tuneGraph([{ nodeId: 'head', param: 'hiddenUnits', values: [16, 32] }]));
    (plan.tune!.dimensions[0] as { values: number[] }).values = [16, -5];
    const config = { 'head.hiddenUnits': -5 };
    const expected = compileGraph({ ...plan.graph, nodes: plan.graph.nodes.map((n) => (n.id === 'head' ? { ...n, params: { ...n.params, hiddenUnits: -5 } } : n)) }).errors[0]!;
    expect(expected.nodeId).toBe('head');
    let error: RunError | null = null;
    try {
      planTrial(plan, config);
    } catch (e) {
      error = e as RunError;
    }
    expect(error).toBeInstanceOf(RunError);
    expect([error!.message, error!.kind, error!.nodeId]).toEqual([`This trial's settings do not compile: ${expected.message}`, 'internal', 'head']);
    expect(planAllTrials(plan).find((t) => t.plan === null)).toEqual({ config, plan: null, error: { message: expected.message, nodeId: 'head' } });
  });

  it('an invalid search space plans no trials (the engine reports it)', () => {
    const plan = compiledPlan(tuneGraph([{ nodeId: 'head', param: 'hiddenUnits', values: [16, 32] }]));
    plan.tune!.dimensions.push({ ...plan.tune!.dimensions[0]! }); // the same parameter twice
    expect(planAllTrials(plan)).toEqual([]);
  });
});
