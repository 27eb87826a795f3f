/**
 * THE class-folder rule for `dir:` datasets (see `listClassFolders`), one copy shared by the Node host/CLI, the
 * server's /api/datasets listing (which the browser worker reads) and the program "View code" exports (which embeds
 * this file verbatim). Node only: file system + header checks, no decoding of pixels.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageDecodeError, inspectImageHeader } from './decode-node';

/** Bytes read per file when opening a dataset (enough for JPEG frame headers after typical EXIF blocks). */
const HEADER_BYTES = 64 * 1024;
/** Parallel file reads while opening a dataset. */
const OPEN_CONCURRENCY = 16;
/** Files that live next to datasets but are not data; skipped without a report. */
const QUIET_FILES = /^(source\.md|license(\.[a-z]+)?|readme(\.[a-z]+)?|thumbs\.db|desktop\.ini)$/i;

/** A dataset that cannot be opened (missing folder, bad id); the message is meant for the user. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

function isQuiet(name: string): boolean {
  return name.startsWith('.') || name.startsWith('__MACOSX') || QUIET_FILES.test(name);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Entry = { name: string; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean };

/** Kind of a directory entry, following symlinks (a dataset or class folder may be a link). */
async function kindOf(parent: string, entry: Entry): Promise<'dir' | 'file' | 'other'> {
  if (entry.isSymbolicLink()) {
    const stat = await fs.stat(path.join(parent, entry.name)).catch(() => null);
    return stat?.isDirectory() ? 'dir' : stat?.isFile() ? 'file' : 'other';
  }
  return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
}

/** Names of the visible sub-folders and files of `dir`, each sorted. */
export async function readFolder(dir: string): Promise<{ dirs: string[]; files: string[] }> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const dirs: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (isQuiet(entry.name)) continue;
    const kind = await kindOf(dir, entry);
    if (kind === 'dir') dirs.push(entry.name);
    else if (kind === 'file') files.push(entry.name);
  }
  return { dirs: dirs.sort(byName), files: files.sort(byName) };
}

/** All non-hidden files below `dir` (recursively), as paths relative to `dir`, sorted. */
async function listFiles(dir: string, prefix = '', depth = 0): Promise<string[]> {
  const { dirs, files } = await readFolder(path.join(dir, prefix));
  const out = files.map((name) => (prefix ? `${prefix}/${name}` : name));
  // Depth limit: guards against symlink loops.
  if (depth < 8) {
    for (const sub of dirs) out.push(...(await listFiles(dir, prefix ? `${prefix}/${sub}` : sub, depth + 1)));
  }
  return out.sort(byName);
}

async function readHead(file: string, bytes: number): Promise<{ head: Uint8Array; size: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = new Uint8Array(Math.min(bytes, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { head: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** Run `task` over `items` with at most `limit` in flight; results keep input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Check one file's header: null when usable, else the skip reason. */
async function checkFile(file: string): Promise<string | null> {
  try {
    const read = await readHead(file, HEADER_BYTES);
    let head = read.head;
    const size = read.size;
    let header = inspectImageHeader(head, size);
    if (!header) {
      // JPEG frame header after a very large metadata block: read the whole file once.
      head = new Uint8Array(await fs.readFile(file));
      header = inspectImageHeader(head, head.length);
    }
    return header ? null : 'corrupt';
  } catch (error) {
    if (error instanceof ImageDecodeError) return error.reason;
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'unreadable (permission denied)' : 'unreadable';
  }
}

/** A class-folder dataset's listing: the one rule shared by the CLI/Node host, the server's /api/datasets (which
 * the browser worker reads) and anything else that lists `dir:` datasets. */
export interface ClassFolderListing {
  /** Class names = the sub-folders holding at least one usable image, sorted by name (code-unit order). */
  labels: string[];
  /** Usable images, sorted by class then path; `name` = `<class>/<path inside the class folder>` (the file's
   * identity everywhere: split fingerprints, predictions, reports). */
  items: Array<{ label: number; name: string }>;
  skipped: Array<{ name: string; reason: string }>;
}

/**
 * List a class-folder dataset — THE rule for `dir:` datasets:
 *  - sub-folders of `dir` are classes (sorted by name); folders nested inside a class folder belong to that class
 *    (recursion, up to 8 levels; symlinks followed);
 *  - a file is an image when its bytes say so (signature + header check of the first 64 KB: JPEG, PNG, GIF, WebP,
 *    BMP, at least 16×16), whatever its extension; anything else is listed in `skipped` with the reason;
 *  - hidden files, `__MACOSX`, SOURCE.md, LICENSE, README, Thumbs.db and desktop.ini are ignored quietly;
 *  - images directly in `dir` are skipped ("not in a class folder"); class folders with no usable image are
 *    skipped too, so every label has at least one item.
 */
export async function listClassFolders(dir: string): Promise<ClassFolderListing> {
  const root = path.resolve(dir);
  let top: { dirs: string[]; files: string[] };
  try {
    top = await readFolder(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(`Dataset folder not found: ${dir}`);
    if (code === 'ENOTDIR') throw new DatasetError(`Not a folder: ${dir}`);
    throw new DatasetError(`Cannot read dataset folder ${dir}: ${(error as Error).message}`);
  }
  const skipped: ClassFolderListing['skipped'] = [];
  // Images lying directly in the root cannot be labelled; other root files (notes, licences) are not data.
  for (const name of top.files) {
    if ((await checkFile(path.join(root, name))) === null) skipped.push({ name, reason: 'not in a class folder' });
  }
  const labels: string[] = [];
  const items: ClassFolderListing['items'] = [];
  for (const className of top.dirs) {
    const rels = await listFiles(path.join(root, className));
    const reasons = await mapLimit(rels, OPEN_CONCURRENCY, (rel) => checkFile(path.join(root, className, rel)));
    const usable: string[] = [];
    rels.forEach((rel, i) => {
      const name = `${className}/${rel}`;
      if (reasons[i] === null) usable.push(name);
      else skipped.push({ name, reason: reasons[i] as string });
    });
    if (usable.length === 0) {
      skipped.push({ name: `${className}/`, reason: 'class folder has no usable images' });
      continue;
    }
    const label = labels.push(className) - 1;
    for (const name of usable) items.push({ label, name });
  }
  return { labels, items, skipped };
}
