/**
 * Class-folder datasets under DATASETS_DIR: `<DATASETS_DIR>/<name>/<class>/<image>`. Server only. DATASETS_DIR
 * may list several folders separated by the platform's path delimiter (':' on Linux); a name found in an earlier
 * folder wins (tests add a folder of generated datasets in front of the real ones).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSafeSegment, resolveInside } from './fs-safe';
import { listClassFolders, type ClassFolderListing } from '@/nodes/dataset/folder-node';
import { fileContentHashes } from './content-hashes';

export function datasetsRoots(): string[] {
  const roots = (process.env.DATASETS_DIR || './datasets').split(path.delimiter).filter(Boolean);
  return (roots.length ? roots : ['./datasets']).map((r) => path.resolve(r));
}

/** `segments` (a dataset name, then optionally a file path inside it) resolved in the first root holding the
 * dataset, never outside it. */
export async function resolveDatasetPath(segments: string[]): Promise<string | null> {
  for (const root of datasetsRoots()) {
    if (!(await resolveInside(root, segments.slice(0, 1)))) continue;
    return resolveInside(root, segments);
  }
  return null;
}

export interface DirDatasetListing {
  id: string;
  name: string;
  title: string;
  /** Per class, its files as paths inside the class folder ('/'-separated; nested folders belong to the class) and,
   * when asked for (`hashes`), the SHA-256 of each file's bytes in the same order (content-hashes.ts). */
  classes: Array<{ name: string; files: string[]; hashes?: string[] }>;
  /** Files that are not usable images, with the reason (shown to the user, never silently dropped). */
  skipped: Array<{ name: string; reason: string }>;
}

export async function listDirDatasetNames(): Promise<string[]> {
  const names = new Set<string>();
  for (const root of datasetsRoots()) {
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if ((e.isDirectory() || e.isSymbolicLink()) && isSafeSegment(e.name)) names.add(e.name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Listings by folder, reused while no class folder changed (listing checks every file's header). */
const listingCache = new Map<string, { stamp: string; listing: ClassFolderListing }>();

/** Modification times of the dataset folder and its class folders: adding/removing files changes them. */
async function folderStamp(dir: string): Promise<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const parts = [String((await fs.stat(dir)).mtimeMs)];
  for (const e of entries) {
    const stat = await fs.stat(path.join(dir, e.name)).catch(() => null);
    if (stat?.isDirectory()) parts.push(`${e.name}:${stat.mtimeMs}`);
  }
  return parts.join('|');
}

/** The listing minus files the image route would refuse (a symlink leading outside the datasets folder): the
 * browser trains on exactly what the listing lists, so it must list only what GET /api/datasets/… serves. */
async function servableOnly(name: string, listing: ClassFolderListing): Promise<ClassFolderListing> {
  const items: ClassFolderListing['items'] = [];
  const skipped = [...listing.skipped];
  for (const item of listing.items) {
    if (await resolveDatasetPath([name, ...item.name.split('/')])) items.push(item);
    else skipped.push({ name: item.name, reason: 'outside the datasets folder' });
  }
  const used = [...new Set(items.map((i) => i.label))].sort((a, b) => a - b);
  if (used.length === listing.labels.length) return { labels: listing.labels, items, skipped };
  const relabel = new Map(used.map((old, i) => [old, i]));
  return { labels: used.map((l) => listing.labels[l]), items: items.map((i) => ({ ...i, label: relabel.get(i.label)! })), skipped };
}

/**
 * Listing of one dataset folder, or null when it does not exist / has no class folder with images. The files are
 * decided by the one class-folder rule (`listClassFolders`, nodes/dataset/folder-node.ts) that the CLI and the Node
 * host use too, so `dir:<name>` means the same images everywhere.
 */
export async function readDirDataset(name: string, options: { hashes?: boolean } = {}): Promise<DirDatasetListing | null> {
  const dir = await resolveDatasetPath([name]);
  if (!dir) return null;
  let listing: ClassFolderListing;
  try {
    const stamp = await folderStamp(dir);
    const cached = listingCache.get(dir);
    if (cached && cached.stamp === stamp) {
      listing = cached.listing;
    } else {
      listing = await servableOnly(name, await listClassFolders(dir));
      listingCache.set(dir, { stamp, listing });
    }
  } catch {
    return null;
  }
  if (listing.labels.length === 0) return null;
  const classes: DirDatasetListing['classes'] = listing.labels.map((label) => ({ name: label, files: [] }));
  for (const item of listing.items) classes[item.label].files.push(item.name.slice(listing.labels[item.label].length + 1));
  if (options.hashes) {
    const hashes = await fileContentHashes(listing.items.map((item) => path.join(dir, ...item.name.split('/')))).catch(() => null);
    if (!hashes) return null; // a file vanished while listing: like a folder that cannot be read
    classes.forEach((c) => (c.hashes = []));
    listing.items.forEach((item, i) => classes[item.label].hashes!.push(hashes[i]));
  }
  return { id: `dir:${name}`, name, title: titleFromName(name), classes, skipped: listing.skipped };
}

export function titleFromName(name: string): string {
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
