/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let several dev servers / builds coexist (e.g. tests vs. a running app).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  // Loaded by Node at run time, not bundled: PGlite reads its WASM/data files via `new URL(..., import.meta.url)`,
  // which a bundled copy turns into paths fs cannot open.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  async headers() {
    // Cross-origin isolation lets the threaded-SIMD WASM backend use SharedArrayBuffer (both cores).
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
          { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};
module.exports = nextConfig;
