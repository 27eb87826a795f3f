/**
 * Decode workers for the browser engine: nested Web Workers that fetch, decode and stretch images to the model
 * input (`decode-worker.ts`), so the next batches advance while the engine's thread runs the forward pass (every
 * step of an async decode chain otherwise waits for that thread). One per core, at most 4: they idle most of the
 * time (a batch decodes much faster than it runs through the network), and more of them shorten the wait for the
 * first batch, when nothing else runs.
 * When a decode worker cannot start or dies, its requests and all later ones run on the engine's thread with the
 * same code: same pixels either way.
 */
import { z } from 'zod';
import { urlToModelInputHere } from './model-input';

const MAX_WORKERS = 4;

const ReplySchema = z.union([
  z.object({ id: z.number(), pixels: z.instanceof(Uint8Array) }),
  z.object({ id: z.number(), error: z.string() }),
]);

interface Request {
  url: string;
  height: number;
  width: number;
  resolve(pixels: Uint8Array): void;
  reject(error: Error): void;
}

interface DecodeWorker {
  worker: Worker;
  pending: Map<number, Request>;
  alive: boolean;
}

let workers: DecodeWorker[] | null = null;
let nextId = 1;

function start(): DecodeWorker[] {
  if (typeof Worker === 'undefined') return [];
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  const count = Math.max(1, Math.min(MAX_WORKERS, cores));
  const started: DecodeWorker[] = [];
  for (let k = 0; k < count; k++) {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'graft-decode' });
    } catch {
      break;
    }
    const entry: DecodeWorker = { worker, pending: new Map(), alive: true };
    worker.onmessage = (event: MessageEvent) => {
      const reply = ReplySchema.parse(event.data);
      const request = entry.pending.get(reply.id);
      if (!request) return;
      entry.pending.delete(reply.id);
      if ('pixels' in reply) request.resolve(reply.pixels);
      else request.reject(new Error(reply.error));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      entry.alive = false;
      // Nothing is lost: what the worker held is decoded on this thread instead.
      for (const request of entry.pending.values()) {
        urlToModelInputHere(request.url, request.height, request.width).then(request.resolve, request.reject);
      }
      entry.pending.clear();
      worker.terminate();
    };
    started.push(entry);
  }
  return started;
}

/** Fetch, decode, fit and stretch one image to height×width RGB on a decode worker when one runs. Rejects with the
 * decoder's message for images it cannot use. */
export function urlToModelInput(url: string, height: number, width: number): Promise<Uint8Array> {
  workers ??= start();
  const alive = workers.filter((w) => w.alive);
  if (alive.length === 0) return urlToModelInputHere(url, height, width);
  const target = alive.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    target.pending.set(id, { url, height, width, resolve, reject });
    target.worker.postMessage({ id, url, height, width });
  });
}

/** How many decode workers run (for the bench). */
export function decodeWorkerCount(): number {
  return (workers ?? []).filter((w) => w.alive).length;
}
