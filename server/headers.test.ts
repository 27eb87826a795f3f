/**
 * Response headers and slow-client limits over real HTTP (the standalone server and server/next-entry.mjs's
 * front server): nosniff/CSP/no-store on every API response, immutable caching only for version-addressed reads,
 * image content types from the bytes, image header dimensions capped, malformed `%` escapes a 400, header and
 * body timeouts.
 */
import net from 'node:net';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeServer } from './http/nodeServer';
import { createApiHandler } from './http/handler';
import { sampleGraph, startTestServer, errorOf, type TestServer } from './test/harness';
import { tinyPng } from './test/pngs';
// @ts-expect-error plain JS entry (no types): the `npm start` server
import { createStampingServer } from './next-entry.mjs';

function expectApiHeaders(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
  expect(res.headers.get('x-powered-by')).toBeNull();
}

/** A PNG with a too-large IHDR (the CRC is not checked by the header reader; nothing decodes it). */
function pngClaiming(width: number, height: number): Buffer {
  const png = Buffer.from(tinyPng(3));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

describe('API response headers (PGlite)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { rateLimitBurst: 0, readRateLimitBurst: 0 });
  });
  afterAll(async () => s?.close());

  it('tRPC answers: nosniff, CSP, no-store; graph.version by GET is immutable, graph.get is not', async () => {
    const { id } = await s.client.graph.create.mutate({ graph: sampleGraph('cached') });
    const get = await fetch(`${s.url}/api/trpc/graph.get?input=${encodeURIComponent(JSON.stringify({ id, version: 1 }))}`);
    expectApiHeaders(get);
    expect(get.headers.get('cache-control')).toBe('no-store');
    const version = await fetch(`${s.url}/api/trpc/graph.version?input=${encodeURIComponent(JSON.stringify({ id, version: 1 }))}`);
    expectApiHeaders(version);
    expect(version.status).toBe(200);
    expect(version.headers.get('cache-control')).toMatch(/immutable/);
    expect(((await version.json()) as { result: { data: { graph: { name: string } } } }).result.data.graph.name).toBe('cached');
    const missing = await fetch(`${s.url}/api/trpc/graph.version?input=${encodeURIComponent(JSON.stringify({ id, version: 9 }))}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    const error = await fetch(`${s.url}/api/trpc/graph.get?input=%7B`);
    expectApiHeaders(error);
  });

  it('a PNG-signature file with HTML after it is served as image/png with nosniff; 60000 px headers are refused', async () => {
    const html = Buffer.concat([tinyPng(5), Buffer.from('<html><script>alert(1)</script></html>')]);
    const up = await s.client.dataset.upload.mutate({ name: 'sniff', images: [{ label: 'a', fileName: 'x.png', data: html.toString('base64') }] });
    const res = await fetch(`${s.url}/api/shared-datasets/${up.id.slice('shared:'.length)}/images/0`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expectApiHeaders(res);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    const bomb = await errorOf(s.client.dataset.upload.mutate({ name: 'bomb', images: [{ label: 'a', fileName: 'bomb.png', data: pngClaiming(60000, 60000).toString('base64') }] }));
    expect(bomb.code).toBe('BAD_REQUEST');
    expect(bomb.message).toMatch(/60000×60000 px.*4096/);
    expect((await s.client.dataset.upload.mutate({ name: 'ok', images: [{ label: 'a', fileName: 'ok.png', data: pngClaiming(4096, 16).toString('base64') }] })).imageCount).toBe(1);
  });

  it('malformed % escapes are a 400 with the security headers (handler and the npm start front server)', async () => {
    for (const p of ['/api/shared-datasets/%ZZ', '/api/trained-models/%E0%A4%A/meta', '/api/trpc/graph.get%']) {
      const res = await fetch(`${s.url}${p}`);
      expect(res.status, p).toBe(400);
      expectApiHeaders(res);
    }
    const front = createStampingServer((_req: http.IncomingMessage, res: http.ServerResponse) => res.end('next'), { secret: 'x' });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      const bad = await fetch(`${url}/api/models/%ZZ/x`);
      expect(bad.status).toBe(400);
      expectApiHeaders(bad);
      expect(await (await fetch(`${url}/g/abc?x=%ZZ`)).text()).toBe('next'); // only the path is checked
    } finally {
      front.close();
    }
  });
});

describe('slow clients are cut off (configurable seconds)', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    const { openDatabase } = await import('./db');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const db = await openDatabase({ databaseUrl: null, pgliteDir: fs.mkdtempSync(path.join(os.tmpdir(), 'graft-timeouts-')) });
    server = createNodeServer(createApiHandler({ db }), { headersTimeoutSeconds: 1, requestTimeoutSeconds: 2 });
    server.on('close', () => void db.close());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Writes `parts` over a raw socket and resolves with what came back and how long until the server ended it. */
  function rawExchange(parts: string[]): Promise<{ answer: string; ms: number }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1', () => parts.forEach((p) => socket.write(p)));
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve({ answer, ms: Date.now() - started }));
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 15_000);
    });
  }

  it('half-sent headers are answered 408 within a few seconds, not 300 s', async () => {
    const { answer, ms } = await rawExchange(['GET /api/trpc/health HTTP/1.1\r\nHost: x\r\nX-Slow: ']);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(5000);
  });

  it('a half-sent body is cut off at the request timeout', async () => {
    const { answer, ms } = await rawExchange([
      'POST /api/trpc/graph.create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"graph":',
    ]);
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
    expect(ms).toBeLessThan(6000);
  });
});
