/** tRPC instance, context and shared middleware (boundary checks, rate limits, per-request caps). */
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Database } from '../db';
import type { ServerConfig } from '../config';
import type { RateLimiter } from '../rateLimit';
import { BoundaryJsonSchema } from './boundary';

export interface RequestBudget {
  images: number;
  imageBytes: number;
}

export interface Context {
  db: Database;
  config: ServerConfig;
  clientIp: string;
  writeLimiter: RateLimiter;
  readLimiter: RateLimiter;
  /** What is left of this HTTP request's caps (shared by every call of a batch). */
  budget: RequestBudget;
  /** Set by the HTTP layer when it refused the body before parsing (the error is raised here so tRPC formats it). */
  rejectedBody?: { limitBytes: number };
}

/** Extra data some errors carry to the client (e.g. CONFLICT → the server's current version). */
export class GraftErrorCause extends Error {
  constructor(public readonly details: { currentVersion?: number; retryAfterSeconds?: number }) {
    super('details');
  }
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const details = error.cause instanceof GraftErrorCause ? error.cause.details : undefined;
    const zodIssues =
      error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError
        ? error.cause.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
        : undefined;
    // Never leak internals of unexpected errors.
    const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error.' : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, ...details, zodIssues } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns zod issues into one readable message (tRPC's default is the JSON dump of the issues). */
const readableErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok && res.error.code === 'BAD_REQUEST' && res.error.cause instanceof z.ZodError) {
    const issue = res.error.cause.issues[0];
    const where = issue && issue.path.length ? ` (at ${issue.path.map(String).join('.')})` : '';
    const detail = issue?.message ?? 'unknown problem';
    res.error.message = detail.startsWith('Invalid input') ? `${detail}${where}` : `Invalid input${where}: ${detail}`;
  }
  return res;
});

const bodyGuard = t.middleware(({ ctx, next }) => {
  if (ctx.rejectedBody) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `Request body is larger than the ${Math.round(ctx.rejectedBody.limitBytes / 1024)} KiB limit.`,
    });
  }
  return next();
});

/** Per-IP token buckets; a 429 carries the wait (the HTTP layer turns it into Retry-After). */
function limited(kind: 'read' | 'write') {
  return t.middleware(async ({ ctx, path, getRawInput, next }) => {
    // listMine checks one token per graph: bill it like that many reads (50 per token).
    const cost = path === 'graph.listMine' ? 1 + Math.floor(countListMine(await getRawInput().catch(() => undefined)) / 50) : 1;
    // The chunks of an upload session were paid for by uploadStart (a write); each chunk costs one read.
    const bucket = kind === 'read' || path === 'dataset.uploadImages' ? ctx.readLimiter : ctx.writeLimiter;
    const wait = await bucket.take(ctx.clientIp, cost);
    if (wait > 0) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many ${kind === 'read' ? 'requests' : 'saves'} from this address; try again in ${wait} s.`,
        cause: new GraftErrorCause({ retryAfterSeconds: wait }),
      });
    }
    return next();
  });
}

function countListMine(raw: unknown): number {
  const list = (raw as { graphs?: unknown } | null)?.graphs;
  return Array.isArray(list) ? list.length : 0;
}

/** Every input passes the boundary refinement (well-formed text, no reserved keys, bounded nesting) first. */
const boundaryInput = t.middleware(async ({ getRawInput, next }) => {
  // An unparseable body is tRPC's own error for procedures with input (and ignored by those without).
  const raw = await getRawInput().catch(() => undefined);
  const checked = BoundaryJsonSchema.safeParse(raw);
  if (!checked.success) throw new TRPCError({ code: 'BAD_REQUEST', message: checked.error.issues[0]?.message ?? 'Invalid input', cause: checked.error });
  return next();
});

const baseProcedure = t.procedure.use(bodyGuard).use(readableErrors);

/** Reads: the per-IP read bucket (higher than writes), then the boundary refinement. */
export const publicProcedure = baseProcedure.use(limited('read')).use(boundaryInput);

/** Every mutation: the per-IP write bucket (charged before any validation), then the boundary refinement. */
export const writeProcedure = baseProcedure.use(limited('write')).use(boundaryInput);

/**
 * Caps per HTTP request, across all calls of a tRPC batch (per-call caps alone let 20 batched uploads store 20×).
 * Throws PAYLOAD_TOO_LARGE when the images of this call would exceed what is left.
 */
export function spendImageBudget(ctx: Context, images: { data: string }[]): void {
  const bytes = images.reduce((sum, img) => sum + Math.floor((img.data.length * 3) / 4), 0);
  if (images.length > ctx.budget.images) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `Too many images in one request: the limit is ${ctx.config.maxDatasetImages} images across all its batched calls.`,
    });
  }
  if (bytes > ctx.budget.imageBytes) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `The images in this request exceed the limit of ${sizeText(ctx.config.maxDatasetBytes)} across all its batched calls.`,
    });
  }
  ctx.budget.images -= images.length;
  ctx.budget.imageBytes -= bytes;
}

function sizeText(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
