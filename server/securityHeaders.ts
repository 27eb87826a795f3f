/**
 * Response headers for API responses (JSON and image bytes): nothing in them is a document, so the CSP allows
 * nothing; never sniffed, never framed, never cached unless the route says the content is immutable.
 * The app's pages get their policy from next.config.js (PAGE_CSP there); the headers themselves live in
 * api-security-headers.mjs, shared with server/next-entry.mjs.
 */
import { API_SECURITY_HEADERS as SHARED_HEADERS } from './api-security-headers.mjs';

export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = SHARED_HEADERS;

/** `immutable` for version-addressed, never-changing reads; everything else is `no-store`. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Adds the API headers (and `no-store` unless the response chose its caching) to a Response. */
export function withApiHeaders(res: Response): Response {
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(API_SECURITY_HEADERS)) headers.set(k, v);
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  headers.delete('x-powered-by');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** A JSON error/answer with the API headers. */
export function apiJson(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return withApiHeaders(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...extra } }));
}
