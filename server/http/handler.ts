/**
 * The one fetch-style handler for Graft's server API, used by the Next.js route handlers and by
 * plain Node HTTP servers (tests, `server/standalone.ts`). Routes:
 *   /api/trpc/*                                   tRPC (body size checked before parsing)
 *   GET /api/shared-datasets/<id>                 manifest JSON of a shared dataset
 *   GET /api/shared-datasets/<id>/images/<index>  one image's bytes
 *   /api/trained-models/<graphId>[/meta]          trained-model share packages (server/trainedModelsHttp.ts)
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { loadConfig, type ServerConfig } from '../config';
import { getDatabase, type Database } from '../db';
import { TokenBucketLimiter } from '../rateLimit';
import { appRouter } from '../trpc/router';
import { getSharedDatasetImage, getSharedDatasetManifest } from '../repo/datasets';
import { TRPCError } from '@trpc/server';
import { handleTrainedModels, TRAINED_MODELS_PREFIX } from '../trainedModelsHttp';

export interface ApiHandlerOptions {
  /** Defaults to the process-wide database (DATABASE_URL / DATA_DIR). */
  db?: Promise<Database> | Database;
  config?: ServerConfig;
  /** Share one write limiter between handler instances (Next route modules reload in dev). */
  writeLimiter?: TokenBucketLimiter;
}

export interface RequestInfo {
  /** Socket address when known (Node server); the Next route passes none. */
  remoteAddress?: string;
}

export type ApiHandler = (req: Request, info?: RequestInfo) => Promise<Response>;

export function createApiHandler(opts: ApiHandlerOptions = {}): ApiHandler {
  const config = opts.config ?? loadConfig();
  const dbPromise = Promise.resolve(opts.db ?? getDatabase());
  const writeLimiter = opts.writeLimiter ?? new TokenBucketLimiter(config.rateLimitBurst, config.rateLimitPerSecond);

  return async (req, info = {}) => {
    const url = new URL(req.url);
    try {
      if (url.pathname.startsWith('/api/trpc')) return await handleTrpc(req, url, info);
      if (url.pathname.startsWith('/api/shared-datasets/')) return await handleDatasetFiles(req, url);
      if (url.pathname.startsWith(TRAINED_MODELS_PREFIX)) {
        return await handleTrainedModels(req, url, { db: await dbPromise, config, clientIp: clientAddress(req, info, config), writeLimiter });
      }
      return json(404, { error: 'Not found' });
    } catch (err) {
      console.error('[graft] request failed:', err);
      return json(500, { error: 'Internal server error.' });
    }
  };

  async function handleTrpc(req: Request, url: URL, info: RequestInfo): Promise<Response> {
    const procedures = url.pathname.replace(/^\/api\/trpc\/?/, '').split(',');
    const isDatasetUpload = procedures.length > 0 && procedures.every((p) => p === 'dataset.upload');
    // base64 inflates by 4/3; leave room for JSON around it.
    const limit = isDatasetUpload ? Math.ceil(config.maxDatasetBytes * 1.4) + 64 * 1024 : config.maxBodyBytes;

    let forwarded: Request = req;
    let rejectedBody: { limitBytes: number } | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.body) {
      const body = await readBodyWithLimit(req, limit);
      if (body === null) {
        rejectedBody = { limitBytes: limit };
        // tRPC still needs a parseable request to format the error per procedure.
        forwarded = new Request(req.url, { method: req.method, headers: stripLength(req.headers), body: '{}' });
      } else {
        forwarded = new Request(req.url, { method: req.method, headers: stripLength(req.headers), body: body as Uint8Array<ArrayBuffer> });
      }
    }
    const db = await dbPromise;
    const clientIp = clientAddress(req, info, config);
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req: forwarded,
      router: appRouter,
      maxBatchSize: 20,
      // Lets the client send long queries (e.g. listMine with many tokens) as POST.
      allowMethodOverride: true,
      createContext: () => ({ db, config, clientIp, writeLimiter, rejectedBody }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[graft] tRPC ${path ?? '?'} failed:`, error.cause ?? error);
      },
    });
  }

  async function handleDatasetFiles(req: Request, url: URL): Promise<Response> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'Method not allowed' });
    const parts = url.pathname.split('/').filter(Boolean); // api, shared-datasets, id, [images, index]
    const id = decodeURIComponent(parts[2] ?? '').replace(/^shared:/, '');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return json(400, { error: 'Malformed dataset id.' });
    const db = await dbPromise;
    if (parts.length === 3) {
      try {
        return json(200, await getSharedDatasetManifest(db, id));
      } catch (err) {
        if (err instanceof TRPCError && err.code === 'NOT_FOUND') return json(404, { error: err.message });
        throw err;
      }
    }
    if (parts.length === 5 && parts[3] === 'images' && /^\d{1,6}$/.test(parts[4] ?? '')) {
      const image = await getSharedDatasetImage(db, id, Number(parts[4]));
      if (!image) return json(404, { error: 'No such image.' });
      const bytes = new Uint8Array(image.data);
      return new Response(bytes, {
        status: 200,
        headers: {
          'content-type': image.mime,
          'content-length': String(bytes.byteLength),
          // Shared datasets are immutable.
          'cache-control': 'public, max-age=31536000, immutable',
        },
      });
    }
    return json(404, { error: 'Not found' });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function stripLength(headers: Headers): Headers {
  const h = new Headers(headers);
  h.delete('content-length');
  h.delete('transfer-encoding');
  return h;
}

/** Reads at most `limit` bytes; null when the body is larger (checked on Content-Length first, then while streaming). */
async function readBodyWithLimit(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await req.body?.cancel().catch(() => undefined);
    return null;
  }
  const reader = req.body!.getReader();
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

function clientAddress(req: Request, info: RequestInfo, config: ServerConfig): string {
  // Behind Next.js there is no socket here; Next's own server sets X-Forwarded-For from the socket.
  if (config.trustProxy || !info.remoteAddress) {
    const fwd = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip')?.trim();
    if (fwd) return fwd;
  }
  return info.remoteAddress ?? 'unknown';
}

// The Next.js route handlers share one rate limiter per process (globalThis survives dev reloads; the
// handler itself is per module instance so edited code takes effect).
const globalForLimiter = globalThis as unknown as { __graftWriteLimiter?: TokenBucketLimiter };
let processHandler: ApiHandler | undefined;
export function getProcessApiHandler(): ApiHandler {
  if (!processHandler) {
    const config = loadConfig();
    globalForLimiter.__graftWriteLimiter ??= new TokenBucketLimiter(config.rateLimitBurst, config.rateLimitPerSecond);
    processHandler = createApiHandler({ config, writeLimiter: globalForLimiter.__graftWriteLimiter });
  }
  return processHandler;
}
