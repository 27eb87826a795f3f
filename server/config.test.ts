/**
 * Configuration from environment variables: loadConfig() parses them (defaults, numbers, refusals), and a server
 * started with no config object enforces what the environment says — over real HTTP, with the default (untrusted)
 * proxy setting, so a client cannot dodge the rate limit by inventing X-Forwarded-For addresses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from './trpc/router';
import { loadConfig } from './config';
import { createApiHandler } from './http/handler';
import { createNodeServer } from './http/nodeServer';
import { openDatabase, type Database } from './db';
import { errorOf, sampleGraph } from './test/harness';

const VARS = [
  'DATABASE_URL',
  'DATA_DIR',
  'PGLITE_DIR',
  'GRAFT_MAX_BODY_BYTES',
  'GRAFT_MAX_DATASET_BYTES',
  'GRAFT_MAX_IMAGE_BYTES',
  'GRAFT_MAX_DATASET_IMAGES',
  'GRAFT_MAX_TRAINED_MODEL_BYTES',
  'GRAFT_RATE_LIMIT_BURST',
  'GRAFT_RATE_LIMIT_PER_SECOND',
  'GRAFT_TRUST_PROXY',
];
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

function restoreEnv() {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
}

function setEnv(values: Record<string, string | undefined>) {
  for (const v of VARS) delete process.env[v];
  for (const [k, v] of Object.entries(values)) if (v !== undefined) process.env[k] = v;
}

afterEach(restoreEnv);

describe('loadConfig()', () => {
  it('defaults when nothing is set', () => {
    setEnv({});
    const c = loadConfig();
    expect(c.databaseUrl).toBeNull();
    expect(c.pgliteDir).toBe(path.resolve('./data', 'pglite'));
    expect(c.maxBodyBytes).toBe(1024 * 1024);
    expect(c.maxDatasetBytes).toBe(50 * 1024 * 1024);
    expect(c.maxImageBytes).toBe(5 * 1024 * 1024);
    expect(c.maxDatasetImages).toBe(10_000);
    expect(c.maxTrainedModelBytes).toBe(20 * 1024 * 1024);
    expect(c.rateLimitBurst).toBe(120);
    expect(c.rateLimitPerSecond).toBe(2);
    expect(c.trustProxy).not.toBe(true);
  });

  it('reads every variable, trimming text and accepting decimals', () => {
    setEnv({
      DATABASE_URL: '  postgres://u@h/db  ',
      DATA_DIR: '/srv/graft-data',
      GRAFT_MAX_BODY_BYTES: '2048',
      GRAFT_MAX_DATASET_BYTES: '4096',
      GRAFT_MAX_IMAGE_BYTES: '512',
      GRAFT_MAX_DATASET_IMAGES: '7',
      GRAFT_MAX_TRAINED_MODEL_BYTES: '999',
      GRAFT_RATE_LIMIT_BURST: '0',
      GRAFT_RATE_LIMIT_PER_SECOND: '0.5',
    });
    const c = loadConfig();
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.pgliteDir).toBe('/srv/graft-data/pglite');
    expect([c.maxBodyBytes, c.maxDatasetBytes, c.maxImageBytes, c.maxDatasetImages, c.maxTrainedModelBytes]).toEqual([2048, 4096, 512, 7, 999]);
    expect([c.rateLimitBurst, c.rateLimitPerSecond]).toEqual([0, 0.5]);
    process.env.PGLITE_DIR = ' /elsewhere/pg ';
    expect(loadConfig().pgliteDir).toBe('/elsewhere/pg');
  });

  it('treats empty and blank values as unset', () => {
    setEnv({ DATABASE_URL: '   ', DATA_DIR: '', GRAFT_MAX_BODY_BYTES: '', GRAFT_RATE_LIMIT_BURST: '  ' });
    const c = loadConfig();
    expect(c.databaseUrl).toBeNull();
    expect(c.pgliteDir).toBe(path.resolve('./data', 'pglite'));
    expect(c.maxBodyBytes).toBe(1024 * 1024);
    expect(c.rateLimitBurst).toBe(120);
  });

  it.each([
    ['GRAFT_MAX_BODY_BYTES', 'lots'],
    ['GRAFT_MAX_IMAGE_BYTES', '-1'],
    ['GRAFT_RATE_LIMIT_BURST', 'Infinity'],
    ['GRAFT_RATE_LIMIT_PER_SECOND', 'NaN'],
    ['GRAFT_MAX_DATASET_IMAGES', '12abc'],
  ])('refuses %s=%s naming the variable and the value', (name, value) => {
    setEnv({ [name]: value });
    expect(() => loadConfig()).toThrow(`${name} must be a non-negative number, got "${value}"`);
  });
});

describe('a server configured only by the environment (real HTTP, PGlite)', () => {
  let db: Database;
  let server: http.Server;
  let url = '';
  let tmp = '';

  beforeAll(async () => {
    setEnv({ GRAFT_RATE_LIMIT_BURST: '2', GRAFT_RATE_LIMIT_PER_SECOND: '0.001', GRAFT_MAX_BODY_BYTES: '3000' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-env-config-'));
    db = await openDatabase({ databaseUrl: null, pgliteDir: tmp });
    server = createNodeServer(createApiHandler({ db })); // no config object: the handler reads the environment
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    restoreEnv();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await db?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const client = (forwardedFor?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${url}/api/trpc`, methodOverride: 'POST', headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} })],
    });

  it('refuses bodies over GRAFT_MAX_BODY_BYTES with PAYLOAD_TOO_LARGE', async () => {
    const big = sampleGraph('x'.repeat(4000));
    const refused = await errorOf(client().graph.create.mutate({ graph: big }));
    expect(refused.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rate-limits by the socket address: invented X-Forwarded-For headers are not trusted by default', async () => {
    // Burst 2: three writes from one socket, each claiming another address. Trusting the header would let all three
    // through; the default counts the socket, so one of them (at the latest the third) is refused.
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push(
        await client(`203.0.113.${i}`)
          .graph.create.mutate({ graph: sampleGraph(`g${i}`) })
          .then(() => 'OK', async (e: unknown) => (await errorOf(Promise.reject(e))).code),
      );
    }
    expect(codes).toContain('TOO_MANY_REQUESTS');
    expect(codes.filter((c) => c === 'OK').length).toBeLessThanOrEqual(2);
  });
});
