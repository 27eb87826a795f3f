/** Templates offered by the canvas: adapts `nodes/templates.ts`, laid out compactly for the editor's canvas. */
import type { GraftGraph } from '@/nodes/core/graph';
import { TEMPLATES, pipelineTemplate } from '@/nodes/templates';

export interface CanvasTemplate {
  id: string;
  name: string;
  description: string;
  build(): GraftGraph;
}

/**
 * Four columns, two rows (cards are 184 px wide): the data row on top, the model row below, Train top-right and
 * Evaluate under it. Narrow enough that the default fit on a 1280×720 window keeps card text readable (zoom ≈ 0.8).
 */
const COL = 224;
const ROW = 240;
const COMPACT: Record<string, { x: number; y: number }> = {
  dataset: { x: 0, y: 0 },
  augment: { x: COL, y: 0 },
  model: { x: 0, y: ROW },
  freeze: { x: COL, y: ROW },
  head: { x: COL * 2, y: ROW },
  train: { x: COL * 3, y: 0 },
  evaluate: { x: COL * 3, y: ROW },
};

/** Template node ids get the compact positions; other nodes keep theirs. */
export function compactLayout(graph: GraftGraph): GraftGraph {
  return { ...graph, nodes: graph.nodes.map((n) => (COMPACT[n.id] ? { ...n, position: { ...COMPACT[n.id] } } : n)) };
}

export const CANVAS_TEMPLATES: CanvasTemplate[] = TEMPLATES.map((t) => ({
  id: t.id,
  name: t.title,
  description: t.description,
  build: () => compactLayout(t.create()),
}));

export function initialGraph(): GraftGraph {
  return compactLayout(pipelineTemplate());
}
