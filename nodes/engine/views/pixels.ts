/**
 * Images for the views: decoded from the run's ImageSource and resized to the model input the same way the engine
 * does (stretch, bilinear with half-pixel centres, back to 8-bit), then scaled like the run. Undecodable items are
 * left out and reported through `kept`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DecodedImage, ImageSource } from '../host';

type TF = typeof tfjs;

export interface ModelInput {
  inputSize: [number, number];
  /** Affine map from 0..255 pixels to the model's input range. */
  scale: number;
  offset: number;
}

export async function resizeTo(tf: TF, image: DecodedImage, height: number, width: number): Promise<Uint8Array> {
  if (image.width === width && image.height === height) return image.data;
  const resized = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), [height, width], false, true),
  );
  const values = await resized.data();
  resized.dispose();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]; // truncates like the engine's PixelStore
  return out;
}

/** Resized 8-bit RGB of each item (null when it cannot be decoded). */
export async function loadPixels(
  tf: TF,
  source: ImageSource,
  indices: number[],
  [height, width]: [number, number],
): Promise<Array<Uint8Array | null>> {
  return Promise.all(
    indices.map(async (i) => {
      try {
        return await resizeTo(tf, await source.load(i, Math.max(height, width)), height, width);
      } catch {
        return null;
      }
    }),
  );
}

/** [n, H, W, 3] scaled model input from resized pixels (all non-null). */
export function inputBatch(tf: TF, pixels: Uint8Array[], input: ModelInput): tfjs.Tensor4D {
  const [height, width] = input.inputSize;
  const frame = height * width * 3;
  const all = new Float32Array(pixels.length * frame);
  pixels.forEach((p, k) => all.set(p, k * frame));
  return tf.tidy(() =>
    tf.add(tf.mul(tf.tensor4d(all, [pixels.length, height, width, 3]), input.scale), input.offset),
  ) as tfjs.Tensor4D;
}

/** Call `fn` on batches of `size` consecutive positions of `count`. */
export async function inBatches(count: number, size: number, fn: (from: number, to: number) => Promise<void>): Promise<void> {
  for (let from = 0; from < count; from += size) await fn(from, Math.min(count, from + size));
}
