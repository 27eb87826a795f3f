/**
 * Several app instances on one PostgreSQL behave as one: two real server processes (server/standalone.ts, the
 * handler the Next routes use) started together on one database migrate it once, share one write rate limit
 * (buckets live in the database, not in process memory) and detect edit conflicts across instances.
 * Needs TEST_DATABASE_URL (CI sets it); otherwise skipped — loudly, in the test title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { MIGRATIONS } from './db/migrations';
import { errorOf, postgresUrl, sampleGraph } from './test/harness';
import { startStandalone, trpcClientFor } from './test/standaloneProcess';

async function startInstance(env: Record<string, string>) {
  const server = await startStandalone({ GRAFT_TRUST_PROXY: '', ...env });
  return { ...server, client: trpcClientFor(server.url) };
}

describe.skipIf(!postgresUrl)(
  postgresUrl ? 'two instances on one PostgreSQL' : 'two instances on one PostgreSQL — SKIPPED: TEST_DATABASE_URL not set; run `eval "$(scripts/start-test-postgres.sh)"` first',
  () => {
    let a: Awaited<ReturnType<typeof startInstance>>;
    let b: typeof a;
    beforeAll(async () => {
      const db = await openDatabase({ databaseUrl: postgresUrl });
      // A fresh start: no tables, so both instances race to migrate.
      await db.query('DROP SCHEMA public CASCADE');
      await db.query('CREATE SCHEMA public');
      await db.close();
      const env = { DATABASE_URL: postgresUrl!, GRAFT_RATE_LIMIT_BURST: '6', GRAFT_RATE_LIMIT_PER_SECOND: '0.01' };
      [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
    });
    afterAll(async () => {
      await Promise.all([a, b].map((i) => i?.stop()));
    });

    it('migrated once; one shared write limit; edit conflicts detected across instances', async () => {
      const db = await openDatabase({ databaseUrl: postgresUrl });
      try {
        const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
        expect(Number(rows[0]!.n)).toBe(MIGRATIONS.length);
      } finally {
        await db.close();
      }

      const created = await a.client.graph.create.mutate({ graph: sampleGraph('v1') }); // write 1 (A)
      const { id, editToken } = created;
      expect((await b.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('v2 via B') })).version).toBe(2); // 2 (B)
      const stale = await errorOf(a.client.graph.update.mutate({ id, editToken, baseVersion: 1, graph: sampleGraph('stale via A') })); // 3 (A)
      expect(stale.code).toBe('CONFLICT');
      expect(stale.data.currentVersion).toBe(2);
      // Both instances save on the same base at once: exactly one wins.
      const race = await Promise.allSettled([
        a.client.graph.update.mutate({ id, editToken, baseVersion: 2, graph: sampleGraph('race A') }), // 4
        b.client.graph.update.mutate({ id, editToken, baseVersion: 2, graph: sampleGraph('race B') }), // 5
      ]);
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await errorOf(Promise.reject((race.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).then((e) => e.code)).toBe('CONFLICT');
      await b.client.graph.create.mutate({ graph: sampleGraph('sixth') }); // 6 (B): the shared bucket is now empty

      // Process-local buckets would each still hold tokens (A used 3, B used 3 of 6): the shared one refuses both.
      for (const instance of [a, b]) {
        const res = await fetch(`${instance.url}/api/trpc/graph.create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ graph: sampleGraph('over') }),
        });
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // Reads are not affected by the write limit.
      expect((await a.client.graph.get.query({ id })).version).toBe(3);
    });
  },
);
