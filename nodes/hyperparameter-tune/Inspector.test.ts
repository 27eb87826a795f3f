/** Server-render checks of the search-space inspector (no DOM library installed): accessible controls, grid size. */
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import TuneInspector from './Inspector';
import { tuneGraph } from '../compiler/testGraphs';
import type { InspectorServices } from '../ui/types';

/** This inspector uses no app service; these fail loudly if it ever starts to. */
const services: InspectorServices = {
  requestEngine: () => Promise.reject(new Error('no engine in this test')),
  patchNode: () => {
    throw new Error('unexpected patchNode');
  },
};

describe('Hyperparameter Tune inspector', () => {
  const dimensions = [
    { nodeId: 'tune', param: 'learningRate', range: { min: 0.0001, max: 0.01, scale: 'log' as const, steps: 3 } },
    { nodeId: 'head', param: 'activation', values: ['relu', 'tanh'] },
  ];
  const graph = tuneGraph(dimensions, { strategy: 'grid', maxTrials: 4 });
  const node = graph.nodes.find((n) => n.id === 'tune')!;

  it('lists each dimension with named controls and the grid size', () => {
    const html = renderToStaticMarkup(
      createElement(TuneInspector, { node, params: { dimensions, strategy: 'grid', maxTrials: 4 }, onChange: () => {}, graph, readOnly: false, services }),
    );
    expect(html).toContain('Add search dimension');
    expect(html).toContain('aria-label="Dimension 1 node"');
    expect(html).toContain('aria-label="Dimension 1 parameter"');
    expect(html).toContain('aria-label="Dimension 1 minimum"');
    expect(html).toContain('aria-label="Dimension 1 steps"');
    expect(html).toContain('aria-label="Remove dimension 2"');
    expect(html).toContain('aria-label="Dimension 2 values"');
    expect(html).toContain('Grid values: 0.0001, 0.001, 0.01');
    expect(html).toContain('Grid: 6 configurations');
    expect(html).toContain('only 4 (Max trials)');
  });

  it('shows problems and hides editing when read-only', () => {
    const bad = [{ nodeId: 'tune', param: 'learningRate', range: { min: 0, max: 0.01, scale: 'log' as const, steps: 3 } }];
    // The stored (raw) list is shown even when it does not parse, so the user sees what to fix.
    const badNode = { ...node, params: { ...node.params, dimensions: bad } };
    const html = renderToStaticMarkup(
      createElement(TuneInspector, { node: badNode, params: { dimensions: [] }, onChange: () => {}, graph, readOnly: true, services }),
    );
    expect(html).toContain('must start above 0');
    expect(html).not.toContain('Add search dimension');
    expect(html).toContain('Fix the dimensions above');
  });
});
