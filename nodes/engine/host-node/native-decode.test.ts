/**
 * sharp (native) vs the pure-JS decoder: same sizes, same skip reasons, pixels within a small tolerance — on
 * generated photo-like images (smooth gradients + edges + noise), before and after the engine's resize to the
 * model input (the stretch rule every host shares: `resizeToUint8`).
 */
import { describe, expect, it, vi } from 'vitest';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';
import { decodeImage, type ImageDecodeError } from '../../dataset/decode-node';
import { resizeToUint8 } from '../data/pixel-store';
import { decodeImageNative, decodeImageWithSharp, isSrgbProfile, jpegIccProfile, loadSharp } from './native-decode';
import type { DecodedImage } from '../host';

/** RGBA "photo": a smooth two-colour gradient, a disc with a hard edge, mild seeded noise. */
function photo(width: number, height: number, seed: number, alpha = false): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  let s = seed * 2654435761;
  const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) % 17) - 8;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inDisc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (Math.min(width, height) * 0.25) ** 2;
      const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
      data[i] = clamp((inDisc ? 210 : (x / width) * 180 + 30) + noise());
      data[i + 1] = clamp((inDisc ? 60 : (y / height) * 160 + 50) + noise());
      data[i + 2] = clamp((inDisc ? 40 : 120 + seed * 20) + noise());
      data[i + 3] = alpha ? (x < width / 3 ? 0 : x < (2 * width) / 3 ? 128 : 255) : 255;
    }
  }
  return data;
}

const png = (w: number, h: number, seed: number, alpha = false) => {
  const image = new PNG({ width: w, height: h });
  image.data = Buffer.from(photo(w, h, seed, alpha));
  return new Uint8Array(PNG.sync.write(image));
};
const jpg = (w: number, h: number, seed: number) =>
  new Uint8Array(jpeg.encode({ data: Buffer.from(photo(w, h, seed)), width: w, height: h }, 92).data);

