/**
 * The stretch to the model input is tfjs' resizeBilinear (half-pixel centres), computed in plain JS: exactly the
 * tfjs CPU backend's bytes, within one grey level of the WASM backend, for up- and downscaling and odd shapes.
 * Preloading keeps a moving window of images decoding and stops starting new ones once the run is cancelled.
 */
import { describe, expect, it } from 'vitest';
import { activateBackend, createNodeHost, tf } from '../host-node';
import { PixelStore, resizeBilinearUint8 } from './pixel-store';
import type { DecodedImage, ImageSource } from '../host';

function randomImage(width: number, height: number, seed: number): DecodedImage {
  let s = seed >>> 0;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1664525 + 1013904223) >>> 0) >>> 24;
  return { data, width, height };
}

async function tfResize(backend: 'cpu' | 'wasm', image: DecodedImage, height: number, width: number): Promise<Uint8Array> {
  expect(await activateBackend(backend)).toBe(true);
  const resized = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), [height, width], false, true),
  );
  const values = await resized.data();
  resized.dispose();
  return Uint8Array.from(values, (v) => Math.trunc(v));
}

describe('resizeBilinearUint8', () => {
  const cases: Array<[number, number, number, number]> = [
    [224, 149, 224, 224], // landscape photo → square input
    [100, 224, 224, 224],
    [37, 23, 96, 128], // upscaling, odd sizes
    [300, 300, 32, 32], // strong downscale
    [5, 9, 7, 3],
  ];
  it.each(cases)('%i×%i → %i×%i matches tfjs (CPU exactly, WASM within 1)', async (w, h, outH, outW) => {
    const image = randomImage(w, h, w * 31 + h);
    const ours = resizeBilinearUint8(image, outH, outW);
    expect(ours.length).toBe(outH * outW * 3);
    expect(ours).toEqual(await tfResize('cpu', image, outH, outW));
    const wasm = await tfResize('wasm', image, outH, outW);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - wasm[i]));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('returns the pixels unchanged when the size already matches', () => {
    const image = randomImage(16, 8, 3);
    expect(resizeBilinearUint8(image, 8, 16)).toBe(image.data);
  });
});

describe('PixelStore.preload', () => {
  /** A real synthetic dataset whose loads are counted and made to take a while (so they overlap). */
  async function countingSource(delayMs: number) {
    const source = await createNodeHost().openDataset('builtin:shapes-target');
    const stats = { started: 0, inFlight: 0, maxInFlight: 0 };
    const counted: ImageSource = {
      ...source,
      loadModelInput: undefined,
      async load(index, maxSide) {
        stats.started++;
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, delayMs * (1 + (index % 3))));
          return await source.load(index, maxSide);
        } finally {
          stats.inFlight--;
        }
      },
    };
    return { source: counted, stats };
  }

  it('keeps a window of images decoding, reports every one, and caches them all', async () => {
    const { source, stats } = await countingSource(2);
    const store = new PixelStore(tf, source, 16, 16, Number.MAX_SAFE_INTEGER);
    const indices = Array.from({ length: 40 }, (_, i) => i);
    const progress: number[] = [];
    await store.preload(indices, (done) => progress.push(done), () => {}, 6);
    expect(progress).toEqual(indices.map((i) => i + 1));
    expect(stats.maxInFlight).toBe(6);
    expect(stats.started).toBe(40);
    const batch = await store.batch(indices.slice(0, 5));
    batch.pixels?.dispose();
    expect(stats.started).toBe(40); // served from the cache
  });

  it('stops starting images once cancelled', async () => {
    const { source, stats } = await countingSource(2);
    const store = new PixelStore(tf, source, 16, 16, Number.MAX_SAFE_INTEGER);
    let done = 0;
    const cancelled = store.preload(
      Array.from({ length: 40 }, (_, i) => i),
      (n) => (done = n),
      () => {
        if (done >= 10) throw new Error('cancelled');
      },
      4,
    );
    await expect(cancelled).rejects.toThrow('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stats.started).toBeLessThan(10 + 4 + 1);
  });
});
