import { describe, expect, it } from 'vitest';
import { nodeDefinitions } from '../registry';
import { paramFields, parseNodeParams, defaultParams } from '../core/params';
import { trainNode } from '../train';
import { hyperparameterTuneNode } from '../hyperparameter-tune';
import { augmentDataNode } from '../augment-data';
import { freezeLayersNode } from '../freeze-layers';

describe('node definitions', () => {
  it.each(nodeDefinitions.map((d) => [d.type, d] as const))('%s: documented, every param has a default, title and description', (_type, def) => {
    expect(def.summary.length).toBeGreaterThan(20);
    expect(def.summary).not.toMatch(/TODO/);
    expect(def.explanation.length).toBeGreaterThan(300);
    const parsed = parseNodeParams(def, {});
    expect(parsed.errors).toEqual([]);
    for (const field of paramFields(def)) {
      expect(field.title, `${def.type}.${field.key} title`).not.toBe(field.key);
      expect(field.description.length, `${def.type}.${field.key} description`).toBeGreaterThan(10);
      expect(field.default, `${def.type}.${field.key} default`).not.toBeUndefined();
      expect(parsed.params[field.key]).toEqual(field.default);
    }
    for (const key of def.tunableParams ?? []) {
      const field = paramFields(def).find((f) => f.key === key);
      expect(field && ['number', 'integer', 'enum', 'boolean'].includes(field.kind), `${def.type}.${key} tunable`).toBe(true);
    }
  });
});

describe('paramFields', () => {
  it('derives kinds, bounds, options and defaults from the schema', () => {
    const fields = Object.fromEntries(paramFields(trainNode).map((f) => [f.key, f]));
    expect(fields.learningRate).toMatchObject({ kind: 'number', min: 1e-6, max: 1, default: 0.001, title: 'Learning rate', logScale: true, hidden: false, tunable: true });
    expect(fields.batchSize).toMatchObject({ kind: 'integer', min: 1, max: 512, default: 16 });
    expect(fields.optimizer).toMatchObject({ kind: 'enum', options: ['adam', 'sgd', 'rmsprop'], default: 'adam' });
    expect(fields.seed).toMatchObject({ kind: 'integer', default: 1 });
    expect(fields.seed!.min).toBeUndefined();
    expect(fields.backend!.tunable).toBe(false);
    expect(paramFields(augmentDataNode).find((f) => f.key === 'flipHorizontal')).toMatchObject({ kind: 'boolean', default: true });
    const dims = paramFields(hyperparameterTuneNode).find((f) => f.key === 'dimensions');
    expect(dims).toMatchObject({ kind: 'json', hidden: true, default: [] });
    expect(paramFields(trainNode).map((f) => f.key)).toEqual(Object.keys(trainNode.params.shape));
  });
});

describe('parseNodeParams', () => {
  it('keeps valid values, replaces invalid ones by defaults and reports each', () => {
    const r = parseNodeParams(trainNode, { learningRate: 0.5, epochs: 0, optimizer: 'lion', batchSize: '32', extra: 1 });
    expect(r.params).toMatchObject({ learningRate: 0.5, epochs: 50, optimizer: 'adam', batchSize: 32 });
    expect(r.params).not.toHaveProperty('extra');
    expect(r.errors).toEqual([
      { param: 'optimizer', message: 'Optimizer must be one of: adam, sgd, rmsprop.' },
      { param: 'epochs', message: 'Epochs must be a whole number between 1 and 500.' },
    ]);
  });

  it('rejects non-finite and wrongly typed values', () => {
    const r = parseNodeParams(trainNode, { learningRate: Infinity, momentum: NaN, seed: 'abc', featureCache: true });
    expect(r.errors.map((e) => e.param)).toEqual(['learningRate', 'momentum', 'seed', 'featureCache']);
  });

  it('accepts garbage containers', () => {
    for (const raw of [null, undefined, 3, 'x', [1, 2]]) {
      const r = parseNodeParams(trainNode, raw);
      expect(r.errors).toEqual([]);
      expect(r.params).toEqual(defaultParams(trainNode));
    }
  });

  it('runs cross-field rules once fields are valid', () => {
    const r = parseNodeParams(freezeLayersNode, { mode: 'upTo', upToLayer: ' ' });
    expect(r.errors).toEqual([{ param: 'upToLayer', message: expect.stringMatching(/last layer to freeze/) }]);
  });
});

describe('paramApplies (which fields the generated form shows)', () => {
  it('hides settings that do not matter for the current choice', async () => {
    const { getNodeDefinition } = await import('../registry');
    const freeze = getNodeDefinition('freeze-layers')!;
    const train = getNodeDefinition('train')!;
    const applies = (def: typeof freeze, key: string, raw: Record<string, unknown>) =>
      def.paramApplies!(key, parseNodeParams(def, raw).params as never);
    expect(applies(freeze, 'count', { mode: 'all' })).toBe(false);
    expect(applies(freeze, 'count', { mode: 'firstN' })).toBe(true);
    expect(applies(freeze, 'upToLayer', { mode: 'upTo' })).toBe(true);
    expect(applies(freeze, 'upToLayer', { mode: 'firstN' })).toBe(false);
    expect(applies(train, 'momentum', { optimizer: 'adam' })).toBe(false);
    expect(applies(train, 'momentum', { optimizer: 'sgd' })).toBe(true);
    expect(applies(train, 'epochs', { optimizer: 'adam' })).toBe(true);
  });
});
