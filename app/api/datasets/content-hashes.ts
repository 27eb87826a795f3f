/**
 * SHA-256 of dataset files for the listing (`GET /api/datasets/<name>?hashes=1`), so the browser's feature cache
 * key (nodes/engine/feature-key.ts) needs no second download of every image on every Run. A hash is kept per
 * absolute path together with the file's size, modification and change times and inode: any write to the file
 * (even one that keeps its size and restores its mtime, as `cp -p` or rsync do) changes the change time, so the
 * next listing hashes its new bytes — cached trunk features are never served for changed images. File times tick
 * coarsely (4 ms here), so a write in the same tick as our read would keep the stamp: like git's "racy" index
 * entries, a hash of a file changed within the last second is not remembered (it is hashed again next time).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

/** Files read at once when hashing many (bounded: a 5,000-image folder is not held in memory at once). */
const MAX_IN_FLIGHT = 16;
/** Hashes kept (about 100 bytes each); beyond it the oldest are dropped and recomputed when asked again. */
const MAX_ENTRIES = 200_000;

/** A file changed more recently than this may change again without its stamp changing: not remembered. */
const RACY_MS = 1000;

const known = new Map<string, { stamp: string; hash: string }>();

function stampOf(stat: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
}

/** SHA-256 (hex) of one file's bytes; recomputed only when its stat stamp changed since the last call. */
export async function fileContentHash(file: string): Promise<string> {
  const stat = await fs.stat(file);
  const before = stampOf(stat);
  const cached = known.get(file);
  if (cached && cached.stamp === before) return cached.hash;
  const bytes = await fs.readFile(file);
  const hash = createHash('sha256').update(bytes).digest('hex');
  // A write while we read would leave a hash of mixed bytes: only remember it when the file did not change meanwhile.
  const settled = Date.now() - Math.max(stat.mtimeMs, stat.ctimeMs) > RACY_MS;
  if (settled && stampOf(await fs.stat(file)) === before) {
    known.delete(file);
    known.set(file, { stamp: before, hash });
    if (known.size > MAX_ENTRIES) known.delete(known.keys().next().value as string);
  }
  return hash;
}

/** Hashes of many files in order, a few read at a time. */
export async function fileContentHashes(files: string[]): Promise<string[]> {
  const hashes = new Array<string>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      hashes[i] = await fileContentHash(files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, files.length) }, worker));
  return hashes;
}
