/**
 * Decode threads for the Node host: a small pool of worker threads that read, decode and stretch image files to
 * the model input (`decode-worker.ts`), so the main thread only runs the network. Why threads and not just sharp's
 * own thread pool: the main thread is blocked for a whole batch by the synchronous WASM forward pass, and every
 * step of an async decode chain (open, read, decode, the JS downscale and stretch) needs a turn of the main event
 * loop — so without threads the next batch barely advances while the current one runs.
 *
 * One thread per core but one (the main thread keeps a core for the forward pass), at most 4;
 * `GRAFT_DECODE_THREADS=0` turns them off. When a thread cannot start (e.g. TypeScript cannot be loaded in it) or
 * dies, its requests and all later ones are served on the main thread with the same code: same pixels either way.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { resizeBilinearUint8 } from '../data/pixel-store';
import { decodeImageNative } from './native-decode';

const MAX_THREADS = 4;

/** Loads the worker entry: directly when a TypeScript loader is active (tsx passes its flags on to threads), else
 * through tsx's `tsImport` (vitest, which transforms TypeScript without a Node loader). */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  try {
    await import(workerData.entry);
  } catch (error) {
    if (!workerData.tsxApi) throw error;
    await (await import(workerData.tsxApi)).tsImport(workerData.entry, workerData.entry);
  }
})();
`;

const ReplySchema = z.union([
  z.object({ ready: z.literal(true) }),
  z.object({ id: z.number(), pixels: z.instanceof(Uint8Array) }),
  z.object({ id: z.number(), error: z.object({ message: z.string(), reason: z.string().nullable() }) }),
]);

const TsxExportsSchema = z.object({ exports: z.object({ './esm/api': z.object({ import: z.object({ default: z.string() }) }) }) });

interface Request {
  file: string;
  height: number;
  width: number;
  resolve(pixels: Uint8Array): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Request>;
  alive: boolean;
}

/** Decode threads wanted here: GRAFT_DECODE_THREADS, else cores − 1 (at least 1, at most 4). */
export function decodeThreadCount(): number {
  const fromEnv = Number(process.env.GRAFT_DECODE_THREADS);
  if (process.env.GRAFT_DECODE_THREADS !== undefined && Number.isInteger(fromEnv) && fromEnv >= 0) {
    return Math.min(MAX_THREADS, fromEnv);
  }
  return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism() - 1));
}

let threads: Thread[] | null = null;
let disabledReason: string | null = null;
let nextId = 1;

/** The same steps as a decode thread, on the calling thread. */
export async function fileToModelInputHere(file: string, height: number, width: number): Promise<Uint8Array> {
  const image = await decodeImageNative(new Uint8Array(await fs.readFile(file)), Math.max(height, width));
  return resizeBilinearUint8(image, height, width);
}

function workerEntry(): { entry: string; tsxApi: string | null } {
  const here = fileURLToPath(import.meta.url);
  const extension = path.extname(here);
  const entry = new URL(`./decode-worker${extension}`, import.meta.url).href;
  let tsxApi: string | null = null;
  if (extension === '.ts') {
    try {
      // tsx's ESM API (its CommonJS build cannot load from an eval'd worker), found by its package's export map.
      const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
      const exports = TsxExportsSchema.parse(JSON.parse(readFileSync(manifest, 'utf8'))).exports;
      tsxApi = pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api'].import.default)).href;
    } catch {
      tsxApi = null;
    }
  }
  return { entry, tsxApi };
}

function startThreads(count: number): Thread[] {
  const data = workerEntry();
  return Array.from({ length: count }, () => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data });
    const thread: Thread = { worker, pending: new Map(), alive: true };
    // Idle threads must not keep the process alive; a thread with work in flight must (see `refresh`).
    worker.unref();
    worker.on('message', (message: unknown) => {
      const reply = ReplySchema.parse(message);
      if ('ready' in reply) return;
      const request = thread.pending.get(reply.id);
      if (!request) return;
      thread.pending.delete(reply.id);
      refresh(thread);
      if ('pixels' in reply) request.resolve(reply.pixels);
      else request.reject(Object.assign(new Error(reply.error.message), reply.error.reason ? { reason: reply.error.reason } : {}));
    });
    const fail = (why: string) => {
      if (!thread.alive) return;
      thread.alive = false;
      disabledReason ??= why;
      // Nothing is lost: what the thread held is decoded here instead.
      for (const request of thread.pending.values()) {
        fileToModelInputHere(request.file, request.height, request.width).then(request.resolve, request.reject);
      }
      thread.pending.clear();
      void worker.terminate();
    };
    worker.on('error', (error) => fail(`decode thread failed: ${error.message.split('\n')[0]}`));
    worker.on('exit', (code) => fail(`decode thread exited (code ${code})`));
    return thread;
  });
}

function refresh(thread: Thread): void {
  if (thread.pending.size > 0) thread.worker.ref();
  else thread.worker.unref();
}

function pool(): Thread[] {
  if (threads) return threads;
  const count = decodeThreadCount();
  if (count === 0) disabledReason = 'turned off by GRAFT_DECODE_THREADS=0';
  threads = count > 0 ? startThreads(count) : [];
  return threads;
}

/**
 * Read, decode, downscale and stretch one image file to height×width RGB — the pixels
 * `resizeBilinearUint8(decodeImageNative(bytes, max(h, w)), h, w)` gives — on a decode thread when one runs.
 * Rejects with the decoder's message (and `reason`) for files it cannot use.
 */
export function fileToModelInput(file: string, height: number, width: number): Promise<Uint8Array> {
  const alive = pool().filter((t) => t.alive);
  if (alive.length === 0) return fileToModelInputHere(file, height, width);
  const thread = alive.reduce((best, t) => (t.pending.size < best.pending.size ? t : best));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    thread.pending.set(id, { file, height, width, resolve, reject });
    refresh(thread);
    thread.worker.postMessage({ id, file, height, width });
  });
}

/** For logs and the bench: how many decode threads run, or why none do. */
export function decodeThreadsState(): string {
  const alive = pool().filter((t) => t.alive).length;
  return alive > 0 ? `${alive} decode thread${alive === 1 ? '' : 's'}` : `decoding on the main thread (${disabledReason ?? 'no threads'})`;
}

/** Stop the threads (tests); the next request starts new ones. */
export async function stopDecodeThreads(): Promise<void> {
  const current = threads ?? [];
  threads = null;
  disabledReason = null;
  for (const thread of current) {
    thread.alive = false;
    for (const request of thread.pending.values()) request.reject(new Error('decode threads stopped'));
    thread.pending.clear();
  }
  await Promise.all(current.map((t) => t.worker.terminate()));
}
