/**
 * Entry of a decode thread (`decode-threads.ts` starts it): reads an image file, decodes it (sharp, else the
 * pure-JS decoder), downscales it and stretches it to the model input — exactly the main thread's steps
 * (`decodeImageNative` + `resizeBilinearUint8`), so the pixels are the same bytes — and transfers the result back.
 * Running here, none of it waits for the main thread, which is busy with the (synchronous) forward pass.
 */
import fs from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { resizeBilinearUint8 } from '../data/pixel-store';
import { decodeImageNative } from './native-decode';

const RequestSchema = z.object({
  id: z.number().int(),
  file: z.string(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
});

export type DecodeReply =
  | { id: number; pixels: Uint8Array }
  | { id: number; error: { message: string; reason: string | null } };

async function handle(request: z.infer<typeof RequestSchema>): Promise<{ reply: DecodeReply; transfer: ArrayBuffer[] }> {
  const { id, file, height, width } = request;
  try {
    const image = await decodeImageNative(new Uint8Array(await fs.readFile(file)), Math.max(height, width));
    const resized = resizeBilinearUint8(image, height, width);
    // Transfer only a buffer this thread owns outright (sharp's output may be a view of a native buffer).
    const pixels = resized.byteOffset === 0 && resized.byteLength === resized.buffer.byteLength && resized !== image.data
      ? resized
      : resized.slice();
    return { reply: { id, pixels }, transfer: [pixels.buffer as ArrayBuffer] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = error instanceof Error && 'reason' in error && typeof error.reason === 'string' ? error.reason : null;
    return { reply: { id, error: { message, reason } }, transfer: [] };
  }
}

const port = parentPort;
if (port) {
  port.on('message', (message: unknown) => {
    const request = RequestSchema.parse(message);
    void handle(request).then(({ reply, transfer }) => port.postMessage(reply, transfer));
  });
  port.postMessage({ ready: true });
}
