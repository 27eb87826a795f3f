/**
 * Class-folder datasets in Node: `root/<class>/<images…>` → ImageSource, and dataset-id resolution for the
 * Node host (server, CLI, tests). Class names are the sub-folder names, sorted. Files are checked by magic bytes
 * and header at open time (cheap: first 64 KB), decoded only when loaded, so large folders keep memory bounded.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DecodedImage, ImageSource } from '../engine/host';
import { decodeImage } from './decode-node';
import { DatasetError, listClassFolders, readFolder } from './class-folders';

export { DatasetError, listClassFolders, type ClassFolderListing } from './class-folders';
import { isSyntheticDatasetId, syntheticImageSource } from './synthetic';

/** Decodes one file's bytes, downscaled so the longer side is ≤ maxSide (the Node host passes a native decoder). */
export type ImageDecoder = (bytes: Uint8Array, maxSide: number) => DecodedImage | Promise<DecodedImage>;

/** Reads, decodes and stretches one file to the model input in one step (the Node host: on decode threads);
 * must give the same bytes as `decode` followed by the engine's resize. */
export type FileToModelInput = (file: string, height: number, width: number) => Promise<Uint8Array>;

/** Open a class-folder dataset (listed by `listClassFolders`); images are decoded only when loaded. */
export async function openFolderDataset(
  dir: string,
  decode: ImageDecoder = decodeImage,
  toModelInput?: FileToModelInput,
): Promise<ImageSource> {
  const root = path.resolve(dir);
  const { labels, items, skipped } = await listClassFolders(root);
  const files = items.map((item) => path.join(root, item.name));
  const fileAt = (index: number): string => {
    const file = files[index];
    if (file === undefined) throw new RangeError(`image index ${index} out of range (0..${files.length - 1})`);
    return file;
  };
  return {
    labels,
    items,
    skipped,
    async load(index: number, maxSide: number): Promise<DecodedImage> {
      return decode(new Uint8Array(await fs.readFile(fileAt(index))), maxSide);
    },
    ...(toModelInput && {
      async loadModelInput(index: number, height: number, width: number): Promise<Uint8Array> {
        return toModelInput(fileAt(index), height, width);
      },
    }),
    async contentHash(index: number): Promise<string> {
      return createHash('sha256').update(await fs.readFile(fileAt(index))).digest('hex');
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
  options: { datasetsDir?: string; decode?: ImageDecoder; toModelInput?: FileToModelInput } = {},
): Promise<ImageSource> {
  if (id.startsWith('builtin:')) {
    if (!isSyntheticDatasetId(id)) throw new DatasetError(`Unknown built-in dataset "${id}"`);
    return syntheticImageSource(id);
  }
  if (id.startsWith('dir:')) return openFolderDataset(datasetDirFor(id.slice(4), options.datasetsDir), options.decode, options.toModelInput);
  if (id.startsWith('local:')) {
    throw new DatasetError(`"${id}" is stored in a browser and is not available here; upload or share it first`);
  }
  if (id.startsWith('shared:')) throw new DatasetError(`"${id}" must be opened through the server's dataset store`);
  if (!id.trim()) throw new DatasetError('No dataset chosen');
  return openFolderDataset(path.resolve(id), options.decode, options.toModelInput);
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
