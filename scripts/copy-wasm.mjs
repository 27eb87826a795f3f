#!/usr/bin/env node
// Copies tfjs-backend-wasm's .wasm binaries into public/tfjs-wasm/ so the browser worker can load them from our
// own origin (setWasmPaths('/tfjs-wasm/')): same-origin keeps cross-origin isolation (COEP) intact and works offline.
// Also the threaded build's unbundled Emscripten script, which the WASM pthread workers load
// (nodes/engine/host-browser/wasm-threaded-factory.ts).
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const srcDir = path.join(pkgDir, 'dist');
const outDir = path.join(root, 'public', 'tfjs-wasm');
mkdirSync(outDir, { recursive: true });

const sources = [
  ...readdirSync(srcDir).filter((f) => f.endsWith('.wasm')).map((f) => path.join(srcDir, f)),
  path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'),
];
let copied = 0;
for (const from of sources) {
  const file = path.basename(from);
  const to = path.join(outDir, file);
  // Skip unchanged files so repeated `predev` runs are instant.
  try {
    if (statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
  } catch {
    /* not there yet */
  }
  copyFileSync(from, to);
  copied++;
}
if (copied === 0 && readdirSync(outDir).filter((f) => f.endsWith('.wasm')).length === 0) {
  console.error(`copy-wasm: no .wasm files found in ${srcDir}`);
  process.exit(1);
}
console.log(`copy-wasm: ${copied} file(s) copied to public/tfjs-wasm/`);
