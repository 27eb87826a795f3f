/**
 * GET /api/datasets/<name>                 → full listing of a DATASETS_DIR class-folder dataset (files + skipped)
 * GET /api/datasets/<name>/<class>/<file>  → one image file
 * Path segments are validated and resolved inside DATASETS_DIR only (no traversal, no symlink escape).
 */
import { datasetsRoot, readDirDataset } from '../dir-datasets';
import { IMAGE_EXTENSIONS, jsonError, resolveInside, serveFile } from '../fs-safe';
import path from 'node:path';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const segments = (await ctx.params).path.map(safeDecode);
  if (segments.length === 1) {
    const listing = await readDirDataset(segments[0]);
    if (!listing) return jsonError(404, `No class-folder dataset named "${segments[0]}" in the datasets folder.`);
    return Response.json(listing, { headers: { 'Cache-Control': 'no-store' } });
  }
  if (segments.length === 3) {
    if (!IMAGE_EXTENSIONS.has(path.extname(segments[2]).toLowerCase())) return jsonError(404, 'Not an image file.');
    const file = await resolveInside(datasetsRoot(), segments);
    if (!file) return jsonError(404, 'No such image.');
    return serveFile(file, 3600);
  }
  return jsonError(404, 'Expected /api/datasets/<name> or /api/datasets/<name>/<class>/<file>.');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
