/**
 * A decode worker, started by the engine worker (`decode-workers.ts`): fetches, decodes and stretches images to
 * the model input and transfers the pixels back. Running here, none of it waits for the engine's thread, which is
 * blocked by the (synchronous) forward pass for a whole batch.
 */
import { z } from 'zod';
import { urlToModelInputHere } from './model-input';

const RequestSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
});

const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown, transfer?: Transferable[]): void };

scope.onmessage = (event: MessageEvent) => {
  const { id, url, height, width } = RequestSchema.parse(event.data);
  urlToModelInputHere(url, height, width).then(
    (resized) => {
      // Transfer only a buffer that holds exactly these pixels.
      const pixels = resized.byteOffset === 0 && resized.byteLength === resized.buffer.byteLength ? resized : resized.slice();
      scope.postMessage({ id, pixels }, [pixels.buffer]);
    },
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
};
