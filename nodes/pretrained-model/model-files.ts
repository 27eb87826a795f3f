/**
 * The rules for a model folder's files, one copy for every host (Node host, browser worker, the server's
 * /api/models listing, uploads): is this `model.json` a Layers model Graft can cut and train, and what does the
 * optional `graft.json` next to it say. Pure TS + zod.
 */
import { z } from 'zod';
import type { ModelFolderMeta } from './catalog';

/**
 * Problem with a parsed model.json, or null when it is a Keras-style LayersModel. `where` names the file in the
 * message (path, URL or "model.json").
 */
export function modelJsonProblem(json: unknown, where: string): string | null {
  if (!json || typeof json !== 'object' || !('modelTopology' in json)) {
    return `${where} is not a TensorFlow.js Layers model.json (no "modelTopology").`;
  }
  const format = (json as { format?: unknown }).format;
  const topology = (json as { modelTopology?: unknown }).modelTopology;
  const graphTopology = !!topology && typeof topology === 'object' && 'node' in topology && !('model_config' in topology);
  if (format === 'graph-model' || graphTopology) {
    return (
      `${where} is a TensorFlow.js graph model (converted SavedModel). Graft needs a Keras-style LayersModel, ` +
      'whose layers it can cut, freeze and train.'
    );
  }
  return null;
}

/** `graft.json`: metadata a model folder carries about itself. Unknown keys are ignored; `truncateAt` and
 * `truncationLayer` are accepted as older names of `defaultTruncation`. */
export const GraftJsonSchema = z
  .object({
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    inputScaling: z.enum(['minus1to1', 'zero1', 'raw255']).optional(),
    defaultTruncation: z.string().max(200).optional(),
    truncateAt: z.string().max(200).optional(),
    truncationLayer: z.string().max(200).optional(),
    labels: z.array(z.string()).optional(),
  })
  .loose();

/** Parsed graft.json contents → ModelFolderMeta, or null when it is not valid graft.json. */
export function parseGraftJson(raw: unknown): ModelFolderMeta | null {
  const parsed = GraftJsonSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { title, description, inputSize, inputScaling, labels } = parsed.data;
  const defaultTruncation = parsed.data.defaultTruncation ?? parsed.data.truncateAt ?? parsed.data.truncationLayer;
  const meta: ModelFolderMeta = {};
  if (title !== undefined) meta.title = title;
  if (description !== undefined) meta.description = description;
  if (inputSize) meta.inputSize = inputSize;
  if (inputScaling) meta.inputScaling = inputScaling;
  if (defaultTruncation !== undefined) meta.defaultTruncation = defaultTruncation;
  if (labels) meta.labels = labels;
  return meta;
}
