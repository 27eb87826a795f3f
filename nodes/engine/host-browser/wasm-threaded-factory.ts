/**
 * Stands in for tfjs-backend-wasm's threaded-SIMD Emscripten factory in the browser bundle (next.config.js swaps
 * `../wasm-out/tfjs-backend-wasm-threaded-simd.js` for this module when tfjs-backend-wasm imports it).
 *
 * Why: tfjs hands each pthread worker `mainScriptUrlOrBlob = Blob("var WasmBackendModuleThreadedSimd = " +
 * factory.toString())`. Once bundled and minified, that factory refers to variables outside itself (webpack's
 * `process` polyfill, `require`, the script directory), so the copy cannot run in a fresh worker and thread
 * start-up fails. Here the main engine worker keeps the bundled factory, and the pthread workers load the
 * untouched Emscripten script from our own origin (`public/tfjs-wasm/`, copied by scripts/copy-wasm.mjs) — same
 * origin, so the page's CSP (`script-src 'self'`) and cross-origin isolation (COEP) allow it.
 */
import bundledFactory, { type WasmFactoryConfig } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';

/** Where the unbundled Emscripten glue for the pthread workers is served from. */
export const THREADED_GLUE_PATH = '/tfjs-wasm/tfjs-backend-wasm-threaded-simd.js';

export default function threadedSimdFactory(config: WasmFactoryConfig) {
  config.mainScriptUrlOrBlob = new URL(THREADED_GLUE_PATH, self.location.origin).toString();
  // tfjs-wasm caps XNNPACK's thread pool at navigator.hardwareConcurrency / 2 (its C++ `num_cores`, read once while
  // the module initialises, assuming two hyper-threads per core), which is one thread on a 2-core laptop. Graft
  // wants one thread per logical core (setThreadsCount in host.ts; tfjs still caps at its 8 pre-made workers), so
  // the module is shown twice the count until it has initialised.
  const restore = doubleReportedCores();
  return bundledFactory(config).finally(restore);
}

function doubleReportedCores(): () => void {
  const nav = self.navigator as Navigator & { hardwareConcurrency: number };
  const cores = nav.hardwareConcurrency || 1;
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => cores * 2 });
  } catch {
    return () => {}; // not redefinable here: tfjs keeps its own cap
  }
  return () => {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}
