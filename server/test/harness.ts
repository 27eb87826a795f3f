/**
 * Test harness: a real database (PGlite in a temp dir, or PostgreSQL from TEST_DATABASE_URL) behind the
 * real API handler on a real Node HTTP server, called with the real tRPC client over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../trpc/router';
import { createApiHandler } from '../http/handler';
import { createNodeServer } from '../http/nodeServer';
import { openDatabase, type Database } from '../db';
import { loadConfig, type ServerConfig } from '../config';
import { emptyGraph, type GraftGraph } from '@/nodes/core/graph';

export type Engine = 'pglite' | 'postgres';

export interface TestServer {
  url: string;
  db: Database;
  client: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** A client that sends a fixed X-Forwarded-For (per-IP rate limit tests). */
  clientAs(ip: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  close(): Promise<void>;
}

export const postgresUrl = process.env.TEST_DATABASE_URL?.trim() || null;

// The PostgreSQL half of the storage tests: always in CI (.ci/run starts a server and sets CI=1), loudly skipped
// elsewhere when no server is configured.
if (!postgresUrl && process.env.CI) {
  throw new Error('CI is set but TEST_DATABASE_URL is not: the PostgreSQL storage tests must run in CI.');
}
if (!postgresUrl) {
  console.warn(
    '\n************************************************************************************************\n' +
      '*  SKIPPING the PostgreSQL storage tests: TEST_DATABASE_URL is not set (only PGlite runs).     *\n' +
      '*  Run them with:  eval "$(bash scripts/start-test-postgres.sh)"  (CI always does).            *\n' +
      '************************************************************************************************\n',
  );
}

/** Each PostgreSQL test server gets its own fresh schema-less database state by truncating tables. */
async function resetPostgres(db: Database) {
  await db.query('TRUNCATE graphs, graph_versions, run_results, shared_datasets, shared_dataset_images, assignments, rate_limit_buckets CASCADE');
}

export async function startTestServer(engine: Engine, configOverrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  let tempDir: string | null = null;
  let db: Database;
  if (engine === 'pglite') {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-pglite-'));
    db = await openDatabase({ databaseUrl: null, pgliteDir: tempDir });
  } else {
    if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
    db = await openDatabase({ databaseUrl: postgresUrl });
    await resetPostgres(db);
  }
  // Tests name their client with X-Forwarded-For: trust exactly one proxy hop (the test itself).
  const config: ServerConfig = { ...loadConfig(), trustProxy: { kind: 'hops', hops: 1 }, ...configOverrides };
  const server = createNodeServer(createApiHandler({ db, config }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const makeClient = (ip?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${url}/api/trpc`, methodOverride: 'POST', headers: ip ? { 'x-forwarded-for': ip } : {} })],
    });
  return {
    url,
    db,
    client: makeClient(`test-${Math.random()}`),
    clientAs: (ip) => makeClient(ip),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** The tRPC error code of a rejected call ("CONFLICT", …), or a failure when it resolved. */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = (err.data ?? {}) as Record<string, unknown>;
      return { code: String(data.code), message: err.message, data };
    }
    throw err;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

export function sampleGraph(name = 'Flowers', nodeCount = 3): GraftGraph {
  const g = emptyGraph(name);
  for (let i = 0; i < nodeCount; i++) {
    g.nodes.push({ id: `n${i}`, type: i === 0 ? 'dataset' : 'train', position: { x: i * 100, y: 0 }, params: { i } });
  }
  if (nodeCount >= 2) g.edges.push({ id: 'e0', source: 'n0', sourceHandle: 'data', target: 'n1', targetHandle: 'data' });
  return g;
}
