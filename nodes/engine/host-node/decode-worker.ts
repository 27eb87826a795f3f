/**
 * Entry of a decode thread (`decode-threads.ts` starts it): reads an image file, decodes it (sharp, else the
 * pure-JS decoder), downscales it and stretches it to the model input — with the main thread's own function
 * (`fileToModelInputHere`), so the pixels are the same bytes — and transfers the result back.
 * Running here, none of it waits for the main thread, which is busy with the (synchronous) forward pass.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { fileToModelInputHere } from './decode-threads';

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
    // A copy (150 KB, microseconds) is transferred: the result may be the decoder's own buffer (sharp's output, a
    // view of a native buffer, when the image already has the model's size), which this thread must not give away.
    const pixels = (await fileToModelInputHere(file, height, width)).slice();
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
