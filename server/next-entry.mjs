/**
 * `npm start` / `npm run serve`: Next.js behind a plain Node http server (plain JS so it runs without tsx).
 *
 * Why: Next route handlers never see the TCP socket, and Next only fills X-Forwarded-For when the client did not
 * send one, so a forged header would pick the rate-limit bucket. This entry stamps the real socket address into
 * an internal header on every request — always overwriting a client-sent copy — plus a random per-process secret
 * the route checks (server/clientAddress.ts), so a stamp can only come from here. It also refuses malformed
 * `%` escapes with a 400 before Next's router (which answers those with a bare 500) and applies header/body
 * timeouts against slow clients.
 *
 * Env: PORT (3000), HOSTNAME (all interfaces), GRAFT_HEADERS_TIMEOUT_SECONDS (20),
 * GRAFT_REQUEST_TIMEOUT_SECONDS (120), plus everything Next and Graft read.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { API_SECURITY_HEADERS } from './api-security-headers.mjs';

export const SOCKET_ADDRESS_HEADER = 'x-graft-socket-address';
export const SOCKET_STAMP_HEADER = 'x-graft-socket-stamp';
export const SOCKET_STAMP_ENV = 'GRAFT_SOCKET_STAMP';

/** Headers of the entry's own error responses: the API responses' security headers, JSON, never cached. */
const ERROR_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  ...API_SECURITY_HEADERS,
};

function seconds(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number of seconds, got "${raw}"`);
  return n;
}

/** True when every `%` in the path starts a valid escape of valid UTF-8. */
export function isWellFormedPath(rawUrl) {
  const pathname = (rawUrl ?? '/').split('?')[0];
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Node http server that stamps the socket address and hands every well-formed request to `handle(req, res)`.
 * `secret` is what the route compares against process.env[SOCKET_STAMP_ENV].
 */
export function createStampingServer(handle, { secret, headersTimeoutSeconds = 20, requestTimeoutSeconds = 120 }) {
  // Timeouts are enforced by a periodic sweep (Node default: every 30 s); 1 s keeps them close to what they say.
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    // Never let a client supply the internal headers (any casing arrives lower-cased in req.headers).
    delete req.headers[SOCKET_ADDRESS_HEADER];
    delete req.headers[SOCKET_STAMP_HEADER];
    req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
    req.headers[SOCKET_STAMP_HEADER] = secret;
    if (!isWellFormedPath(req.url)) {
      res.writeHead(400, ERROR_HEADERS);
      res.end(JSON.stringify({ error: 'Malformed URL: a % escape in the path is not valid.' }));
      return;
    }
    Promise.resolve(handle(req, res)).catch((err) => {
      console.error('[graft] request failed:', err);
      if (!res.headersSent) res.writeHead(500, ERROR_HEADERS);
      res.end(JSON.stringify({ error: 'Internal server error.' }));
    });
  });
  // Slow-loris protection: whole header block within headersTimeout, whole request (body included) within
  // requestTimeout; 0 disables (Node semantics).
  server.headersTimeout = headersTimeoutSeconds * 1000;
  server.requestTimeout = requestTimeoutSeconds * 1000;
  return server;
}

async function main() {
  process.env.NODE_ENV ??= 'production';
  const secret = randomBytes(24).toString('base64url');
  process.env[SOCKET_STAMP_ENV] = secret; // read by the route handlers in this process
  if (!process.env.DATABASE_URL?.trim()) {
    // One server per embedded-database folder: refuse to start (naming the holder) before Next even loads.
    const { acquireDataDirLock } = await import('./db/dataDirLock.mjs');
    acquireDataDirLock(process.env.PGLITE_DIR?.trim() || path.resolve(process.env.DATA_DIR?.trim() || './data', 'pglite'));
  }
  const { default: next } = await import('next');
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const port = Number(process.env.PORT || 3000);
  const hostname = process.env.HOSTNAME || undefined;
  const app = next({ dev: false, dir, port, hostname });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createStampingServer(handle, {
    secret,
    headersTimeoutSeconds: seconds('GRAFT_HEADERS_TIMEOUT_SECONDS', 20),
    requestTimeoutSeconds: seconds('GRAFT_REQUEST_TIMEOUT_SECONDS', 120),
  });
  server.listen(port, hostname, () => console.log(`▲ Graft ready on http://${hostname ?? 'localhost'}:${port}`));
  const shutdown = () => server.close(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err?.name === 'Error' && /data folder/.test(err.message) ? `[graft] ${err.message}` : err);
    process.exit(1);
  });
}
