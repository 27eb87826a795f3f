/** Serves an `ApiHandler` (fetch-style) over a plain Node http server: used by tests and standalone.ts. */
import http from 'node:http';
import { Readable } from 'node:stream';
import type { ApiHandler } from './handler';

export function createNodeServer(handler: ApiHandler): http.Server {
  return http.createServer(async (req, res) => {
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
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      const response = await handler(request, { remoteAddress: req.socket.remoteAddress });
      res.statusCode = response.status;
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
  });
}
