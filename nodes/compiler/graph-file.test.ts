import { describe, expect, it } from 'vitest';
import { parseGraphFile, serializeGraph, GRAPH_VERSION } from '../core/graph';
import { compileGraph } from './index';
import { loadGraphFile } from '../graph-file';
import { TEMPLATES } from '../templates';

describe('graph file round trip', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s: serialize → parse → identical graph and plan', (_id, t) => {
    const graph = t.create();
    const text = serializeGraph(graph);
    const parsed = parseGraphFile(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.graph).toEqual(graph);
    const a = compileGraph(graph);
    const b = compileGraph(parsed.graph);
    expect(a.ok && b.ok).toBe(true);
    expect(b.plan).toEqual(a.plan);
  });

  it('malformed files give a clear error', () => {
    const bad = parseGraphFile('{"version": 1, "nodes": [');
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/^Not a Graft file: the JSON could not be parsed/) });
    expect(parseGraphFile('[1,2]')).toEqual({ ok: false, error: expect.stringMatching(/expected a JSON object/) });
    const wrongNode = parseGraphFile({ version: 1, nodes: [{ id: '', type: 'train', position: { x: 0, y: 0 } }], edges: [] });
    expect(wrongNode).toEqual({ ok: false, error: expect.stringMatching(/^Not a valid Graft graph at nodes\.0\.id/) });
  });

  it('a newer format version is refused; a version-less (v0) file is migrated', () => {
    const future = parseGraphFile({ version: GRAPH_VERSION + 1, nodes: [], edges: [] });
    expect(future).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`newer Graft \\(format version ${GRAPH_VERSION + 1}\\)`)) });
    const { version: _v, ...old } = TEMPLATES[0]!.create();
    const migrated = loadGraphFile(JSON.stringify(old));
    expect(migrated.ok && migrated.graph.version).toBe(GRAPH_VERSION);
    expect(migrated.ok && compileGraph(migrated.graph).ok).toBe(true);
  });
});
