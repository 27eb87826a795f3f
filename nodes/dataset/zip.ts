/**
 * Zip archive → SourceEntry list for `importEntries` (same normalisation as a folder upload).
 * Photos barely compress, so holding the decompressed entries costs about the zip's own size.
 */
import { unzipSync } from 'fflate';
import { isJunkPath, type SkippedFile, type SourceEntry } from './import';
import { MAX_IMAGE_BYTES } from './validate-image';

/** Refuse archives that would expand beyond this (zip bombs, accidental multi-GB archives). */
export const MAX_ZIP_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024;

export class ZipReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipReadError';
  }
}

export function zipEntries(zip: Uint8Array): { entries: SourceEntry[]; skipped: SkippedFile[] } {
  const skipped: SkippedFile[] = [];
  let expanded = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter(file) {
        if (file.name.endsWith('/') || isJunkPath(file.name)) return false;
        if (file.originalSize > MAX_IMAGE_BYTES) {
          skipped.push({ name: file.name, reason: `file too large (${Math.round(file.originalSize / 1024 / 1024)} MB)` });
          return false;
        }
        expanded += file.originalSize;
        if (expanded > MAX_ZIP_EXPANDED_BYTES) throw new ZipReadError('The zip expands to more than 4 GB; split it into smaller archives.');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ZipReadError) throw e;
    throw new ZipReadError(`This file could not be read as a zip archive (${(e as Error).message || 'invalid data'}).`);
  }
  const entries = Object.entries(files).map(([path, bytes]) => ({ path, read: () => bytes }));
  return { entries, skipped };
}
