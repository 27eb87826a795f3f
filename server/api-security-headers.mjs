/**
 * The security headers of every API response and of the entry's own error responses: nothing in them is a document,
 * so the CSP allows nothing; never sniffed, never framed. Plain JS so that server/next-entry.mjs (run by node without
 * tsx) and the TypeScript routes (server/securityHeaders.ts) share this one copy.
 */
export const API_SECURITY_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});
