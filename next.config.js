/**
 * The pages' Content-Security-Policy: only what Graft needs.
 * - script-src 'unsafe-inline': Next's App Router bootstraps with inline scripts; without nonces (which would make
 *   every page dynamically rendered) Next's CSP guide prescribes 'unsafe-inline'. 'wasm-unsafe-eval' lets the tfjs
 *   WASM backend compile its module (no JS eval). `next dev` additionally needs 'unsafe-eval' (React dev tooling).
 * - worker-src 'self' blob:: the engine's Web Worker bundle (and blob workers); connect-src adds the catalog's model
 *   host (storage.googleapis.com); img/media blob: + data: + mediastream: for uploads, canvases and the webcam.
 * - frame-ancestors 'none': Graft is never framed (an explicit embed route may relax this later).
 */
const isDev = process.env.NODE_ENV === 'development';
const PAGE_CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${isDev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self' data:",
  `connect-src 'self' blob: data: https://storage.googleapis.com${isDev ? ' ws:' : ''}`,
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // No framework fingerprint in responses.
  poweredByHeader: false,
  // Separate build folders let several dev servers / builds coexist (e.g. tests vs. a running app).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  // Loaded by Node at run time, not bundled: PGlite reads its WASM/data files via `new URL(..., import.meta.url)`,
  // which a bundled copy turns into paths fs cannot open.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  webpack(config, { webpack }) {
    // Multi-threaded WASM: tfjs-backend-wasm starts its pthread workers from `factory.toString()`, which bundling
    // breaks; this module gives them the unbundled Emscripten script from public/ instead (see the file's comment).
    config.plugins.push(
      new webpack.NormalModuleReplacementPlugin(/^\.\.\/wasm-out\/tfjs-backend-wasm-threaded-simd\.js$/, (resource) => {
        if (/tfjs-backend-wasm[\\/]dist/.test(resource.context ?? '')) {
          resource.request = `${__dirname}/nodes/engine/host-browser/wasm-threaded-factory.ts`;
        }
      }),
    );
    return config;
  },
  async headers() {
    // Cross-origin isolation lets the threaded-SIMD WASM backend use SharedArrayBuffer (both cores).
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
          { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
          { key: 'Content-Security-Policy', value: PAGE_CSP },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(self), microphone=(), geolocation=(), payment=()' },
        ],
      },
      {
        // API answers are data, never documents: allow nothing (a later entry overrides the same key).
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" }],
      },
    ];
  },
};
module.exports = nextConfig;
