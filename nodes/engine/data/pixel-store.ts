/** Pixels: lazily decoded, resized to the model input, cached up to a byte budget. */
import type * as tfjs from '@tensorflow/tfjs';
import type { DecodedImage, ImageSource } from '../host';

export const DEFAULT_PIXEL_CACHE_BYTES = 256 * 1024 * 1024;
/** Images being decoded at once while preloading (a few per decode worker/thread, plus their downloads). */
export const PRELOAD_IN_FLIGHT = 24;

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
    let pixels: Uint8Array;
    try {
      pixels = this.source.loadModelInput
        ? await this.source.loadModelInput(index, this.height, this.width)
        : await resizeToUint8(this.tf, await this.source.load(index, Math.max(this.height, this.width)), this.height, this.width);
    } catch (error) {
      this.failed.set(index, error instanceof Error ? error.message : String(error));
      return null;
    }
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

  /**
   * Decode + resize items into the cache ahead of training (only call when they fit the budget). A window of
   * `inFlight` images moves along the list: each finished image lets the next one start, so the decoders (decode
   * workers/threads, the server's file reads) never wait for the slowest image of a chunk.
   */
  async preload(indices: number[], onProgress: (done: number) => void, checkCancelled: () => void, inFlight = PRELOAD_IN_FLIGHT): Promise<void> {
    let next = 0;
    let done = 0;
    const lane = async (): Promise<void> => {
      while (next < indices.length) {
        checkCancelled();
        await this.pixelsOf(indices[next++]);
        onProgress(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, indices.length)) }, lane));
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
 * and round back to bytes (toward zero). The arithmetic is tfjs' `resizeBilinear` (half-pixel centres, no corner
 * alignment; the CPU kernel's formula, float32 results), computed here in plain JS: bit-identical to the tfjs CPU
 * backend, within one grey level of WASM/WebGL/WebGPU, and without a tensor round trip per image (a GPU read-back
 * per image in the browser, ~7 ms of WASM calls per image in Node). `tf` is kept for callers' sake.
 */
export async function resizeToUint8(_tf: typeof tfjs, image: DecodedImage, height: number, width: number): Promise<Uint8Array> {
  return resizeBilinearUint8(image, height, width);
}

/** The synchronous resize behind `resizeToUint8`. RGB in, RGB out. */
export function resizeBilinearUint8(image: DecodedImage, height: number, width: number): Uint8Array {
  const { data, width: oldWidth, height: oldHeight } = image;
  if (oldWidth === width && oldHeight === height) return data;
  const out = new Uint8Array(height * width * 3);
  const rowRatio = oldHeight / height;
  const colRatio = oldWidth / width;
  const span = width * 3;
  // An image fitted within the model size keeps one side (e.g. 224×168 → 224×224). Along that side the general
  // formula's fraction is exactly 0, so these shorter loops give the same bytes at half the cost.
  if (oldWidth === width) {
    for (let r = 0, o = 0; r < height; r++) {
      const fracRow = rowRatio * (r + 0.5) - 0.5;
      const rowFloor = Math.max(0, Math.floor(fracRow));
      const rowFrac = fracRow - rowFloor;
      const top = rowFloor * span;
      const bottom = Math.min(oldHeight - 1, Math.ceil(fracRow)) * span;
      for (let k = 0; k < span; k++) {
        const upper = data[top + k];
        out[o++] = Math.fround(upper + (data[bottom + k] - upper) * rowFrac);
      }
    }
    return out;
  }
  // Per output column: source columns and fraction (shared by every row).
  const colLeft = new Int32Array(width);
  const colRight = new Int32Array(width);
  const colFrac = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    const fracCol = colRatio * (c + 0.5) - 0.5;
    const floor = Math.max(0, Math.floor(fracCol));
    colLeft[c] = floor * 3;
    colRight[c] = Math.min(oldWidth - 1, Math.ceil(fracCol)) * 3;
    colFrac[c] = fracCol - floor;
  }
  if (oldHeight === height) {
    for (let r = 0, o = 0; r < height; r++) {
      const row = r * oldWidth * 3;
      for (let c = 0; c < width; c++) {
        const left = row + colLeft[c];
        const right = row + colRight[c];
        const cf = colFrac[c];
        out[o++] = Math.fround(data[left] + (data[right] - data[left]) * cf);
        out[o++] = Math.fround(data[left + 1] + (data[right + 1] - data[left + 1]) * cf);
        out[o++] = Math.fround(data[left + 2] + (data[right + 2] - data[left + 2]) * cf);
      }
    }
    return out;
  }
  let o = 0;
  for (let r = 0; r < height; r++) {
    const fracRow = rowRatio * (r + 0.5) - 0.5;
    const rowFloor = Math.max(0, Math.floor(fracRow));
    const rowFrac = fracRow - rowFloor;
    const top = rowFloor * oldWidth * 3;
    const bottom = Math.min(oldHeight - 1, Math.ceil(fracRow)) * oldWidth * 3;
    for (let c = 0; c < width; c++) {
      const tl = top + colLeft[c];
      const tr = top + colRight[c];
      const bl = bottom + colLeft[c];
      const br = bottom + colRight[c];
      const cf = colFrac[c];
      for (let d = 0; d < 3; d++) {
        const upper = data[tl + d] + (data[tr + d] - data[tl + d]) * cf;
        const lower = data[bl + d] + (data[br + d] - data[bl + d]) * cf;
        // Math.fround: tfjs stores the value in a Float32Array before it is truncated to a byte.
        out[o++] = Math.fround(upper + (lower - upper) * rowFrac);
      }
    }
  }
  return out;
}
