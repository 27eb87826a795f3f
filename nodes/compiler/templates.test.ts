import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseGraphFile, serializeGraph } from '../core/graph';
import { compileGraph } from './index';
import { TEMPLATES, minimalTemplate, pipelineTemplate } from '../templates';

// examples/*.graft.json are generated from the templates. Regenerate with: UPDATE_EXAMPLES=1 npx vitest run nodes/compiler/templates.test.ts
const EXAMPLES: Array<[file: string, create: () => ReturnType<typeof pipelineTemplate>]> = [
  ['transfer-learning.graft.json', pipelineTemplate],
  ['minimal.graft.json', minimalTemplate],
];
const examplesDir = path.resolve(__dirname, '../../examples');

describe('templates', () => {
  it('have unique ids, titles and stable node ids; all compile without warnings', () => {
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const t of TEMPLATES) {
      const g = t.create();
      expect(t.create()).toEqual(g); // deterministic
      const r = compileGraph(g);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
    }
    expect(pipelineTemplate().nodes.map((n) => n.id)).toEqual(['dataset', 'augment', 'model', 'freeze', 'head', 'train', 'evaluate']);
  });

  it('lay out left to right along the data flow', () => {
    for (const t of TEMPLATES) {
      const g = t.create();
      const x = new Map(g.nodes.map((n) => [n.id, n.position.x]));
      for (const e of g.edges) expect(x.get(e.source)!).toBeLessThan(x.get(e.target)!);
    }
  });

  it.each(EXAMPLES)('examples/%s is in sync with its template', (file, create) => {
    const expected = serializeGraph(create()) + '\n';
    const target = path.join(examplesDir, file);
    if (process.env.UPDATE_EXAMPLES) writeFileSync(target, expected);
    const text = readFileSync(target, 'utf8');
    expect(text).toBe(expected);
    const parsed = parseGraphFile(text);
    expect(parsed.ok && compileGraph(parsed.graph).ok).toBe(true);
  });
});

describe('saved graphs keep their values when defaults change', () => {
  it('a graph saved with the pre-early-stopping defaults (20 epochs, patience 0) still trains that way', () => {
    const saved = pipelineTemplate();
    for (const n of saved.nodes) if (n.type === 'train') n.params = { ...n.params, epochs: 20, earlyStoppingPatience: 0 };
    const parsed = parseGraphFile(serializeGraph(saved));
    if (!parsed.ok) throw new Error('saved graph does not parse');
    const compiled = compileGraph(parsed.graph);
    if (!compiled.ok) throw new Error('saved graph does not compile');
    expect(compiled.plan.train).toMatchObject({ epochs: 20, earlyStoppingPatience: 0 });
    // …while a new template gets the current defaults.
    const fresh = compileGraph(pipelineTemplate());
    expect(fresh.ok && fresh.plan.train).toMatchObject({ epochs: 50, earlyStoppingPatience: 10 });
  });
});
