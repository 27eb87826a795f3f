/** The tRPC API. `AppRouter` is the type the browser client imports. */
import { z } from 'zod';
import { GraftGraphSchema } from '@/nodes/core/graph';
import {
  DatasetUploadSchema,
  EditTokenSchema,
  GraphIdSchema,
  RunResultsSummarySchema,
  SharedDatasetIdSchema,
  VersionSchema,
} from '../schemas';
import * as graphs from '../repo/graphs';
import * as datasets from '../repo/datasets';
import * as uploads from '../repo/datasetUploads';
import { publicProcedure, router, spendImageBudget, writeProcedure } from './init';
import { assignmentRouter } from './assignments';
import { decodeBase64Image } from './boundary';

const graphRouter = router({
  create: writeProcedure.input(z.object({ graph: GraftGraphSchema })).mutation(({ ctx, input }) => graphs.createGraph(ctx.db, input.graph)),

  get: publicProcedure
    .input(z.object({ id: GraphIdSchema, editToken: EditTokenSchema.optional(), version: VersionSchema.optional() }))
    .query(({ ctx, input }) => graphs.getGraph(ctx.db, input.id, input.editToken, input.version)),

  update: writeProcedure
    .input(z.object({ id: GraphIdSchema, editToken: EditTokenSchema, baseVersion: VersionSchema, graph: GraftGraphSchema }))
    .mutation(({ ctx, input }) => graphs.updateGraph(ctx.db, input.id, input.editToken, input.baseVersion, input.graph)),

  fork: writeProcedure
    .input(
      z.object({
        id: GraphIdSchema,
        version: VersionSchema.optional(),
        /** Fork with this content instead of the stored version ("save mine as a copy"). */
        graph: GraftGraphSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => graphs.forkGraph(ctx.db, input.id, input.version, input.graph)),

  /** One stored version, nothing that changes later (no head, no results): cacheable forever (immutable). */
  version: publicProcedure
    .input(z.object({ id: GraphIdSchema, version: VersionSchema }))
    .query(({ ctx, input }) => graphs.getVersion(ctx.db, input.id, input.version)),

  history: publicProcedure.input(z.object({ id: GraphIdSchema })).query(({ ctx, input }) => graphs.listHistory(ctx.db, input.id)),

  restore: writeProcedure
    .input(z.object({ id: GraphIdSchema, editToken: EditTokenSchema, version: VersionSchema }))
    .mutation(({ ctx, input }) => graphs.restoreVersion(ctx.db, input.id, input.editToken, input.version)),

  listMine: publicProcedure
    .input(z.object({ graphs: z.array(z.object({ id: GraphIdSchema, editToken: EditTokenSchema })).max(500) }))
    .query(({ ctx, input }) => graphs.listMine(ctx.db, input.graphs)),

  attachResults: writeProcedure
    .input(z.object({ id: GraphIdSchema, editToken: EditTokenSchema, version: VersionSchema, results: RunResultsSummarySchema }))
    .mutation(({ ctx, input }) => graphs.attachResults(ctx.db, input.id, input.editToken, input.version, input.results)),
});

const datasetRouter = router({
  /** Upload a small dataset as base64 images (the body limit for this call is GRAFT_MAX_DATASET_BYTES, not 1 MB). */
  upload: writeProcedure.input(DatasetUploadSchema).mutation(({ ctx, input }) => {
    spendImageBudget(ctx, input.images);
    return datasets.createSharedDataset(
      ctx.db,
      ctx.config,
      input.name,
      input.images.map((img) => ({ label: img.label, fileName: img.fileName, bytes: decodeBase64Image(img.data, `Image "${img.fileName}"`) })),
    );
  }),
  /** Chunked upload, step 1: an upload session (caps are enforced over the whole session). */
  uploadStart: writeProcedure
    .input(z.object({ name: DatasetUploadSchema.shape.name }))
    .mutation(({ ctx, input }) => uploads.startUpload(ctx.db, input.name)),
  /** Step 2 (repeat): a small batch of images (≤ 32, body ≤ one image's cap) in one short transaction. */
  uploadImages: writeProcedure
    .input(
      z.object({
        uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        uploadToken: EditTokenSchema,
        images: DatasetUploadSchema.shape.images.max(uploads.MAX_IMAGES_PER_UPLOAD_CALL),
      }),
    )
    .mutation(({ ctx, input }) => {
      spendImageBudget(ctx, input.images);
      return uploads.addUploadImages(
        ctx.db,
        ctx.config,
        input.uploadId,
        input.uploadToken,
        input.images.map((img) => ({ label: img.label, fileName: img.fileName, bytes: decodeBase64Image(img.data, `Image "${img.fileName}"`) })),
      );
    }),
  /** Step 3: the dataset becomes visible as shared:<uploadId>. */
  uploadFinish: writeProcedure
    .input(z.object({ uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), uploadToken: EditTokenSchema }))
    .mutation(({ ctx, input }) => uploads.finishUpload(ctx.db, input.uploadId, input.uploadToken)),
  /** The caps an upload must respect, so the browser can check (and shrink images) before sending. */
  limits: publicProcedure.query(({ ctx }) => ({
    maxDatasetBytes: ctx.config.maxDatasetBytes,
    maxImageBytes: ctx.config.maxImageBytes,
    maxDatasetImages: ctx.config.maxDatasetImages,
    /** Per `dataset.uploadImages` request: at most this many images of at most this many bytes (before base64). */
    maxUploadBatchImages: uploads.MAX_IMAGES_PER_UPLOAD_CALL,
    maxUploadBatchBytes: uploads.uploadBatchImageBytes(ctx.config),
  })),
  get: publicProcedure
    .input(z.object({ id: SharedDatasetIdSchema }))
    .query(({ ctx, input }) => datasets.getSharedDatasetManifest(ctx.db, input.id)),
});

export const appRouter = router({
  graph: graphRouter,
  dataset: datasetRouter,
  assignment: assignmentRouter,
  health: publicProcedure.query(({ ctx }) => ({ ok: true as const, engine: ctx.db.engine })),
});

export type AppRouter = typeof appRouter;
