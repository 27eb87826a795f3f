/**
 * Opens the database: PostgreSQL via `pg` when DATABASE_URL is set, otherwise embedded PGlite on disk.
 * Both run the same migrations and are used through the same `Database` interface.
 */
import fs from 'node:fs';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { loadConfig } from '../config';
import { runMigrations } from './migrations';
import type { Database, Queryable } from './types';
import { acquireDataDirLock } from './dataDirLock.mjs';

export type { Database, Queryable } from './types';

/** PostgreSQL's type id of bytea. */
const BYTEA_OID = 17;

/**
 * PGlite 0.5's own bytea (de)serialisers go through one JS string per byte (`Array.from(bytes).map(hex)`): ~0.2 s of
 * blocked event loop and heavy GC per 500 KB image. Node's native hex codec does the same in about a millisecond.
 */
const FAST_BYTEA = {
  serializers: {
    [BYTEA_OID]: (value: unknown): string => {
      if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
    },
  },
  parsers: {
    // Text format: "\x" followed by hex digits.
    [BYTEA_OID]: (text: string): Uint8Array => new Uint8Array(Buffer.from(text.slice(2), 'hex')),
  },
};

export async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  // One writer per folder: a second server on it refuses to start (throws, naming the folder and the holder).
  const lock = acquireDataDirLock(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  // relaxedDurability: false → every query waits for the filesystem sync before resolving, so an
  // acknowledged write is on disk (NodeFS writes straight through to the host filesystem).
  const pg = await PGlite.create({ dataDir, relaxedDurability: false, ...FAST_BYTEA }).catch((err: unknown) => {
    lock.release();
    throw err;
  });
  // PGlite is a single connection: serialise transactions so interleaved requests can't share one.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const asQueryable = (q: { query: typeof pg.query }): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      // PGlite runs each query synchronously (WASM + sync file I/O) and resolves in microtasks, so a chain of
      // queries (an upload's transaction) would never let the event loop accept or answer other requests.
      // One macrotask turn before each query lets pending I/O (other requests, cached reads) run in between.
      await nextMacrotask();
      const res = await q.query<Row>(sql, params as unknown[]);
      return { rows: res.rows };
    },
  });
  return {
    engine: 'pglite',
    query: (sql, params) => exclusive(() => asQueryable(pg).query(sql, params)),
    transaction: (fn) => exclusive(() => pg.transaction((tx) => fn(asQueryable(tx)))),
    close: () => exclusive(() => pg.close()).finally(() => lock.release()),
  } as Database;
}

export async function openPostgres(connectionString: string): Promise<Database> {
  const { Pool } = (await import('pg')).default;
  const pool = new Pool({ connectionString, max: 10 });
  // An idle client error (e.g. server restart) must not crash the process.
  pool.on('error', (err) => console.error('[graft] postgres pool error:', err.message));
  return {
    engine: 'postgres',
    async query<Row>(sql: string, params: unknown[] = []) {
      const res = await pool.query(sql, params);
      return { rows: res.rows as Row[] };
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<Row>(sql: string, params: unknown[] = []) {
            const res = await client.query(sql, params);
            return { rows: res.rows as Row[] };
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export interface OpenOptions {
  databaseUrl?: string | null;
  pgliteDir?: string;
}

/** Open + migrate. */
export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const config = loadConfig();
  const url = opts.databaseUrl !== undefined ? opts.databaseUrl : config.databaseUrl;
  const db = url ? await openPostgres(url) : await openPglite(opts.pgliteDir ?? config.pgliteDir);
  try {
    await runMigrations(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

// One process-wide database (survives Next dev hot reloads via globalThis).
const globalForDb = globalThis as unknown as { __graftDb?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  if (!globalForDb.__graftDb) {
    globalForDb.__graftDb = openDatabase().catch((err) => {
      globalForDb.__graftDb = undefined; // let the next request retry
      throw err;
    });
  }
  return globalForDb.__graftDb;
}