function meanAbsDiff(a: DecodedImage | Uint8Array, b: DecodedImage | Uint8Array): number {
  const x = a instanceof Uint8Array ? a : a.data;
  const y = b instanceof Uint8Array ? b : b.data;
  expect(x.length).toBe(y.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
  if (process.env.SHOW_DIFF) console.log('mean abs diff', sum / x.length);
  return sum / x.length;
}

const sharp = loadSharp();

describe.skipIf(!sharp)('native decoding (sharp) keeps the pure-JS pixel policy', () => {
  it('decodes a PNG at its own size to exactly the same pixels', async () => {
    const bytes = png(120, 90, 1);
    const native = await decodeImageWithSharp(sharp!, bytes, 1000);
    const js = decodeImage(bytes, 1000);
    expect([native.width, native.height]).toEqual([120, 90]);
    expect(meanAbsDiff(native, js)).toBe(0);
  });

  it('flattens transparency on white, like the pure-JS decoder', async () => {
    const bytes = png(60, 40, 2, true);
    const native = await decodeImageWithSharp(sharp!, bytes, 1000);
    const js = decodeImage(bytes, 1000);
    expect(native.data.slice(0, 3)).toEqual(new Uint8Array([255, 255, 255])); // alpha 0 → white
    expect(meanAbsDiff(native, js)).toBeLessThanOrEqual(1);
  });

  it('decodes a JPEG within a grey level of jpeg-js (different IDCTs)', async () => {
    const bytes = jpg(160, 120, 3);
    const native = await decodeImageWithSharp(sharp!, bytes, 1000);
    const js = decodeImage(bytes, 1000);
    expect(meanAbsDiff(native, js)).toBeLessThan(1);
  });

  it.each([
    ['landscape JPEG', () => jpg(640, 427, 4)],
    ['portrait JPEG', () => jpg(333, 500, 5)],
    ['PNG, non-integer scale', () => png(500, 375, 6)],
  ])('downscales a %s to the same size and nearly the same pixels, before and after the model resize', async (_, make) => {
    const bytes = make();
    const native = await decodeImageWithSharp(sharp!, bytes, 224);
    const js = decodeImage(bytes, 224);
    expect([native.width, native.height]).toEqual([js.width, js.height]);
    expect(Math.max(native.width, native.height)).toBe(224);
    expect(meanAbsDiff(native, js)).toBeLessThan(2.5);
    // What the network sees: both stretched to 224×224 by the shared rule.
    await tf.setBackend('cpu');
    const a = await resizeToUint8(tf, native, 224, 224);
    const b = await resizeToUint8(tf, js, 224, 224);
    expect(meanAbsDiff(a, b)).toBeLessThan(2.5);
  });

  it('refuses the same files with the same reasons', async () => {
    const big = jpg(200, 150, 7);
    const cases: Array<[Uint8Array, string]> = [
      [new TextEncoder().encode('hello, not an image'), 'not an image'],
      [png(4, 4, 1), 'too small'],
      [new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')), 'unsupported format (GIF)'],
      [big.subarray(0, Math.floor(big.length / 2)), 'corrupt'],
      [new Uint8Array([...big.subarray(0, 400), 0xff, 0xd9]), 'corrupt'],
    ];
    for (const [bytes, reason] of cases) {
      let jsReason = '';
      try {
        decodeImage(bytes, 64);
      } catch (error) {
        jsReason = (error as ImageDecodeError).reason;
      }
      const native = await decodeImageWithSharp(sharp!, bytes, 64).then(
        () => 'decoded',
        (error: ImageDecodeError) => error.reason,
      );
      expect({ js: jsReason, native }).toEqual({ js: reason, native: reason });
    }
  });

  it('skips the colour transform only for sRGB profiles; converts Display P3 to sRGB', async () => {
    const raw = Buffer.from(photo(64, 48, 10)).subarray(0); // RGBA
    const encode = (profile: 'srgb' | 'p3') =>
      sharp!(raw, { raw: { width: 64, height: 48, channels: 4 } }).removeAlpha().withIccProfile(profile).jpeg({ quality: 95 }).toBuffer();
    const [srgbJpeg, p3Jpeg] = await Promise.all([encode('srgb'), encode('p3')]);
    expect(isSrgbProfile((await sharp!(srgbJpeg).metadata()).icc)).toBe(true);
    expect(isSrgbProfile((await sharp!(p3Jpeg).metadata()).icc)).toBe(false);
    expect(isSrgbProfile(undefined)).toBe(false);
    // The JPEG path reads the profile itself, byte for byte what sharp reports; none in a profile-less file.
    for (const file of [srgbJpeg, p3Jpeg]) expect(jpegIccProfile(file)).toEqual((await sharp!(file).metadata()).icc);
    expect(jpegIccProfile(Buffer.from(jpg(40, 30, 9)))).toBeUndefined();
    // Both files hold the same picture (the P3 one in P3 numbers). Converted back to sRGB they agree; jpeg-js, which
    // ignores profiles, returns the P3 numbers, visibly different.
    const a = await decodeImageWithSharp(sharp!, new Uint8Array(srgbJpeg), 1000);
    const b = await decodeImageWithSharp(sharp!, new Uint8Array(p3Jpeg), 1000);
    const unconverted = decodeImage(new Uint8Array(p3Jpeg), 1000);
    expect(meanAbsDiff(a, b)).toBeLessThan(2.5);
    expect(meanAbsDiff(unconverted, a)).toBeGreaterThan(meanAbsDiff(a, b) + 2);
    // sRGB-tagged: no colour change, so jpeg-js agrees up to the IDCT and chroma upsampling (4:2:0 file).
    expect(meanAbsDiff(a, decodeImage(new Uint8Array(srgbJpeg), 1000))).toBeLessThan(3);
  });

  it('is what the Node host decodes with (decodeImageNative)', async () => {
    const bytes = jpg(640, 480, 8);
    const viaHost = await decodeImageNative(bytes, 224);
    const direct = await decodeImageWithSharp(sharp!, bytes, 224);
    expect(meanAbsDiff(viaHost, direct)).toBe(0);
  });
});

describe('without sharp', () => {
  it('falls back to the pure-JS decoder when sharp cannot load', async () => {
    const previous = process.env.GRAFT_NO_SHARP;
    process.env.GRAFT_NO_SHARP = '1';
    vi.resetModules(); // a fresh module instance, so loadSharp() runs again under the env switch
    try {
      const mod = await import('./native-decode');
      expect(mod.loadSharp()).toBeNull();
      expect(mod.nodeDecoderName()).toMatch(/jpeg-js\/pngjs.*GRAFT_NO_SHARP/);
      const bytes = jpg(300, 200, 9);
      const decoded = await mod.decodeImageNative(bytes, 100);
      expect(meanAbsDiff(decoded, decodeImage(bytes, 100))).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.GRAFT_NO_SHARP;
      else process.env.GRAFT_NO_SHARP = previous;
      vi.resetModules();
    }
  });
});
