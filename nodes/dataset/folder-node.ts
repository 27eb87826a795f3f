/**
 * Class-folder datasets in Node: `root/<class>/<images…>` → ImageSource, and dataset-id resolution for the
 * Node host (server, CLI, tests). Class names are the sub-folder names, sorted. Files are checked by magic bytes
 * and header at open time (cheap: first 64 KB), decoded only when loaded, so large folders keep memory bounded.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DecodedImage, ImageSource } from '../engine/host';
import { decodeImage, ImageDecodeError, inspectImageHeader } from './decode-node';
import { isSyntheticDatasetId, syntheticImageSource } from './synthetic';

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
async function readFolder(dir: string): Promise<{ dirs: string[]; files: string[] }> {
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
    let { head, size } = await readHead(file, HEADER_BYTES);
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

/** Open a class-folder dataset (listed by `listClassFolders`); images are decoded only when loaded. */
export async function openFolderDataset(dir: string): Promise<ImageSource> {
  const root = path.resolve(dir);
  const { labels, items, skipped } = await listClassFolders(root);
  const files = items.map((item) => path.join(root, item.name));
  return {
    labels,
    items,
    skipped,
    async load(index: number, maxSide: number): Promise<DecodedImage> {
      const file = files[index];
      if (file === undefined) throw new RangeError(`image index ${index} out of range (0..${files.length - 1})`);
      return decodeImage(new Uint8Array(await fs.readFile(file)), maxSide);
    },
  };
}

/** DATASETS_DIR (default `./datasets`), absolute. */
export function defaultDatasetsDir(): string {
  return path.resolve(process.env.DATASETS_DIR || './datasets');
}

/** `dir:<name>` → absolute folder inside `datasetsDir`; rejects anything that could escape it. */
export function datasetDirFor(name: string, datasetsDir: string = defaultDatasetsDir()): string {
  if (
    !name ||
    name === '.' ||
    name === '..' ||
    name.startsWith('.') ||
    /[\\/\0]/.test(name) ||
    path.isAbsolute(name)
  ) {
    throw new DatasetError(`Invalid dataset folder name "${name}": use the name of a folder inside DATASETS_DIR`);
  }
  const base = path.resolve(datasetsDir);
  const resolved = path.resolve(base, name);
  if (path.dirname(resolved) !== base) throw new DatasetError(`Invalid dataset folder name "${name}"`);
  return resolved;
}

/**
 * Open any dataset id on the Node host: `builtin:<name>` → synthetic, `dir:<name>` → `${datasetsDir}/<name>`,
 * an absolute or relative path (CLI `--dataset`) → that folder. `local:` / `shared:` ids belong to the browser and
 * the server's upload store and are rejected here.
 */
export async function resolveDatasetId(
  id: string,
  options: { datasetsDir?: string } = {},
): Promise<ImageSource> {
  if (id.startsWith('builtin:')) {
    if (!isSyntheticDatasetId(id)) throw new DatasetError(`Unknown built-in dataset "${id}"`);
    return syntheticImageSource(id);
  }
  if (id.startsWith('dir:')) return openFolderDataset(datasetDirFor(id.slice(4), options.datasetsDir));
  if (id.startsWith('local:')) {
    throw new DatasetError(`"${id}" is stored in a browser and is not available here; upload or share it first`);
  }
  if (id.startsWith('shared:')) throw new DatasetError(`"${id}" must be opened through the server's dataset store`);
  if (!id.trim()) throw new DatasetError('No dataset chosen');
  return openFolderDataset(path.resolve(id));
}

export interface FolderDatasetSummary {
  id: string;
  name: string;
  classes: string[];
}

/** Folders under `datasetsDir` that look like class-folder datasets (≥ 1 non-hidden sub-folder). Missing dir → []. */
export async function listFolderDatasets(datasetsDir: string = defaultDatasetsDir()): Promise<FolderDatasetSummary[]> {
  const datasets = await readFolder(datasetsDir).catch(() => ({ dirs: [] as string[], files: [] as string[] }));
  const out: FolderDatasetSummary[] = [];
  for (const name of datasets.dirs) {
    const { dirs: classes } = await readFolder(path.join(datasetsDir, name)).catch(() => ({ dirs: [] as string[] }));
    if (classes.length > 0) out.push({ id: `dir:${name}`, name, classes });
  }
  return out;
}
