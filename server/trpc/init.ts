/** tRPC instance, context and shared middleware (rate limiting of writes). */
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Database } from '../db';
import type { ServerConfig } from '../config';
import type { TokenBucketLimiter } from '../rateLimit';

export interface Context {
  db: Database;
  config: ServerConfig;
  clientIp: string;
  writeLimiter: TokenBucketLimiter;
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

export const publicProcedure = t.procedure.use(bodyGuard).use(readableErrors);

const rateLimited = t.middleware(({ ctx, next }) => {
  const wait = ctx.writeLimiter.take(ctx.clientIp);
  if (wait > 0) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many saves from this address; try again in ${Number.isFinite(wait) ? wait : 60} s.`,
      cause: new GraftErrorCause({ retryAfterSeconds: Number.isFinite(wait) ? wait : 60 }),
    });
  }
  return next();
});

const MAX_JSON_DEPTH = 64;

/** Deepest nesting of arrays/objects and whether any string or key holds NUL (iterative: hostile input must not blow the stack). */
function inspectJson(value: unknown): { depth: number; hasNul: boolean } {
  let depth = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { depth, hasNul: true };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (d > depth) depth = d;
    if (depth > MAX_JSON_DEPTH) return { depth, hasNul: false };
    for (const [key, child] of Object.entries(v)) {
      if (key.includes('\u0000')) return { depth, hasNul: true };
      stack.push([child, d + 1]);
    }
  }
  return { depth, hasNul: false };
}

/** Input Postgres would refuse (NUL in text, absurd nesting) becomes a clear BAD_REQUEST instead of a database error. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  const { depth, hasNul } = inspectJson(await getRawInput());
  if (depth > MAX_JSON_DEPTH) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Input is nested more than ${MAX_JSON_DEPTH} levels deep.` });
  }
  if (hasNul) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Text may not contain NUL characters.' });
  return next();
});

/** Every mutation goes through the per-IP write limiter and the storability check. */
export const writeProcedure = publicProcedure.use(rateLimited).use(storableInput);
