/**
 * The one refinement every tRPC input passes before its own schema: text PostgreSQL can store and keys that mean
 * what they say. Without it a lone UTF-16 surrogate reaches the jsonb cast and becomes a 500 (22P02), and a
 * `__proto__` key is silently dropped by zod's object parsing (data loss). Issues carry the path of the field.
 */
import { z } from 'zod';
import { TRPCError } from '@trpc/server';

export const MAX_JSON_DEPTH = 64;
/** Keys that would be dropped or turn into prototype writes somewhere between JSON.parse, zod and jsonb. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** With the `u` flag `\p{Cs}` matches only unpaired surrogates (a pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Well-formed Unicode (no lone surrogates) and no NUL (PostgreSQL text cannot hold U+0000). */
export function textProblem(s: string): string | null {
  if (LONE_SURROGATE.test(s)) return 'Text is not well-formed Unicode (it contains a lone UTF-16 surrogate).';
  if (s.includes('\u0000')) return 'Text may not contain NUL characters.';
  return null;
}

/** A string schema for new inputs: the same rule as a zod refinement. */
export const wellFormedString = () => z.string().superRefine((s, ctx) => {
  const problem = textProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Walks any JSON value iteratively (hostile nesting must not blow the stack) and reports the first problem. */
export function jsonProblem(value: unknown): { path: (string | number)[]; message: string } | null {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { path: at, message: problem };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (at.length >= MAX_JSON_DEPTH) return { path: at, message: `Input is nested more than ${MAX_JSON_DEPTH} levels deep.` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...at, i]]);
      continue;
    }
    // Object.keys sees an own "__proto__" that JSON.parse created (it is a plain data key there).
    for (const key of Object.keys(v)) {
      const keyProblem = FORBIDDEN_KEYS.has(key)
        ? `The key "${key}" is not allowed (reserved JavaScript name); rename it.`
        : textProblem(key)
          ? `A key is not valid text: ${textProblem(key)}`
          : null;
      if (keyProblem) return { path: [...at, key], message: keyProblem };
      stack.push([(v as Record<string, unknown>)[key], [...at, key]]);
    }
  }
  return null;
}

/** The refinement as a zod schema, so its failure is an ordinary ZodError (tRPC BAD_REQUEST with zodIssues). */
export const BoundaryJsonSchema = z.unknown().superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

/**
 * Image bytes sent as base64 inside a JSON body (optionally a `data:` URL; standard or URL-safe alphabet). A bad
 * payload is the caller's error (400 naming the image), never a 500.
 */
export function decodeBase64Image(data: string, imageName: string): Uint8Array {
  const payload = data.startsWith('data:') ? data.slice(data.indexOf(',') + 1) : data;
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `${imageName} is not valid base64.` });
  }
  return new Uint8Array(Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64'));
}
