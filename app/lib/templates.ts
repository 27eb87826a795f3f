/** Templates offered by the canvas: adapts `nodes/templates.ts`. */
import type { GraftGraph } from '@/nodes/core/graph';
import { TEMPLATES, pipelineTemplate } from '@/nodes/templates';

export interface CanvasTemplate {
  id: string;
  name: string;
  description: string;
  build(): GraftGraph;
}

export const CANVAS_TEMPLATES: CanvasTemplate[] = TEMPLATES.map((t) => ({ id: t.id, name: t.title, description: t.description, build: t.create }));

export function initialGraph(): GraftGraph {
  return pipelineTemplate();
}
