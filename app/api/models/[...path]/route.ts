/**
 * GET /api/models/<id>/<file> → a file of a model folder under MODELS_DIR (model.json, weight shards, graft.json,
 * labels). Segments are validated and resolved inside MODELS_DIR only (no traversal, no symlink escape).
 */
import { isSafeModelId } from '@/nodes/pretrained-model/catalog';
import { modelsRoot } from '../local-models';
import { jsonError, resolveInside, serveFile } from '../../datasets/fs-safe';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const segments = (await ctx.params).path.map(safeDecode);
  if (segments.length !== 2 || !isSafeModelId(segments[0])) {
    return jsonError(404, 'Expected /api/models/<id>/<file>.');
  }
  const file = await resolveInside(modelsRoot(), segments);
  if (!file) return jsonError(404, `No file "${segments[1]}" in model folder "${segments[0]}".`);
  // Weights never change under the same name in practice, but a re-exported folder might: keep caching short.
  return serveFile(file, 300);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
