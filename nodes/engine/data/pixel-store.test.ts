/**
 * The stretch to the model input is tfjs' resizeBilinear (half-pixel centres), computed in plain JS: exactly the
 * tfjs CPU backend's bytes, within one grey level of the WASM backend, for up- and downscaling and odd shapes.
 */
import { describe, expect, it } from 'vitest';
import { activateBackend, tf } from '../host-node';
import { resizeBilinearUint8 } from './pixel-store';
import type { DecodedImage } from '../host';

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
