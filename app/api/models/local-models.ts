/**
 * Models available to the browser: the catalog merged with MODELS_DIR folders (`<MODELS_DIR>/<id>/model.json`).
 * A local folder for a catalog id takes precedence over the official URL (works offline). Server only.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MODEL_CATALOG, isSafeModelId, type ModelFolderMeta } from '@/nodes/pretrained-model/catalog';
import { resolveInside } from '../datasets/fs-safe';
import { parseGraftJson } from '@/nodes/pretrained-model/model-files';

export function modelsRoot(): string {
  return path.resolve(process.env.MODELS_DIR || './models');
}

export interface ModelListEntry {
  id: string;
  title: string;
  description: string;
  /** local = served from MODELS_DIR by /api/models/<id>/…; official = the publisher's URL; builtin = shipped in public/. */
  source: 'local' | 'official' | 'builtin';
  /** model.json URL to load (same-origin for local/builtin). */
  url: string;
  inputSize?: [number, number];
  inputScaling?: 'minus1to1' | 'zero1' | 'raw255';
  defaultTruncation?: string;
  sizeMB?: number;
  inCatalog: boolean;
}

async function readFolderMeta(dir: string): Promise<ModelFolderMeta | null> {
  try {
    return parseGraftJson(JSON.parse(await fs.readFile(path.join(dir, 'graft.json'), 'utf8')));
  } catch {
    return null;
  }
}

/** Folder ids under MODELS_DIR that contain a model.json. */
export async function listLocalModelIds(): Promise<string[]> {
  try {
    const entries = await fs.readdir(modelsRoot(), { withFileTypes: true });
    const ids: string[] = [];
    for (const e of entries) {
      if (!(e.isDirectory() || e.isSymbolicLink()) || !isSafeModelId(e.name)) continue;
      if (await resolveInside(modelsRoot(), [e.name, 'model.json'])) ids.push(e.name);
    }
    return ids.sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

export async function listModels(): Promise<ModelListEntry[]> {
  const localIds = new Set(await listLocalModelIds());
  const out: ModelListEntry[] = [];
  for (const entry of MODEL_CATALOG) {
    const local = localIds.has(entry.id);
    const meta = local ? await readFolderMeta(path.join(modelsRoot(), entry.id)) : null;
    out.push({
      id: entry.id,
      title: meta?.title ?? entry.title,
      description: meta?.description ?? entry.description,
      source: local ? 'local' : entry.officialUrl.startsWith('/') ? 'builtin' : 'official',
      url: local ? `/api/models/${encodeURIComponent(entry.id)}/model.json` : entry.officialUrl,
      inputSize: meta?.inputSize ?? entry.inputSize,
      inputScaling: meta?.inputScaling ?? entry.inputScaling,
      defaultTruncation: meta?.defaultTruncation ?? entry.defaultTruncation,
      sizeMB: entry.sizeMB,
      inCatalog: true,
    });
    localIds.delete(entry.id);
  }
  for (const id of localIds) {
    const meta = await readFolderMeta(path.join(modelsRoot(), id));
    out.push({
      id,
      title: meta?.title ?? id,
      description: meta?.description ?? `A model found in the models folder (${id}/model.json).`,
      source: 'local',
      url: `/api/models/${encodeURIComponent(id)}/model.json`,
      inputSize: meta?.inputSize,
      inputScaling: meta?.inputScaling,
      defaultTruncation: meta?.defaultTruncation,
      inCatalog: false,
    });
  }
  return out;
}
