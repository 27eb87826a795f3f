/**
 * Next.js 16 Proxy (formerly middleware), in front of the route matcher: a path with a malformed `%` escape
 * (e.g. /api/models/%ZZ/x) is a 400 with the API security headers instead of the bare 500 Next's param decoding
 * gives. `npm start` (server/next-entry.mjs) refuses these before Next; this covers plain `next start`/`next dev`.
 */
import { NextResponse, type NextRequest } from 'next/server';

/** The API security headers (server/securityHeaders.ts; not imported: only app/ may import server/). */
const ERROR_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-type': 'application/json',
  'cache-control': 'no-store',
};

export function proxy(request: NextRequest) {
  const rawPath = request.url.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] ?? '/';
  try {
    decodeURIComponent(rawPath);
  } catch {
    return new NextResponse(JSON.stringify({ error: 'Malformed URL: a % escape in the path is not valid.' }), {
      status: 400,
      headers: ERROR_HEADERS,
    });
  }
  return NextResponse.next();
}

// Dynamic routes only (static assets never carry user-written segments).
export const config = { matcher: ['/api/:path*', '/g/:path*', '/a/:path*'] };
