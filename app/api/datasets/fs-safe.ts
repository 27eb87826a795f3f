/**
 * Server-only helpers shared by the /api/models and /api/datasets route handlers: resolving user-supplied path
 * segments inside a configured root without ever escaping it, and content types.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A single path segment a user may ask for: no separators, no '..', no NUL, not hidden. */
export function isSafeSegment(segment: string): boolean {
  return (
    segment.length > 0 &&
    segment.length <= 255 &&
    segment !== '.' &&
    segment !== '..' &&
    !segment.startsWith('.') &&
    !/[\\/\0]/.test(segment)
  );
}

/**
 * Resolve `segments` under `root`; null when any segment is unsafe, the target does not exist, or (after
 * following symlinks) it lies outside `root`.
 */
export async function resolveInside(root: string, segments: string[]): Promise<string | null> {
  if (!segments.every(isSafeSegment)) return null;
  try {
    const realRoot = await fs.realpath(root);
    const target = await fs.realpath(path.join(realRoot, ...segments));
    if (target !== realRoot && !target.startsWith(realRoot + path.sep)) return null;
    return target;
  } catch {
    return null;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.avif': 'image/avif',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}


/** Stream a file with headers that keep cross-origin isolation (COEP require-corp) working. */
export async function serveFile(file: string, cacheSeconds: number): Promise<Response> {
  const data = await fs.readFile(file);
  return new Response(new Uint8Array(data), {
    headers: {
      'Content-Type': contentTypeFor(file),
      'Content-Length': String(data.byteLength),
      'Cache-Control': `public, max-age=${cacheSeconds}`,
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
