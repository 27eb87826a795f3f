import { describe, expect, it } from 'vitest';
import { datasetReport, validationSplitFor, DEFAULT_VALIDATION_SPLIT } from './issues';
import type { GraftGraph } from '../core/graph';
import { migrateGraph } from '../graph-file';

const opts = { testSplit: 0.2, validationSplit: 0.15 };

describe('datasetReport', () => {
  it('reports a missing dataset as an error on datasetId', () => {
    const r = datasetReport({ exists: false, classes: [], skippedCount: 0 }, opts);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ param: 'datasetId', message: expect.stringMatching(/no longer exists/) });
  });

  it('needs two classes with images and enough images per class', () => {
    const one = datasetReport({ exists: true, classes: [{ name: 'cats', count: 10 }], skippedCount: 0 }, opts);
    expect(one.errors.map((e) => e.message).join(' ')).toMatch(/at least 2 classes/);
    const small = datasetReport(
      { exists: true, classes: [{ name: 'cats', count: 10 }, { name: 'dogs', count: 2 }], skippedCount: 0 },
      opts,
    );
    expect(small.errors.map((e) => e.message)).toEqual([expect.stringMatching(/Too few: "dogs" \(2\)/)]);
  });

  it('warns about imbalance and skipped files, and gives stratified split counts', () => {
    const r = datasetReport(
      { exists: true, classes: [{ name: 'a', count: 40 }, { name: 'b', count: 10 }], skippedCount: 3 },
      opts,
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/imbalanced: "a" has 40 images, "b" only 10 \(4\.0×\)/),
      '3 files were skipped (see "Skipped files").',
    ]);
    expect(r.split.map((s) => [s.name, s.train, s.validation, s.test])).toEqual([
      ['a', 27, 5, 8],
      ['b', 7, 1, 2],
    ]);
    for (const s of r.split) expect(s.train + s.validation + s.test).toBe(s.total);
  });
});

describe('validationSplitFor', () => {
  const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, params });
  const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, sourceHandle: 'o', target, targetHandle: 'i' });
  it("reads the Dataset node's own param; a version-1 graph's Train value arrives there through Augment Data", () => {
    const v1: GraftGraph = {
      version: 1,
      name: 'g',
      nodes: [node('d', 'dataset'), node('a', 'augment-data'), node('t', 'train', { validationSplit: 0.3 })],
      edges: [edge('d', 'a'), edge('a', 't')],
    };
    expect(validationSplitFor(v1, 'd')).toBe(DEFAULT_VALIDATION_SPLIT);
    expect(validationSplitFor(migrateGraph(v1), 'd')).toBe(0.3);
    expect(validationSplitFor(migrateGraph({ ...v1, edges: [] }), 'd')).toBe(DEFAULT_VALIDATION_SPLIT);
  });
});
