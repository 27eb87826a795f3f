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
import { limiterFor, type RateLimiter } from '../rateLimit';
import { appRouter } from '../trpc/router';
import { GraftErrorCause } from '../trpc/init';
import { getSharedDatasetImage, getSharedDatasetManifest, sniffImageMime } from '../repo/datasets';
import { uploadBatchBodyLimit } from '../repo/datasetUploads';
import { TRPCError } from '@trpc/server';
import { handleTrainedModels, TRAINED_MODELS_PREFIX } from '../trainedModelsHttp';
import { resolveClientAddress, stampedSocketAddress, UNKNOWN_CLIENT } from '../clientAddress';
import { apiJson, IMMUTABLE_CACHE, withApiHeaders } from '../securityHeaders';

export interface ApiHandlerOptions {
  /** Defaults to the process-wide database (DATABASE_URL / DATA_DIR). */
  db?: Promise<Database> | Database;
  config?: ServerConfig;
  /** Share limiters between handler instances (Next route modules reload in dev). */
  writeLimiter?: RateLimiter;
  readLimiter?: RateLimiter;
}

export interface RequestInfo {
  /** Socket address: from the Node server, or stamped by server/next-entry.mjs for Next routes; null = unknown. */
  remoteAddress?: string | null;
}

export type ApiHandler = (req: Request, info?: RequestInfo) => Promise<Response>;

