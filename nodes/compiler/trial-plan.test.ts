/** Each tuning trial's Plan: the search graph recompiled with the trial's values, tuning removed. */
import { describe, expect, it } from 'vitest';
import { compileGraph } from './index';
import { planAllTrials, planTrial, searchTrials } from './trial-plan';
import { minimalTemplate } from '../templates';
import { RunError } from '../engine/types';
import type { GraftGraph } from '../core/graph';
import type { Plan } from '../core/plan';

function tuningPlan(dimensions: unknown[], params: Record<string, unknown> = {}): Plan {
  const g: GraftGraph = minimalTemplate();
  g.nodes = g.nodes.map((n) =>
    n.id === 'train' ? { id: 'tune', type: 'hyperparameter-tune', position: n.position, params: { ...n.params, ...params, strategy: 'grid', dimensions } } : n,
  );
  g.edges = g.edges.map((e) => ({ ...e, source: e.source === 'train' ? 'tune' : e.source, target: e.target === 'train' ? 'tune' : e.target }));
  const r = compileGraph(g);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

describe('trial plans', () => {
  const dims = [
    { nodeId: 'tune', param: 'learningRate', values: [0.01, 0.001] },
    { nodeId: 'head', param: 'hiddenUnits', values: [16, 32] },
  ];

  it('applies the trial values and drops tuning', () => {
    const plan = tuningPlan(dims);
    const trial = planTrial(plan, { 'tune.learningRate': 0.01, 'head.hiddenUnits': 32 });
    expect(trial.train.learningRate).toBe(0.01);
    expect(trial.classifier.head.hiddenUnits).toBe(32);
    expect(trial.tune).toBeNull();
    expect(plan.tune).not.toBeNull();
  });

  it('lists every grid trial in order with 1-based ids', () => {
    const trials = searchTrials(tuningPlan(dims));
    expect(trials.map((t) => [t.id, t.plan.train.learningRate, t.plan.classifier.head.hiddenUnits])).toEqual([
      [1, 0.01, 16],
      [2, 0.01, 32],
      [3, 0.001, 16],
      [4, 0.001, 32],
    ]);
    expect(() => searchTrials({ ...tuningPlan(dims), tune: null })).toThrow('not a tuning plan');
  });

  it('a trial whose values do not compile is a RunError located on the node; planAllTrials keeps it as an error', () => {
    const plan = tuningPlan([{ nodeId: 'tune', param: 'learningRate', values: [0.01, 0.001] }]);
    // A search space that got past the compiler's checks but holds a value the node refuses.
    (plan.tune!.dimensions[0] as { values: number[] }).values = [0.01, -5];
    let error: unknown = null;
    try {
      planTrial(plan, { 'tune.learningRate': -5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).message).toMatch(/^This trial's settings do not compile: /);
    expect((error as RunError).nodeId).toBe('tune');
    const all = planAllTrials(plan);
    expect(all).toHaveLength(2);
    expect(all[0]!.plan?.train.learningRate).toBe(0.01);
    expect(all[1]).toMatchObject({ config: { 'tune.learningRate': -5 }, plan: null, error: { nodeId: 'tune' } });
    expect((all[1] as { error: { message: string } }).error.message).not.toMatch(/^This trial's settings/);
    expect(planAllTrials({ ...plan, tune: null })).toEqual([]);
  });
});
