/**
 * Saved and shared graphs of older formats keep opening: fixtures in ./fixtures are files as older Graft versions
 * wrote them. Graph format 2 moved `validationSplit` from Train / Hyperparameter Tune to the Dataset node; the
 * Train-type nodes' params version 2 drops the old key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION, type GraftGraph } from '../core/graph';
import { loadGraphFile, migrateGraph } from '../graph-file';
import { compileGraph } from '../compiler';
import { pipelineTemplate } from '../templates';
import { getNodeDefinition } from '../registry';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

function load(name: string): GraftGraph {
  const loaded = loadGraphFile(fixture(name));
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.graph;
}

const node = (g: GraftGraph, type: string) => g.nodes.find((n) => n.type === type)!;

describe('graph migrations', () => {
  it.each([
    ['v1-transfer-learning.graft.json', 'train', 0.3],
    ['v0-no-version.graft.json', 'train', 0.25],
    ['v1-tuning.graft.json', 'hyperparameter-tune', 0.2],
  ] as const)('%s: the validation split moves from %s to the Dataset node and compiles the same', (file, trainerType, split) => {
    const g = load(file);
    expect(g.version).toBe(GRAPH_VERSION);
    expect(node(g, 'dataset').params.validationSplit).toBe(split);
    const trainer = node(g, trainerType);
    expect(trainer.params).not.toHaveProperty('validationSplit');
    expect(trainer.v).toBe(getNodeDefinition(trainerType)!.version);
    const compiled = compileGraph(g);
    expect(compiled.errors).toEqual([]);
    expect(compiled.plan!.train.validationSplit).toBe(split);
    expect(compiled.plan!.dataset.validationSplit).toBe(split);
    // The compiler migrates too: a raw old (versioned) file compiles to the same plan (e.g. server-side scoring).
    if (file.startsWith('v1')) expect(compileGraph(JSON.parse(fixture(file))).plan).toEqual(compiled.plan);
  });

  it('other params survive; migrating twice changes nothing; a current graph is returned as is', () => {
    const raw = JSON.parse(fixture('v1-transfer-learning.graft.json')) as GraftGraph;
    const g = load('v1-transfer-learning.graft.json');
    const rawTrain = raw.nodes.find((n) => n.type === 'train')!;
    const { validationSplit: _moved, ...rest } = rawTrain.params;
    expect(node(g, 'train').params).toEqual(rest);
    expect(g.nodes.map((n) => n.id)).toEqual(raw.nodes.map((n) => n.id));
    expect(g.edges).toEqual(raw.edges);
    expect(migrateGraph(g)).toBe(g);
    const current = pipelineTemplate();
    expect(migrateGraph(current)).toBe(current);
  });

  it('a dataset feeding no trainer keeps the default; a node of an unknown type is left alone', () => {
    const raw = JSON.parse(fixture('v1-transfer-learning.graft.json')) as GraftGraph;
    raw.edges = [];
    raw.nodes.push({ id: 'future', type: 'from-the-future', position: { x: 0, y: 0 }, params: { a: 1 } });
    const g = migrateGraph(raw);
    expect(node(g, 'dataset').params).not.toHaveProperty('validationSplit');
    expect(compileGraph(g).plan?.dataset.validationSplit ?? 0.15).toBe(0.15);
    expect(node(g, 'from-the-future')).toEqual({ id: 'future', type: 'from-the-future', position: { x: 0, y: 0 }, params: { a: 1 } });
  });

  it('a file from a newer Graft is refused with a clear message', () => {
    const raw = JSON.parse(fixture('v1-transfer-learning.graft.json'));
    expect(loadGraphFile({ ...raw, version: GRAPH_VERSION + 1 })).toEqual({
      ok: false,
      error: expect.stringMatching(/newer Graft \(format version 3\)/),
    });
  });
});
