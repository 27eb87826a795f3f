/** Serves an `ApiHandler` (fetch-style) over a plain Node http server: used by tests and standalone.ts. */
import http from 'node:http';
import type { ApiHandler } from './handler';
import { stampedSocketAddress } from '../clientAddress';

export interface NodeServerOptions {
  /** Slow-client timeouts (seconds; 0 disables): whole header block, whole request including the body. */
  headersTimeoutSeconds?: number;
  requestTimeoutSeconds?: number;
}

export function createNodeServer(handler: ApiHandler, opts: NodeServerOptions = {}): http.Server {
  // Timeouts are enforced by a periodic sweep (Node default: every 30 s); 1 s keeps them close to what they say.
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, nodeListener(handler, 'socket'));
  server.headersTimeout = (opts.headersTimeoutSeconds ?? 20) * 1000;
  server.requestTimeout = (opts.requestTimeoutSeconds ?? 120) * 1000;
  return server;
}

/**
 * The request listener. `addressFrom`: 'socket' (this server faces clients) or 'stamp' (behaves like a Next route
 * behind server/next-entry.mjs: only the entry's stamp names the socket).
 */
export function nodeListener(handler: ApiHandler, addressFrom: 'socket' | 'stamp'): http.RequestListener {
  return async (req, res) => {
    try {
      const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
        else if (v !== undefined) headers.set(k, v);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(url, {
        method: req.method,
        headers,
        body: hasBody ? bodyStream(req) : undefined,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      const remoteAddress = addressFrom === 'socket' ? (req.socket.remoteAddress ?? null) : stampedSocketAddress(request.headers);
      const response = await handler(request, { remoteAddress });
      res.statusCode = response.status;
      // A refused (oversized) body was not read to the end: close the connection rather than reuse it.
      if (hasBody && !req.complete) res.setHeader('connection', 'close');
      response.headers.forEach((value, key) => res.setHeader(key, value));
      if (response.body) {
        const buf = Buffer.from(await response.arrayBuffer());
        res.end(buf);
      } else res.end();
    } catch (err) {
      console.error('[graft] node server error:', err);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end('Internal server error');
      } else res.end();
    }
  };
}

/**
 * The request body as a web stream. Cancelling (body over the limit) discards the rest instead of
 * destroying the socket, so the client still receives the 413 response.
 */
function bodyStream(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => {
        if (!cancelled) controller.close();
      });
      req.on('error', (err) => {
        if (!cancelled) controller.error(err);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      cancelled = true;
      req.removeAllListeners('data');
      req.resume(); // drain and drop
    },
  });
}
