/**
 * Parsing uploaded models: a TensorFlow.js Layers `model.json` + its weight files, or one zip holding them
 * (Graft's own "Export model" zip, a Teachable Machine export, …). Pure TS (fflate for zips): runs in the page, the
 * worker and Node tests. Storage is in `model-store.ts`.
 */
import { unzipSync } from 'fflate';
import { z } from 'zod';
import { modelJsonProblem } from '../../pretrained-model/model-files';

export interface UploadedFile {
  name: string;
  data: Uint8Array;
}

/** What is stored for an uploaded model and what the worker loads it from. */
export interface StoredModel {
  id: string;
  name: string;
  createdAt: number;
  /** The parsed model.json (topology + weightsManifest). */
  modelJson: ModelJson;
  /** Weight files by the path used in the manifest. */
  weights: Record<string, ArrayBuffer>;
  /** Optional metadata found next to the model (Graft labels.json / Teachable Machine metadata.json). */
  meta: UploadedModelMeta;
  sizeBytes: number;
}

export interface UploadedModelMeta {
  labels?: string[];
  inputSize?: [number, number];
  inputScaling?: 'minus1to1' | 'zero1' | 'raw255';
  source?: string;
}

const WeightEntrySchema = z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.string() }).loose();
const ModelJsonSchema = z
  .object({
    modelTopology: z.record(z.string(), z.unknown()),
    weightsManifest: z.array(z.object({ paths: z.array(z.string()).min(1), weights: z.array(WeightEntrySchema) })),
    format: z.string().optional(),
  })
  .loose();
export type ModelJson = z.infer<typeof ModelJsonSchema>;

const MetaSchema = z
  .object({
    labels: z.array(z.string()).optional(),
    inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    inputScaling: z.enum(['minus1to1', 'zero1', 'raw255']).optional(),
    imageSize: z.number().int().positive().optional(), // Teachable Machine metadata.json
    tfjsVersion: z.string().optional(),
    packageName: z.string().optional(),
  })
  .loose();

export type ParseUploadResult = { ok: true; model: Omit<StoredModel, 'id' | 'createdAt'> } | { ok: false; error: string };

const MAX_UPLOAD_BYTES = 300 * 1024 * 1024;

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

/** Expand zips, drop folders/junk; keys are base names (manifests reference weight files by relative name). */
export function expandUploads(files: UploadedFile[]): UploadedFile[] {
  const out: UploadedFile[] = [];
  for (const f of files) {
    if (/\.zip$/i.test(f.name) || (f.data[0] === 0x50 && f.data[1] === 0x4b && f.data[2] === 0x03 && f.data[3] === 0x04)) {
      const entries = unzipSync(f.data);
      for (const [path, data] of Object.entries(entries)) {
        if (path.endsWith('/') || path.startsWith('__MACOSX/') || baseName(path).startsWith('.')) continue;
        out.push({ name: baseName(path), data });
      }
    } else {
      out.push({ name: baseName(f.name), data: f.data });
    }
  }
  return out;
}

export function parseModelUpload(files: UploadedFile[], displayName?: string): ParseUploadResult {
  let expanded: UploadedFile[];
  try {
    expanded = expandUploads(files);
  } catch (e) {
    return { ok: false, error: `Could not read the zip file: ${(e as Error).message}` };
  }
  const total = expanded.reduce((s, f) => s + f.data.byteLength, 0);
  if (total > MAX_UPLOAD_BYTES) return { ok: false, error: `The upload is too large (${Math.round(total / 1e6)} MB; max 300 MB).` };
  const byName = new Map(expanded.map((f) => [f.name, f]));
  const jsonFile = byName.get('model.json') ?? expanded.find((f) => f.name.endsWith('.json') && looksLikeModelJson(f.data));
  if (!jsonFile) return { ok: false, error: 'No model.json found. Upload a TensorFlow.js model: model.json plus its weight files (or one zip).' };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(jsonFile.data));
  } catch (e) {
    return { ok: false, error: `model.json is not valid JSON (${(e as Error).message}).` };
  }
  const parsed = ModelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error:
        modelJsonProblem(raw, 'model.json') ??
        'model.json is not a TensorFlow.js Layers model (expected "modelTopology" and "weightsManifest").',
    };
  }
  const modelJson = parsed.data;
  const weights: Record<string, ArrayBuffer> = {};
  const missing: string[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      const f = byName.get(baseName(p));
      if (!f) missing.push(baseName(p));
      else weights[p] = f.data.slice().buffer as ArrayBuffer;
    }
  }
  if (missing.length > 0) {
    return {
      ok: false,
      error: `Weight file${missing.length > 1 ? 's' : ''} missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}. Select model.json together with all its weight files.`,
    };
  }
  const meta: UploadedModelMeta = {};
  for (const metaName of ['labels.json', 'metadata.json', 'graft.json']) {
    const f = byName.get(metaName);
    if (!f) continue;
    try {
      const m = MetaSchema.safeParse(JSON.parse(new TextDecoder().decode(f.data)));
      if (!m.success) continue;
      if (m.data.labels) meta.labels = m.data.labels;
      if (m.data.inputSize) meta.inputSize = m.data.inputSize;
      if (m.data.imageSize) meta.inputSize = [m.data.imageSize, m.data.imageSize];
      if (m.data.inputScaling) meta.inputScaling = m.data.inputScaling;
      if (m.data.packageName?.includes('teachablemachine')) {
        meta.source = 'Teachable Machine';
        meta.inputScaling ??= 'minus1to1'; // TM image models expect [-1, 1]
      }
    } catch {
      /* optional metadata: ignore unreadable files */
    }
  }
  return {
    ok: true,
    model: {
      name: displayName ?? (files.length === 1 ? files[0].name.replace(/\.(zip|json)$/i, '') : 'Uploaded model'),
      modelJson,
      weights,
      meta,
      sizeBytes: Object.values(weights).reduce((s, b) => s + b.byteLength, 0) + jsonFile.data.byteLength,
    },
  };
}

function looksLikeModelJson(data: Uint8Array): boolean {
  const head = new TextDecoder().decode(data.subarray(0, 4096));
  return head.includes('modelTopology');
}

/** Weight data concatenated in manifest order, as tfjs expects for `io.fromMemory`. */
export function concatWeights(model: Pick<StoredModel, 'modelJson' | 'weights'>): {
  weightSpecs: ModelJson['weightsManifest'][number]['weights'];
  weightData: ArrayBuffer;
} {
  const specs = model.modelJson.weightsManifest.flatMap((g) => g.weights);
  const buffers = model.modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => model.weights[p]));
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return { weightSpecs: specs, weightData: out.buffer };
}
