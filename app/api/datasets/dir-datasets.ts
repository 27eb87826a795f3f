/**
 * Class-folder datasets under DATASETS_DIR: `<DATASETS_DIR>/<name>/<class>/<image>`. Server only.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSafeSegment, resolveInside } from './fs-safe';
import { listClassFolders, type ClassFolderListing } from '@/nodes/dataset/folder-node';

export function datasetsRoot(): string {
  return path.resolve(process.env.DATASETS_DIR || './datasets');
}

export interface DirDatasetListing {
  id: string;
  name: string;
  title: string;
  /** Per class, its files as paths inside the class folder ('/'-separated; nested folders belong to the class). */
  classes: Array<{ name: string; files: string[] }>;
  /** Files that are not usable images, with the reason (shown to the user, never silently dropped). */
  skipped: Array<{ name: string; reason: string }>;
}

export async function listDirDatasetNames(): Promise<string[]> {
  try {
    const entries = await fs.readdir(datasetsRoot(), { withFileTypes: true });
    return entries
      .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && isSafeSegment(e.name))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
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

/**
 * Listing of one dataset folder, or null when it does not exist / has no class folder with images. The files are
 * decided by the one class-folder rule (`listClassFolders`, nodes/dataset/folder-node.ts) that the CLI and the Node
 * host use too, so `dir:<name>` means the same images everywhere.
 */
export async function readDirDataset(name: string): Promise<DirDatasetListing | null> {
  const dir = await resolveInside(datasetsRoot(), [name]);
  if (!dir) return null;
  let listing: ClassFolderListing;
  try {
    const stamp = await folderStamp(dir);
    const cached = listingCache.get(dir);
    if (cached && cached.stamp === stamp) {
      listing = cached.listing;
    } else {
      listing = await listClassFolders(dir);
      listingCache.set(dir, { stamp, listing });
    }
  } catch {
    return null;
  }
  if (listing.labels.length === 0) return null;
  const classes: DirDatasetListing['classes'] = listing.labels.map((label) => ({ name: label, files: [] }));
  for (const item of listing.items) classes[item.label].files.push(item.name.slice(listing.labels[item.label].length + 1));
  return { id: `dir:${name}`, name, title: titleFromName(name), classes, skipped: listing.skipped };
}

export function titleFromName(name: string): string {
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
