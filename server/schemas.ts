/** zod schemas for every tRPC input (and the run-results summary the server stores). */
import { z } from 'zod';
import { GraftGraphSchema } from '@/nodes/core/graph';

export const GraphIdSchema = z
  .string()
  .min(1, 'Graph id is empty.')
  .max(64, 'Graph id is too long.')
  .regex(/^[A-Za-z0-9_-]+$/, 'Graph id may only contain letters, digits, "-" and "_".');

export const EditTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'Malformed edit token: expected 43 base64url characters.');

export const VersionSchema = z.number().int().min(1).max(1_000_000_000);

export { GraftGraphSchema };

const finite = z.number().finite();
const rate = z.number().finite().min(0).max(1);
const label = z.string().max(200);

/** What a finished run leaves behind: metrics only, never weights or images. */
export const RunResultsSummarySchema = z.object({
  accuracy: rate,
  loss: finite.nullable().optional(),
  labels: z.array(label).min(1).max(1000),
  perClass: z
    .array(
      z.object({
        label,
        precision: rate,
        recall: rate,
        f1: rate,
        support: z.number().int().min(0),
      }),
    )
    .max(1000),
  confusionMatrix: z.array(z.array(z.number().int().min(0)).max(1000)).max(1000),
  testSize: z.number().int().min(0).optional(),
  backend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']),
  featureBackend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']).nullable().optional(),
  path: z.enum(['cached', 'full']).optional(),
  epochs: z
    .array(
      z.object({
        epoch: z.number().int().min(1),
        loss: finite,
        accuracy: finite,
        valLoss: finite.nullable(),
        valAccuracy: finite.nullable(),
        ms: finite.min(0),
      }),
    )
    .max(10_000),
  trainMs: finite.min(0).optional(),
  totalMs: finite.min(0).optional(),
  imagesPerSecond: finite.min(0).optional(),
  splitSizes: z
    .object({ train: z.number().int().min(0), validation: z.number().int().min(0), test: z.number().int().min(0) })
    .optional(),
  /** Short hash of the test-set files (engine RunResult.splitFingerprint). */
  splitFingerprint: z.string().regex(/^[0-9a-f]{6,64}$/).optional(),
  datasetId: z.string().max(300).optional(),
  modelId: z.string().max(300).optional(),
  tune: z
    .object({
      metric: z.string().max(100),
      bestTrialId: z.number().int().nullable(),
      trials: z
        .array(
          z.object({
            id: z.number().int(),
            config: z.record(z.string().max(100), z.union([z.number(), z.string().max(200), z.boolean()])),
            status: z.enum(['pending', 'running', 'done', 'stopped', 'failed']),
            metric: finite.nullable(),
            epochs: z.number().int().min(0),
            ms: finite.min(0),
            error: z.string().max(2000).optional(),
          }),
        )
        .max(1000),
    })
    .optional(),
});
export type RunResultsSummary = z.infer<typeof RunResultsSummarySchema>;

export const SharedDatasetIdSchema = z
  .string()
  .regex(/^(shared:)?[A-Za-z0-9_-]{1,64}$/, 'Dataset id must look like "shared:<id>".')
  .transform((s) => s.replace(/^shared:/, ''));

export const DatasetUploadSchema = z.object({
  name: z.string().trim().min(1, 'Dataset name is empty.').max(200),
  images: z
    .array(
      z.object({
        label: z.string().trim().min(1, 'Image label is empty.').max(200),
        fileName: z.string().max(300).default('image'),
        /** Base64 (optionally a data: URL) of a PNG or JPEG file. */
        data: z.string().min(1),
      }),
    )
    .min(1, 'A dataset needs at least one image.'),
});
