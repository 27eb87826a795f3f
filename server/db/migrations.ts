/**
 * The schema, as ordered migrations. Append new entries; never edit an applied one.
 * Applied inside one transaction holding an advisory lock, so concurrent server starts
 * against the same PostgreSQL serialise and each migration runs exactly once.
 */
import type { Database } from './types';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'graphs, versions, run results, shared datasets',
    sql: `
      CREATE TABLE graphs (
        id                  text PRIMARY KEY,
        edit_token_hash     text NOT NULL,
        name                text NOT NULL,
        current_version     integer NOT NULL,
        forked_from         text,
        forked_from_version integer,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE graph_versions (
        graph_id   text NOT NULL REFERENCES graphs(id) ON DELETE CASCADE,
        version    integer NOT NULL,
        name       text NOT NULL,
        graph      jsonb NOT NULL,
        note       text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (graph_id, version)
      );
      CREATE TABLE run_results (
        id         text PRIMARY KEY,
        graph_id   text NOT NULL REFERENCES graphs(id) ON DELETE CASCADE,
        version    integer NOT NULL,
        results    jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX run_results_graph_created ON run_results (graph_id, created_at DESC);
      CREATE TABLE shared_datasets (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        labels      jsonb NOT NULL,
        image_count integer NOT NULL,
        total_bytes integer NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE shared_dataset_images (
        dataset_id text NOT NULL REFERENCES shared_datasets(id) ON DELETE CASCADE,
        idx        integer NOT NULL,
        label      text NOT NULL,
        file_name  text NOT NULL,
        mime       text NOT NULL,
        data       bytea NOT NULL,
        PRIMARY KEY (dataset_id, idx)
      );
    `,
  },
  {
    id: 10,
    name: 'classroom assignments: hidden test set, students, submissions',
    sql: `
      CREATE TABLE assignments (
        id                  text PRIMARY KEY,
        teacher_token_hash  text NOT NULL,
        title               text NOT NULL,
        instructions        text NOT NULL,
        starter_graph_id    text NOT NULL,
        starter_version     integer NOT NULL,
        training_dataset_id text NOT NULL,
        daily_limit         integer NOT NULL,
        deadline            timestamptz,
        metric              text NOT NULL,
        status              text NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE assignment_test_images (
        assignment_id text NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
        idx           integer NOT NULL,
        mime          text NOT NULL,
        data          bytea NOT NULL,
        PRIMARY KEY (assignment_id, idx)
      );
      CREATE TABLE assignment_test_labels (
        assignment_id text NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
        idx           integer NOT NULL,
        label         text NOT NULL,
        PRIMARY KEY (assignment_id, idx)
      );
      CREATE TABLE assignment_students (
        id                 text PRIMARY KEY,
        assignment_id      text NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
        display_name       text NOT NULL,
        name_key           text NOT NULL,
        student_token_hash text NOT NULL,
        graph_id           text NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (assignment_id, name_key)
      );
      CREATE TABLE assignment_submissions (
        id            text PRIMARY KEY,
        assignment_id text NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
        student_id    text NOT NULL REFERENCES assignment_students(id) ON DELETE CASCADE,
        graph_id      text NOT NULL,
        version       integer NOT NULL,
        accuracy      double precision NOT NULL,
        macro_f1      double precision NOT NULL,
        choices       jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX assignment_submissions_by_assignment ON assignment_submissions (assignment_id, created_at);
      CREATE INDEX assignment_submissions_by_student ON assignment_submissions (student_id, created_at)
    `,
  },
  {
    id: 20,
    name: 'trained models shared with graphs',
    sql: `
      CREATE TABLE trained_models (
        graph_id      text PRIMARY KEY REFERENCES graphs(id) ON DELETE CASCADE,
        graph_version integer NOT NULL,
        size_bytes    integer NOT NULL,
        sha256        text NOT NULL,
        meta          jsonb NOT NULL,
        data          bytea NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )
    `,
  },
  {
    id: 130,
    name: 'rate-limit buckets shared by every server instance; shared datasets stored in chunks (complete flag)',
    // UNLOGGED: no WAL/fsync per request (a crash just refills the buckets, which is harmless).
    sql: `
      CREATE UNLOGGED TABLE rate_limit_buckets (
        bucket     text PRIMARY KEY,
        tokens     double precision NOT NULL,
        updated_ms double precision NOT NULL,
        allowed    boolean NOT NULL
      );
      ALTER TABLE shared_datasets ADD COLUMN complete boolean NOT NULL DEFAULT true;
      ALTER TABLE shared_datasets ADD COLUMN upload_token_hash text
    `,
  },
  {
    id: 140,
    name: 'each shared image carries the SHA-256 of its bytes (the feature cache key, listed in the manifest)',
    // Images are immutable once stored: the hash is computed on upload; older rows are filled in here.
    sql: `
      ALTER TABLE shared_dataset_images ADD COLUMN sha256 text;
      UPDATE shared_dataset_images SET sha256 = encode(sha256(data), 'hex') WHERE sha256 IS NULL;
      ALTER TABLE shared_dataset_images ALTER COLUMN sha256 SET NOT NULL
    `,
  },
];

/** Arbitrary constant key for pg_advisory_xact_lock ("graft" in ASCII). */
const MIGRATION_LOCK_KEY = 0x6772616674;

/** Applies the migrations not yet recorded (`migrations`: all of them; tests pass a prefix to build an older schema). */
export async function runMigrations(db: Database, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ id: number }>('SELECT id FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.id)));
    const newlyApplied: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      newlyApplied.push(m.id);
    }
    return newlyApplied;
  });
}

/** Our migrations contain no semicolons inside literals, so a plain split is safe (extended protocol = one statement per query). */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
