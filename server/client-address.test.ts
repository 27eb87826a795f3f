/**
 * Who gets rate-limited: the socket address, never a client-written X-Forwarded-For unless GRAFT_TRUST_PROXY says
 * which hops are the operator's own proxies. Over real HTTP, with the config parsed from the environment, both for
 * the standalone server and for the Next route path (server/next-entry.mjs's stamp → the route's handler).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAddress, parseTrustProxy, resolveClientAddress, SOCKET_ADDRESS_HEADER, SOCKET_STAMP_ENV, SOCKET_STAMP_HEADER, UNKNOWN_CLIENT } from './clientAddress';
import { createApiHandler } from './http/handler';
import { createNodeServer, nodeListener } from './http/nodeServer';
import { openDatabase, type Database } from './db';
import { loadConfig } from './config';
import { sampleGraph } from './test/harness';
// @ts-expect-error plain JS entry (no types): the `npm start` server
import { createStampingServer } from './next-entry.mjs';

describe('parseTrustProxy / resolveClientAddress', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    for (const raw of [undefined, '', '0', 'false']) {
      expect(resolveClientAddress('127.0.0.1', '6.6.6.6', parseTrustProxy(raw))).toBe('127.0.0.1');
    }
    expect(resolveClientAddress(null, '6.6.6.6', parseTrustProxy(undefined))).toBe(UNKNOWN_CLIENT);
  });
  it('hop counts take the n-th address from the right of [...X-Forwarded-For, socket]', () => {
    expect(resolveClientAddress('10.0.0.9', '1.1.1.1, 2.2.2.2', parseTrustProxy('1'))).toBe('2.2.2.2');
    expect(resolveClientAddress('10.0.0.9', '1.1.1.1, 2.2.2.2', parseTrustProxy('2'))).toBe('1.1.1.1');
    expect(resolveClientAddress('10.0.0.9', '1.1.1.1', parseTrustProxy('5'))).toBe('1.1.1.1');
    expect(resolveClientAddress('10.0.0.9', null, parseTrustProxy('1'))).toBe('10.0.0.9');
  });
  it('address lists strip trusted proxies from the right', () => {
    const trust = parseTrustProxy('10.0.0.9, 10.0.0.8');
    expect(resolveClientAddress('10.0.0.9', '6.6.6.6, 1.1.1.1, 10.0.0.8', trust)).toBe('1.1.1.1');
    // Not from a trusted proxy: the socket is the client, whatever the header says.
    expect(resolveClientAddress('3.3.3.3', '6.6.6.6', trust)).toBe('3.3.3.3');
    expect(parseTrustProxy('loopback')).toEqual({ kind: 'list', addresses: new Set(['127.0.0.1', '::1']) });
    expect(() => parseTrustProxy('yes')).toThrow(/GRAFT_TRUST_PROXY/);
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
});

/** POST graph.create with a given X-Forwarded-For; returns status and headers. */
async function createWithForgedHeader(url: string, forwardedFor: string, extra: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/trpc/graph.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor, ...extra },
    body: JSON.stringify({ graph: sampleGraph() }),
  });
  await res.arrayBuffer();
  return res;
}

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('forged X-Forwarded-For over real HTTP (PGlite)', () => {
  let db: Database;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-client-addr-'));
  const servers: http.Server[] = [];
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: null, pgliteDir: dir });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A server whose config comes from these environment variables (as standalone.ts reads it). */
  async function serve(env: Record<string, string | undefined>, mode: 'standalone' | 'next-entry'): Promise<string> {
    const config = withEnv({ GRAFT_RATE_LIMIT_BURST: '3', GRAFT_RATE_LIMIT_PER_SECOND: '0.01', ...env }, () => loadConfig());
    const handler = createApiHandler({ db, config });
    const server =
      mode === 'standalone' ? createNodeServer(handler) : createStampingServer(nodeListener(handler, 'stamp'), { secret: process.env[SOCKET_STAMP_ENV] });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  for (const mode of ['standalone', 'next-entry'] as const) {
    it(`${mode}: by default, 20 writes with 20 forged addresses share one bucket (3 pass, the rest 429 + Retry-After)`, async () => {
      process.env[SOCKET_STAMP_ENV] = 'test-secret-' + Math.random();
      const url = await serve({ GRAFT_TRUST_PROXY: undefined }, mode);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 20; i++) {
        // Also forge the internal stamp headers: the entry overwrites them.
        const res = await createWithForgedHeader(url, `198.51.100.${i}`, { [SOCKET_ADDRESS_HEADER]: `203.0.113.${i}`, [SOCKET_STAMP_HEADER]: 'guess' });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(17);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    });

    it(`${mode}: GRAFT_TRUST_PROXY=1 (from the environment) makes the forwarded address the client`, async () => {
      process.env[SOCKET_STAMP_ENV] = 'test-secret-' + Math.random();
      const url = await serve({ GRAFT_TRUST_PROXY: '1' }, mode);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await createWithForgedHeader(url, `198.51.100.${i}`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      // The same forwarded client is limited.
      const same = [];
      for (let i = 0; i < 4; i++) same.push((await createWithForgedHeader(url, '6.6.6.6, 192.0.2.1')).status);
      expect(same).toEqual([200, 200, 200, 429]);
    });
  }

  it('GRAFT_TRUST_PROXY=<address list>: only a trusted proxy socket may name the client', async () => {
    const trusted = await serve({ GRAFT_TRUST_PROXY: '127.0.0.1' }, 'standalone');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await createWithForgedHeader(trusted, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const untrusted = await serve({ GRAFT_TRUST_PROXY: '10.1.2.3' }, 'standalone');
    const refused = [];
    for (let i = 0; i < 5; i++) refused.push((await createWithForgedHeader(untrusted, `198.51.100.${i}`)).status);
    expect(refused).toEqual([200, 200, 200, 429, 429]);
  });

  it('without the entry (plain `next start`), a forged stamp is ignored: everyone shares one bucket', async () => {
    delete process.env[SOCKET_STAMP_ENV];
    const config = withEnv({ GRAFT_RATE_LIMIT_BURST: '2', GRAFT_RATE_LIMIT_PER_SECOND: '0.01', GRAFT_TRUST_PROXY: undefined }, () => loadConfig());
    const server = http.createServer(nodeListener(createApiHandler({ db, config }), 'stamp'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await createWithForgedHeader(url, `198.51.100.${i}`, { [SOCKET_ADDRESS_HEADER]: `203.0.113.${i}`, [SOCKET_STAMP_HEADER]: '' })).status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('reads are limited too (higher limit), with Retry-After', async () => {
    const url = await serve({ GRAFT_READ_RATE_LIMIT_BURST: '5', GRAFT_READ_RATE_LIMIT_PER_SECOND: '0.01' }, 'standalone');
    const statuses = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${url}/api/trpc/health`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } });
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('a batched request shares one image budget across its calls', async () => {
    const url = await serve({ GRAFT_MAX_DATASET_IMAGES: '4', GRAFT_RATE_LIMIT_BURST: '0' }, 'standalone');
    const { tinyPng } = await import('./test/pngs');
    const images = (n: number) => Array.from({ length: n }, (_, i) => ({ label: 'a', fileName: `${i}.png`, data: tinyPng(i).toString('base64') }));
    const batch = { 0: { name: 'one', images: images(3) }, 1: { name: 'two', images: images(3) } };
    const res = await fetch(`${url}/api/trpc/dataset.upload,dataset.upload?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    const body = (await res.json()) as { error?: { data?: { code?: string } }; result?: unknown }[];
    expect(body[0]!.result).toBeDefined();
    expect(body[1]!.error?.data?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
