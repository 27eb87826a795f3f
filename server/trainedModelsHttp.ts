/**
 * Binary route for trained-model share packages (not tRPC: packages are up to tens of MB of binary, far beyond the
 * 1 MB JSON body cap, and base64 would inflate them by a third).
 *   PUT    /api/trained-models/<graphId>[?version=N]   body = package zip, header X-Graft-Edit-Token → 200 info JSON
 *   GET    /api/trained-models/<graphId>               the package (application/zip)
 *   GET    /api/trained-models/<graphId>/meta          info JSON (author's metrics, run record, size)
 *   DELETE /api/trained-models/<graphId>               header X-Graft-Edit-Token
 * Errors are JSON { error } with 400/403/404/405/409/413/429; never a 5xx for bad input.
 */
import type { Database } from './db';
import type { ServerConfig } from './config';
import type { RateLimiter } from './rateLimit';
import { deleteTrainedModel, getTrainedModelBytes, getTrainedModelInfo, putTrainedModel } from './repo/trainedModels';

export const TRAINED_MODELS_PREFIX = '/api/trained-models/';
export const EDIT_TOKEN_HEADER = 'x-graft-edit-token';

const GRAPH_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** Reads at most `limit` bytes (Content-Length checked first, then while streaming); null when larger. */
async function readLimited(req: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await req.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export async function handleTrainedModels(
  req: Request,
  url: URL,
  ctx: { db: Database; config: ServerConfig; clientIp: string; writeLimiter?: RateLimiter },
): Promise<Response> {
  const parts = url.pathname.slice(TRAINED_MODELS_PREFIX.length).split('/');
  let id: string;
  try {
    id = decodeURIComponent(parts[0] ?? '');
  } catch {
    return json(400, { error: 'Malformed graph id.' });
  }
  if (!GRAPH_ID.test(id)) return json(400, { error: 'Malformed graph id.' });
  const sub = parts.slice(1).join('/');
  if (sub !== '' && sub !== 'meta') return json(404, { error: 'Not found' });

  if (req.method === 'GET' || req.method === 'HEAD') {
    if (sub === 'meta') {
      const info = await getTrainedModelInfo(ctx.db, id);
      return info ? json(200, info, { 'cache-control': 'no-store' }) : json(404, { error: 'This graph has no shared trained model.' });
    }
    const found = await getTrainedModelBytes(ctx.db, id);
    if (!found) return json(404, { error: 'This graph has no shared trained model.' });
    return new Response(req.method === 'HEAD' ? null : (found.data as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: {
        'content-type': 'application/zip',
        'content-length': String(found.data.byteLength),
        etag: `"${found.sha256}"`,
        'cache-control': 'no-cache',
      },
    });
  }

  if (req.method !== 'PUT' && req.method !== 'DELETE') {
    await req.body?.cancel().catch(() => undefined);
    return json(405, { error: 'Method not allowed' }, { allow: 'GET, HEAD, PUT, DELETE' });
  }
  if (sub !== '') return json(405, { error: 'Method not allowed' });
  const wait = (await ctx.writeLimiter?.take(ctx.clientIp)) ?? 0;
  if (wait > 0) {
    await req.body?.cancel().catch(() => undefined);
    return json(429, { error: `Too many writes; try again in ${wait} s.` }, { 'retry-after': String(wait) });
  }
  const token = req.headers.get(EDIT_TOKEN_HEADER) ?? '';
  if (!TOKEN.test(token)) {
    await req.body?.cancel().catch(() => undefined);
    return json(403, { error: 'An edit token (X-Graft-Edit-Token) is required.' });
  }
  if (req.method === 'DELETE') {
    const status = await deleteTrainedModel(ctx.db, id, token);
    return status === 200 ? json(200, { deleted: true }) : json(status, { error: status === 404 ? `No graph with id "${id}".` : 'This edit token does not allow editing this graph.' });
  }

  const versionParam = url.searchParams.get('version');
  if (versionParam !== null && !/^\d{1,9}$/.test(versionParam)) {
    await req.body?.cancel().catch(() => undefined);
    return json(400, { error: 'version must be a whole number.' });
  }
  const limit = ctx.config.maxTrainedModelBytes;
  const body = await readLimited(req, limit);
  if (body === null) {
    return json(413, { error: `The trained model is larger than this server accepts (${(limit / 1048576).toFixed(0)} MB; GRAFT_MAX_TRAINED_MODEL_BYTES).`, limitBytes: limit });
  }
  if (body.byteLength === 0) return json(400, { error: 'The request has no body.' });
  const result = await putTrainedModel(ctx.db, { graphId: id, editToken: token, graphVersion: versionParam === null ? null : Number(versionParam), bytes: body });
  return result.ok ? json(200, result.info) : json(result.status, { error: result.error });
}
