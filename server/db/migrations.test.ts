/**
 * A migration that changes stored rows, applied to a database built with the schema before it (real PGlite on
 * disk): images shared before each image carried its SHA-256 get it filled in from their bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from './index';
import { MIGRATIONS, runMigrations } from './migrations';

const HASHES_MIGRATION = 140;

describe('migration 140: shared images carry their SHA-256', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-migrations-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fills in the hash of every image stored before it, and requires one afterwards', async () => {
    const db = await openPglite(dir);
    try {
      expect(await runMigrations(db, MIGRATIONS.filter((m) => m.id < HASHES_MIGRATION))).not.toContain(HASHES_MIGRATION);
      const bytes = [Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]), Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 8, 7, 6])];
      await db.query(`INSERT INTO shared_datasets (id, name, labels, image_count, total_bytes) VALUES ('old', 'old', '["a"]', 2, 14)`);
      for (const [idx, data] of bytes.entries()) {
        await db.query(`INSERT INTO shared_dataset_images (dataset_id, idx, label, file_name, mime, data) VALUES ('old', $1, 'a', $2, 'image/jpeg', $3)`, [
          idx,
          `${idx}.jpg`,
          data,
        ]);
      }

      expect(await runMigrations(db)).toEqual([HASHES_MIGRATION]);
      const { rows } = await db.query<{ idx: number; sha256: string }>(`SELECT idx, sha256 FROM shared_dataset_images ORDER BY idx`);
      expect(rows.map((r) => r.sha256)).toEqual(bytes.map((b) => createHash('sha256').update(b).digest('hex')));
      await expect(
        db.query(`INSERT INTO shared_dataset_images (dataset_id, idx, label, file_name, mime, data) VALUES ('old', 2, 'a', 'x.jpg', 'image/jpeg', $1)`, [bytes[0]]),
      ).rejects.toThrow(/sha256/);
    } finally {
      await db.close();
    }
  });
});
