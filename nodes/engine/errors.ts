/**
 * Error mapping shared by the engine and its hosts (worker, Node): one out-of-memory rule and one way to turn any
 * thrown value into a RunError located on a node.
 */
import { RunError } from './types';

const OUT_OF_MEMORY =
  /out of memory|\bOOM\b|failed to allocate|allocation failed|array buffer allocation|cannot allocate|memory access out of bounds|exceeds the maximum|Invalid typed array length|CONTEXT_LOST/i;

/** True when an error (from tfjs, WebGL/WebGPU, WASM or the JS engine) means the device ran out of memory. */
export function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return OUT_OF_MEMORY.test(message);
}

export const OUT_OF_MEMORY_MESSAGE =
  'Ran out of memory. Try a smaller batch size, fewer images per class, a smaller model, or pooling ' +
  "('gap') instead of 'flatten' in the head.";

/** Any thrown value → RunError: RunErrors pass through, out-of-memory goes to `oomNodeId`, the rest is internal. */
export function toRunError(raw: unknown, oomNodeId: string | null = null): RunError {
  if (raw instanceof RunError) return raw;
  if (isOutOfMemory(raw)) return new RunError(OUT_OF_MEMORY_MESSAGE, 'out-of-memory', oomNodeId);
  const message = raw instanceof Error ? raw.message : String(raw);
  return new RunError(`Internal error: ${message}`, 'internal', null);
}

/** Re-locate an error from a host call on `nodeId`, or wrap a foreign error with `prefix` and `kind`. */
export function locateError(error: unknown, nodeId: string | null | undefined, kind: RunError['kind'], prefix: string): RunError {
  if (error instanceof RunError) return new RunError(error.message, error.kind, error.nodeId ?? nodeId ?? null);
  return new RunError(`${prefix}: ${error instanceof Error ? error.message : String(error)}`, kind, nodeId ?? null);
}
