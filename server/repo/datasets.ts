/** Shared datasets: labelled PNG/JPEG images uploaded with a graph, readable by anyone with the id. */
import { createHash, randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { Database, Queryable } from '../db';
import type { ServerConfig } from '../config';
import { assertImageSide } from './imageHeader';

export interface SharedImageInput {
  label: string;
  fileName: string;
  bytes: Uint8Array;
}

export interface SharedDatasetManifest {
  id: string; // "shared:<id>"
  name: string;
  labels: string[];
  imageCount: number;
  totalBytes: number;
  createdAt: string;
  /** `sha256`: of the image's bytes (the browser's feature-cache key, so it need not download and hash them). */
  images: { index: number; label: string; fileName: string; mime: string; url: string; sha256: string }[];
}

export function sniffImageMime(bytes: Uint8Array): 'image/png' | 'image/jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Per-image checks: size cap, PNG/JPEG by its bytes, header dimensions capped. */
export function prepareSharedImage(img: SharedImageInput, index: number, config: ServerConfig) {
  if (img.bytes.length > config.maxImageBytes) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `Image "${img.fileName}" is ${(img.bytes.length / 1048576).toFixed(1)} MB; the limit per image is ${(config.maxImageBytes / 1048576).toFixed(1)} MB.`,
    });
  }
  const mime = sniffImageMime(img.bytes);
  if (!mime) throw new TRPCError({ code: 'BAD_REQUEST', message: `"${img.fileName}" (image ${index + 1}) is not a PNG or JPEG file.` });
  assertImageSide(img.bytes, config.maxImageSide, `"${img.fileName}" (image ${index + 1})`);
  return { ...img, mime, index, sha256: createHash('sha256').update(img.bytes).digest('hex') };
}

/** Stores one checked image (both upload paths). */
export async function insertSharedImage(db: Queryable, datasetId: string, p: ReturnType<typeof prepareSharedImage>): Promise<void> {
  await db.query('INSERT INTO shared_dataset_images (dataset_id, idx, label, file_name, mime, data, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    datasetId,
    p.index,
    p.label,
    p.fileName,
    p.mime,
    Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength),
    p.sha256,
  ]);
}

/** Images per storage transaction (keeps each one short; see createSharedDataset). */
const UPLOAD_CHUNK_IMAGES = 8;

/** Validates caps and formats, then stores the images in short transactions; visible once all are stored. */
export async function createSharedDataset(db: Database, config: ServerConfig, name: string, images: SharedImageInput[]) {
  if (images.length > config.maxDatasetImages) {
    throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `A shared dataset may hold at most ${config.maxDatasetImages} images (got ${images.length}).` });
  }
  let total = 0;
  const prepared = images.map((img, index) => {
    total += img.bytes.length;
    return prepareSharedImage(img, index, config);
  });
  if (total > config.maxDatasetBytes) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `The dataset is ${(total / 1048576).toFixed(1)} MB; the limit is ${(config.maxDatasetBytes / 1048576).toFixed(0)} MB.`,
    });
  }
  const labels = [...new Set(prepared.map((p) => p.label))].sort();
  const id = randomBytes(12).toString('base64url');
  // Uploads abandoned by a crash mid-way (never marked complete) are swept by later uploads.
  await db.query(`DELETE FROM shared_datasets WHERE NOT complete AND created_at < now() - interval '1 hour'`);
  await db.query('INSERT INTO shared_datasets (id, name, labels, image_count, total_bytes, complete) VALUES ($1, $2, $3, $4, $5, false)', [
    id,
    name,
    JSON.stringify(labels),
    prepared.length,
    total,
  ]);
  // Short transactions of a few images each: on PGlite (one connection, one queue) reads run between chunks instead
  // of waiting for the whole upload. The dataset is invisible until it is marked complete.
  try {
    for (let start = 0; start < prepared.length; start += UPLOAD_CHUNK_IMAGES) {
      const chunk = prepared.slice(start, start + UPLOAD_CHUNK_IMAGES);
      await db.transaction(async (tx) => {
        for (const p of chunk) await insertSharedImage(tx, id, p);
      });
    }
    await db.query('UPDATE shared_datasets SET complete = true WHERE id = $1', [id]);
  } catch (err) {
    await db.query('DELETE FROM shared_datasets WHERE id = $1', [id]).catch(() => undefined);
    throw err;
  }
  return { id: `shared:${id}`, name, labels, imageCount: prepared.length, totalBytes: total };
}

export async function getSharedDatasetManifest(db: Database, rawId: string): Promise<SharedDatasetManifest> {
  const { rows } = await db.query<{ id: string; name: string; labels: string[]; image_count: number; total_bytes: number; created_at: Date | string }>(
    'SELECT * FROM shared_datasets WHERE id = $1 AND complete',
    [rawId],
  );
  const d = rows[0];
  if (!d) throw new TRPCError({ code: 'NOT_FOUND', message: `No shared dataset "shared:${rawId}".` });
  const images = await db.query<{ idx: number; label: string; file_name: string; mime: string; sha256: string }>(
    'SELECT idx, label, file_name, mime, sha256 FROM shared_dataset_images WHERE dataset_id = $1 ORDER BY idx',
    [rawId],
  );
  return {
    id: `shared:${d.id}`,
    name: d.name,
    labels: d.labels,
    imageCount: Number(d.image_count),
    totalBytes: Number(d.total_bytes),
    createdAt: (d.created_at instanceof Date ? d.created_at : new Date(d.created_at)).toISOString(),
    images: images.rows.map((r) => ({
      index: Number(r.idx),
      label: r.label,
      fileName: r.file_name,
      mime: r.mime,
      url: `/api/shared-datasets/${d.id}/images/${r.idx}`,
      sha256: r.sha256,
    })),
  };
}

export async function getSharedDatasetImage(db: Database, rawId: string, index: number) {
  const { rows } = await db.query<{ mime: string; data: Uint8Array }>(
    `SELECT i.mime, i.data FROM shared_dataset_images i JOIN shared_datasets d ON d.id = i.dataset_id AND d.complete
     WHERE i.dataset_id = $1 AND i.idx = $2`,
    [rawId, index],
  );
  return rows[0] ?? null;
}
