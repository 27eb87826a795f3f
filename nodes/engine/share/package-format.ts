/**
 * The "trained model" share package: a zip with `model.json` (topology + manifest of the weights it carries),
 * `weights.bin` and `graft.json` (labels, preprocessing, the base model it was grafted on, which weights come from
 * that base, and the author's run record). Pure TS + zod + fflate: read by the server (validation) and the browser.
 */
import { unzipSync } from 'fflate';
import { z } from 'zod';

export const PACKAGE_FORMAT = 'graft-trained-model';
export const PACKAGE_VERSION = 1;

const ModelSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('catalog'), id: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('url'), url: z.string().min(1).max(2000) }),
  z.object({ kind: z.literal('upload'), id: z.string().min(1).max(200) }),
]);

const finite = z.number().finite();

export const RunRecordSchema = z.object({
  datasetId: z.string().max(500),
  splitSeed: z.number().int(),
  trainSeed: z.number().int(),
  splitFingerprint: z.string().max(100).nullable(),
  backend: z.string().max(20),
  tfjsVersion: z.string().max(40),
  accuracy: finite.nullable(),
  loss: finite.nullable(),
  testSize: z.number().int().min(0),
  /** '1'/'0' per test image in test-split order (lets a visitor's re-run be checked image by image). */
  correct: z.string().regex(/^[01]*$/).max(200_000).nullable(),
  epochs: z.number().int().min(0),
  trainedAt: z.number(),
  /** Spread over repeated seeds when the author repeated the run. */
  repeats: z
    .object({ n: z.number().int().min(1), mean: finite, sd: finite })
    .nullable()
    .optional(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const PackageMetaSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  version: z.literal(PACKAGE_VERSION),
  labels: z.array(z.string().max(200)).min(2).max(1000),
  inputSize: z.tuple([z.number().int().min(1).max(4096), z.number().int().min(1).max(4096)]),
  inputScaling: z.enum(['minus1to1', 'zero1', 'raw255']),
  /** The pretrained model the classifier was grafted on (null = every weight is in the package). */
  base: ModelSourceSchema.nullable(),
  /** Weight names (as saved) taken unchanged from the base model instead of being stored in the package. */
  fromBase: z.array(z.string().max(500)).max(100_000),
  run: RunRecordSchema,
});
export type PackageMeta = z.infer<typeof PackageMetaSchema>;

export interface PackageFiles {
  meta: PackageMeta;
  /** Parsed model.json (topology + weightsManifest). */
  modelJson: { modelTopology: unknown; weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }> };
  weights: Uint8Array;
}

const ModelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.enum(['float32', 'int32', 'bool']) })),
      }),
    )
    .length(1),
});

const BYTES_PER: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Parse and validate a package; throws an Error with a user-readable message on anything malformed. */
export function readPackage(bytes: Uint8Array): PackageFiles {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => ['model.json', 'weights.bin', 'graft.json'].includes(f.name) });
  } catch {
    throw new Error('Not a trained-model package (expected a zip file).');
  }
  for (const name of ['model.json', 'weights.bin', 'graft.json']) {
    if (!files[name]) throw new Error(`The package has no ${name}.`);
  }
  const parseJson = (name: string) => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(files[name]));
    } catch {
      throw new Error(`${name} in the package is not valid JSON.`);
    }
  };
  const meta = PackageMetaSchema.safeParse(parseJson('graft.json'));
  if (!meta.success) throw new Error(`graft.json: ${meta.error.issues[0]?.path.join('.')}: ${meta.error.issues[0]?.message}`);
  const modelJson = ModelJsonSchema.safeParse(parseJson('model.json'));
  if (!modelJson.success) throw new Error(`model.json: ${modelJson.error.issues[0]?.path.join('.')}: ${modelJson.error.issues[0]?.message}`);
  const expected = modelJson.data.weightsManifest[0].weights.reduce(
    (n, w) => n + w.shape.reduce((a, b) => a * b, 1) * BYTES_PER[w.dtype],
    0,
  );
  if (expected !== files['weights.bin'].byteLength) {
    throw new Error(`weights.bin has ${files['weights.bin'].byteLength} bytes; the manifest describes ${expected}.`);
  }
  return { meta: meta.data, modelJson: modelJson.data, weights: files['weights.bin'] };
}
