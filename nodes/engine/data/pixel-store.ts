/** Pixels: lazily decoded, resized to the model input, cached up to a byte budget. */
import type * as tfjs from '@tensorflow/tfjs';
import type { DecodedImage, ImageSource } from '../host';

export const DEFAULT_PIXEL_CACHE_BYTES = 256 * 1024 * 1024;

export class PixelStore {
  private cache = new Map<number, Uint8Array>();
  private cachedBytes = 0;
  readonly failed = new Map<number, string>();

  constructor(
    private readonly tf: typeof tfjs,
    private readonly source: ImageSource,
    readonly height: number,
    readonly width: number,
    private readonly budgetBytes: number,
  ) {}

  private async pixelsOf(index: number): Promise<Uint8Array | null> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    if (this.failed.has(index)) return null;
    let image: DecodedImage;
    try {
      image = await this.source.load(index, Math.max(this.height, this.width));
    } catch (error) {
      this.failed.set(index, error instanceof Error ? error.message : String(error));
      return null;
    }
    const pixels = await resizeToUint8(this.tf, image, this.height, this.width);
    const bytes = pixels.byteLength;
    if (this.cachedBytes + bytes <= this.budgetBytes) {
      this.cache.set(index, pixels);
      this.cachedBytes += bytes;
    }
    return pixels;
  }

  /** Bytes `count` resized images take. */
  bytesFor(count: number): number {
    return count * this.height * this.width * 3;
  }

  /** Decode + resize items into the cache ahead of training (only call when they fit the budget). */
  async preload(indices: number[], onProgress: (done: number) => void, checkCancelled: () => void): Promise<void> {
    const chunk = 16;
    for (let from = 0; from < indices.length; from += chunk) {
      checkCancelled();
      await Promise.all(indices.slice(from, from + chunk).map((i) => this.pixelsOf(i)));
      onProgress(Math.min(indices.length, from + chunk));
    }
  }

  clear(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }

  /** [n, H, W, 3] float32 in 0..255 for the items that could be decoded, plus which ones those were. */
  async batch(indices: number[]): Promise<{ pixels: tfjs.Tensor4D | null; kept: number[] }> {
    const loaded = await Promise.all(indices.map((i) => this.pixelsOf(i)));
    const kept: number[] = [];
    const chunks: Uint8Array[] = [];
    loaded.forEach((pixels, k) => {
      if (pixels) {
        kept.push(indices[k]);
        chunks.push(pixels);
      }
    });
    if (kept.length === 0) return { pixels: null, kept };
    const frame = this.height * this.width * 3;
    const all = new Float32Array(kept.length * frame);
    chunks.forEach((chunk, k) => all.set(chunk, k * frame));
    return { pixels: this.tf.tensor4d(all, [kept.length, this.height, this.width, 3]), kept };
  }
}

/**
 * Stretch an image to the model size (keeps the whole object in view: Keras' image_dataset_from_directory default)
 * and round back to bytes. Async read-back: on WebGPU in a worker, dataSync() goes through OffscreenCanvas WebGPU
 * contexts and kills the GPU instance with software adapters.
 */
export async function resizeToUint8(tf: typeof tfjs, image: DecodedImage, height: number, width: number): Promise<Uint8Array> {
  if (image.width === width && image.height === height) return image.data;
  const resized = tf.tidy(() => {
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    return tf.image.resizeBilinear(input, [height, width], false, true);
  });
  const values = await resized.data();
  resized.dispose();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]; // Uint8Array assignment rounds-to-zero + clamps
  return out;
}