export function createApiHandler(opts: ApiHandlerOptions = {}): ApiHandler {
  const config = opts.config ?? loadConfig();
  const dbPromise = Promise.resolve(opts.db ?? getDatabase());
  // PostgreSQL: buckets in the database, shared by every instance; PGlite: in memory (one server per DATA_DIR).
  const writeLimiter = opts.writeLimiter ?? limiterFor(() => dbPromise, 'write', config.rateLimitBurst, config.rateLimitPerSecond);
  const readLimiter = opts.readLimiter ?? limiterFor(() => dbPromise, 'read', config.readRateLimitBurst, config.readRateLimitPerSecond);

  return async (req, info = {}) => {
    const url = new URL(req.url);
    try {
      if (!isWellFormedPath(url.pathname)) return json(400, { error: 'Malformed URL: a % escape in the path is not valid.' });
      const clientIp = resolveClientAddress(info.remoteAddress ?? null, req.headers.get('x-forwarded-for'), config.trustProxy);
      if (clientIp === UNKNOWN_CLIENT) warnUnknownClientOnce();
      if (url.pathname.startsWith('/api/trpc')) return withApiHeaders(await handleTrpc(req, url, clientIp));
      if (url.pathname.startsWith('/api/shared-datasets/')) {
        const wait = await readLimiter.take(clientIp);
        if (wait > 0) return tooMany(wait);
        return withApiHeaders(await handleDatasetFiles(req, url));
      }
      if (url.pathname.startsWith(TRAINED_MODELS_PREFIX)) {
        if (req.method === 'GET' || req.method === 'HEAD') {
          const wait = await readLimiter.take(clientIp);
          if (wait > 0) return tooMany(wait);
        }
        return withApiHeaders(await handleTrainedModels(req, url, { db: await dbPromise, config, clientIp, writeLimiter }));
      }
      return json(404, { error: 'Not found' });
    } catch (err) {
      // The client went away mid-body (or was cut off by the request timeout): nobody to answer, nothing broke.
      if ((err as { code?: string })?.code === 'ECONNRESET' || (err as Error)?.message === 'aborted') return json(400, { error: 'Request aborted.' });
      console.error('[graft] request failed:', err);
      return json(500, { error: 'Internal server error.' });
    }
  };

  async function handleTrpc(req: Request, url: URL, clientIp: string): Promise<Response> {
    const procedures = url.pathname.replace(/^\/api\/trpc\/?/, '').split(',');
    const only = (name: string) => procedures.length > 0 && procedures.every((p) => p === name);
    // base64 inflates by 4/3; leave room for JSON around it. A chunk of a session upload carries at most one
    // image's cap; the one-shot dataset.upload (kept for older clients) the whole dataset.
    const limit = only('dataset.upload')
      ? Math.ceil(config.maxDatasetBytes * 1.4) + 64 * 1024
      : only('dataset.uploadImages') && procedures.length === 1
        ? uploadBatchBodyLimit(config)
        : config.maxBodyBytes;

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
    // One budget per HTTP request, shared by every call of a batch.
    const budget = { images: config.maxDatasetImages, imageBytes: config.maxDatasetBytes };
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req: forwarded,
      router: appRouter,
      maxBatchSize: config.maxBatchCalls,
      // Lets the client send long queries (e.g. listMine with many tokens) as POST.
      allowMethodOverride: true,
      createContext: () => ({ db, config, clientIp, writeLimiter, readLimiter, budget, rejectedBody }),
      responseMeta({ paths, errors }) {
        const headers: Record<string, string> = {};
        const waits = errors.map((e) => (e.cause instanceof GraftErrorCause ? e.cause.details.retryAfterSeconds : undefined));
        const wait = Math.max(0, ...waits.filter((w): w is number => typeof w === 'number'));
        if (wait > 0) headers['retry-after'] = String(wait);
        // graph.version reads one stored version: it never changes, so a GET of it may be cached forever.
        const immutable = req.method === 'GET' && errors.length === 0 && !!paths?.length && paths.every((p) => p === 'graph.version');
        headers['cache-control'] = immutable ? IMMUTABLE_CACHE : 'no-store';
        return { headers };
      },
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[graft] tRPC ${path ?? '?'} failed:`, error.cause ?? error);
      },
    });
  }

  async function handleDatasetFiles(req: Request, url: URL): Promise<Response> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'Method not allowed' });
    const parts = url.pathname.split('/').filter(Boolean); // api, shared-datasets, id, [images, index]
    const id = safeDecode(parts[2] ?? '').replace(/^shared:/, '');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return json(400, { error: 'Malformed dataset id.' });
    const db = await dbPromise;
    if (parts.length === 3) {
      try {
        // A shared dataset never changes after its upload.
        return apiJson(200, await getSharedDatasetManifest(db, id), { 'cache-control': IMMUTABLE_CACHE });
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
          // From the bytes, not the stored label (with nosniff, a browser never reinterprets them).
          'content-type': sniffImageMime(bytes) ?? 'application/octet-stream',
          'content-length': String(bytes.byteLength),
          // Shared datasets are immutable.
          'cache-control': IMMUTABLE_CACHE,
        },
      });
    }
    return json(404, { error: 'Not found' });
  }
}

function json(status: number, body: unknown): Response {
  return apiJson(status, body);
}

let warnedUnknownClient = false;
function warnUnknownClientOnce(): void {
  if (warnedUnknownClient) return;
  warnedUnknownClient = true;
  console.warn(
    '[graft] client addresses are unknown (started without server/next-entry.mjs, e.g. `next start`/`next dev`): ' +
      'all clients share one rate-limit bucket. Use `npm start` / `npm run serve`, or set GRAFT_TRUST_PROXY behind a proxy.',
  );
}

function tooMany(waitSeconds: number): Response {
  return apiJson(429, { error: `Too many requests from this address; try again in ${waitSeconds} s.` }, { 'retry-after': String(waitSeconds) });
}

function isWellFormedPath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
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

// The Next.js route handlers (one module instance per route bundle) share one set of limiters per process
// through globalThis; the handler itself is per module instance so edited code takes effect in dev.
const globalForLimiter = globalThis as unknown as { __graftLimiters?: { write: RateLimiter; read: RateLimiter } };
let processHandler: ApiHandler | undefined;
export function getProcessApiHandler(): ApiHandler {
  if (!processHandler) {
    const config = loadConfig();
    globalForLimiter.__graftLimiters ??= {
      write: limiterFor(getDatabase, 'write', config.rateLimitBurst, config.rateLimitPerSecond),
      read: limiterFor(getDatabase, 'read', config.readRateLimitBurst, config.readRateLimitPerSecond),
    };
    const { write, read } = globalForLimiter.__graftLimiters;
    processHandler = createApiHandler({ config, writeLimiter: write, readLimiter: read });
  }
  return processHandler;
}

/** What the Next route handlers export: the socket address comes only from server/next-entry.mjs's stamp. */
export function nextRouteHandler(req: Request): Promise<Response> {
  return getProcessApiHandler()(req, { remoteAddress: stampedSocketAddress(req.headers) });
}
