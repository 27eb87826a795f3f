/**
 * Chunked dataset uploads: `start` opens an upload session (an incomplete shared dataset plus a session token),
 * `add` stores a small batch of images in one short transaction, `finish` makes the dataset visible. The session's
 * running totals live in its database row (updated under a row lock), so the image-count and byte caps hold for the
 * whole upload whatever the batching, and no request carries more than one small batch.
 */
import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { Database } from '../db';
import type { ServerConfig } from '../config';
import { hashToken, tokenMatches } from '../tokens';
import { insertSharedImage, prepareSharedImage, type SharedImageInput } from './datasets';

export const MAX_IMAGES_PER_UPLOAD_CALL = 32;

/** Room for the JSON around the base64 images of one request (labels, file names, session id and token). */
const UPLOAD_JSON_OVERHEAD_BYTES = 64 * 1024;

/** Largest body of one `dataset.uploadImages` request: at least one image's cap, base64-encoded (4/3) with slack. */
export function uploadBatchBodyLimit(config: Pick<ServerConfig, 'maxBodyBytes' | 'maxImageBytes'>): number {
  return Math.max(config.maxBodyBytes, Math.ceil(config.maxImageBytes * 1.4) + UPLOAD_JSON_OVERHEAD_BYTES);
}

/** Image bytes (before base64) a client may put in one `dataset.uploadImages` request so it fits that limit. */
export function uploadBatchImageBytes(config: Pick<ServerConfig, 'maxBodyBytes' | 'maxImageBytes'>): number {
  return Math.floor(((uploadBatchBodyLimit(config) - UPLOAD_JSON_OVERHEAD_BYTES) * 3) / 4);
}

interface SessionRow {
  id: string;
  upload_token_hash: string | null;
  complete: boolean;
  image_count: number;
  total_bytes: number;
  labels: string[];
  name: string;
}

export async function startUpload(db: Database, name: string) {
  await db.query(`DELETE FROM shared_datasets WHERE NOT complete AND created_at < now() - interval '1 hour'`);
  const id = randomBytes(12).toString('base64url');
  const uploadToken = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO shared_datasets (id, name, labels, image_count, total_bytes, complete, upload_token_hash) VALUES ($1, $2, '[]', 0, 0, false, $3)`,
    [id, name, hashToken(uploadToken)],
  );
  return { uploadId: id, uploadToken };
}

async function lockSession(tx: Pick<Database, 'query'>, uploadId: string, uploadToken: string): Promise<SessionRow> {
  const { rows } = await tx.query<SessionRow>('SELECT * FROM shared_datasets WHERE id = $1 FOR UPDATE', [uploadId]);
  const row = rows[0];
  if (!row || row.complete || !row.upload_token_hash) throw new TRPCError({ code: 'NOT_FOUND', message: 'No open upload with this id (finished or expired).' });
  if (!tokenMatches(uploadToken, row.upload_token_hash)) throw new TRPCError({ code: 'FORBIDDEN', message: 'This upload token does not match the upload.' });
  return row;
}

export async function addUploadImages(db: Database, config: ServerConfig, uploadId: string, uploadToken: string, images: SharedImageInput[]) {
  return db.transaction(async (tx) => {
    const session = await lockSession(tx, uploadId, uploadToken);
    const start = Number(session.image_count);
    const prepared = images.map((img, i) => prepareSharedImage(img, start + i, config));
    const bytes = prepared.reduce((sum, p) => sum + p.bytes.length, 0);
    if (start + prepared.length > config.maxDatasetImages) {
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `A shared dataset may hold at most ${config.maxDatasetImages} images.` });
    }
    if (Number(session.total_bytes) + bytes > config.maxDatasetBytes) {
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `The dataset would exceed the limit of ${(config.maxDatasetBytes / 1048576).toFixed(0)} MB.` });
    }
    for (const p of prepared) await insertSharedImage(tx, uploadId, p);
    const labels = [...new Set([...session.labels, ...prepared.map((p) => p.label)])].sort();
    await tx.query('UPDATE shared_datasets SET image_count = $2, total_bytes = $3, labels = $4 WHERE id = $1', [
      uploadId,
      start + prepared.length,
      Number(session.total_bytes) + bytes,
      JSON.stringify(labels),
    ]);
    return { imageCount: start + prepared.length, totalBytes: Number(session.total_bytes) + bytes };
  });
}

export async function finishUpload(db: Database, uploadId: string, uploadToken: string) {
  return db.transaction(async (tx) => {
    const session = await lockSession(tx, uploadId, uploadToken);
    if (Number(session.image_count) === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'A dataset needs at least one image.' });
    await tx.query('UPDATE shared_datasets SET complete = true, upload_token_hash = NULL WHERE id = $1', [uploadId]);
    return { id: `shared:${uploadId}`, name: session.name, labels: session.labels, imageCount: Number(session.image_count), totalBytes: Number(session.total_bytes) };
  });
}
