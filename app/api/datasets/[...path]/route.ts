/**
 * GET /api/datasets/<name>                 → full listing of a DATASETS_DIR class-folder dataset (files + skipped;
 *                                            `?hashes=1` adds each file's SHA-256)
 * GET /api/datasets/<name>/<class>/<path…> → one image file (nested folders belong to their class)
 * Path segments are validated and resolved inside DATASETS_DIR only (no traversal, no symlink escape).
 */
import { readDirDataset, resolveDatasetPath } from '../dir-datasets';
import { jsonError } from '../fs-safe';
import { promises as fs } from 'node:fs';
import { sniffImageFormat } from '@/nodes/dataset/validate-image';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const segments = (await ctx.params).path.map(safeDecode);
  if (segments.length === 1) {
    // `?hashes=1`: with each file's SHA-256 (the engine's feature cache key), so the browser need not download every
    // image again to hash it on every Run.
    const hashes = new URL(req.url).searchParams.get('hashes') === '1';
    const listing = await readDirDataset(segments[0], { hashes });
    if (!listing) return jsonError(404, `No class-folder dataset named "${segments[0]}" in the datasets folder.`);
    return Response.json(listing, { headers: { 'Cache-Control': 'no-store' } });
  }
  if (segments.length >= 3) {
    const file = await resolveDatasetPath(segments);
    if (!file) return jsonError(404, 'No such image.');
    // The class-folder rule decides images by their bytes, not their extension: serve what the listing lists.
    const bytes = await fs.readFile(file).catch(() => null);
    const format = bytes ? sniffImageFormat(bytes) : null;
    if (!bytes || !format) return jsonError(404, 'Not an image file.');
    return new Response(new Uint8Array(bytes), {
      headers: {
        'Content-Type': `image/${format}`,
        'Content-Length': String(bytes.byteLength),
        'Cache-Control': 'public, max-age=3600',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  }
  return jsonError(404, 'Expected /api/datasets/<name> or /api/datasets/<name>/<class>/<path inside the class>.');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
