/**
 * Class-folder datasets under DATASETS_DIR: `<DATASETS_DIR>/<name>/<class>/<image>`. Server only.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { IMAGE_EXTENSIONS, isSafeSegment, resolveInside } from './fs-safe';

export function datasetsRoot(): string {
  return path.resolve(process.env.DATASETS_DIR || './datasets');
}

export interface DirDatasetListing {
  id: string;
  name: string;
  title: string;
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

/** Listing of one dataset folder, or null when it does not exist / is not a class-folder dataset. */
export async function readDirDataset(name: string): Promise<DirDatasetListing | null> {
  const dir = await resolveInside(datasetsRoot(), [name]);
  if (!dir) return null;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const classes: DirDatasetListing['classes'] = [];
  const skipped: DirDatasetListing['skipped'] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    if (!entry.isDirectory()) continue; // LICENSE.txt, SOURCE.md etc. next to the class folders are not data
    if (!isSafeSegment(entry.name)) continue;
    const files: string[] = [];
    const classEntries = await fs.readdir(path.join(dir, entry.name), { withFileTypes: true });
    for (const f of classEntries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (f.name.startsWith('.')) continue;
      const rel = `${entry.name}/${f.name}`;
      if (f.isDirectory()) {
        skipped.push({ name: rel, reason: 'nested folder (only <class>/<image> is read)' });
      } else if (!IMAGE_EXTENSIONS.has(path.extname(f.name).toLowerCase())) {
        skipped.push({ name: rel, reason: `not an image file (${path.extname(f.name) || 'no extension'})` });
      } else if (!isSafeSegment(f.name)) {
        skipped.push({ name: rel, reason: 'unsupported file name' });
      } else {
        files.push(f.name);
      }
    }
    if (files.length > 0) classes.push({ name: entry.name, files });
    else skipped.push({ name: entry.name, reason: 'class folder holds no images' });
  }
  if (classes.length === 0) return null;
  return { id: `dir:${name}`, name, title: titleFromName(name), classes, skipped };
}

export function titleFromName(name: string): string {
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
