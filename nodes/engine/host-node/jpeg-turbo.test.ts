/**
 * The fast JPEG path (libjpeg-turbo, WebAssembly) decodes to exactly sharp's pixels, and every JPEG it would
 * decode differently (rotated, CMYK, truncated, damaged) goes to sharp instead.
 */
import { describe, expect, it } from 'vitest';
import { decodeImageWithSharp, loadSharp } from './native-decode';
import { decodeJpegWithTurbo, exifOrientation, jpegNeedsSharp, loadJpegTurbo } from './jpeg-turbo';

const sharp = loadSharp();

/** An RGB "photo" (gradients, a hard-edged disc, seeded noise) as raw bytes. */
function photo(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (Math.min(width, height) * 0.25) ** 2;
      const i = (y * width + x) * 3;
      data[i] = disc ? 210 : Math.round((x / width) * 180 + 30) + (s % 9);
      data[i + 1] = disc ? 60 : Math.round((y / height) * 160 + 50) + (s % 7);
      data[i + 2] = disc ? 40 : 120 + (s % 11);
    }
  }
  return data;
}

describe.skipIf(!sharp || !loadJpegTurbo())('fast JPEG path', () => {
  const encode = (width: number, height: number, seed: number, edit: (p: import('sharp').Sharp) => import('sharp').Sharp = (p) => p) =>
    edit(sharp!(photo(width, height, seed), { raw: { width, height, channels: 3 } })).jpeg({ quality: 90 }).toBuffer();

  it.each([
    ['4:2:0, larger than the model side', 320, 263, (p: import('sharp').Sharp) => p],
    ['4:4:4, smaller than the model side', 150, 201, (p: import('sharp').Sharp) => p.jpeg({ quality: 95, chromaSubsampling: '4:4:4' })],
    ['progressive', 500, 375, (p: import('sharp').Sharp) => p.jpeg({ progressive: true })],
    ['greyscale', 300, 200, (p: import('sharp').Sharp) => p.greyscale()],
  ])('gives exactly sharp’s pixels: %s', async (_, width, height, edit) => {
    const bytes = new Uint8Array(await encode(width, height, width, edit));
    expect(jpegNeedsSharp(bytes)).toBeNull();
    const fast = decodeJpegWithTurbo(loadJpegTurbo()!, bytes, 224); // the fast decoder itself, no fallback
    const slow = await decodeImageWithSharp(sharp!, bytes, 224, { fastJpeg: false });
    expect([fast.width, fast.height]).toEqual([slow.width, slow.height]);
    expect(Buffer.from(fast.data).equals(Buffer.from(slow.data))).toBe(true);
  });

  it('sends rotated, CMYK, truncated and padded-truncated JPEGs to sharp, with the reason', async () => {
    const plain = await encode(120, 80, 3);
    const rotated = await sharp!(plain).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const cmyk = await sharp!(plain).toColourspace('cmyk').jpeg().toBuffer();
    expect(jpegNeedsSharp(new Uint8Array(rotated))).toBe('EXIF rotation');
    expect(jpegNeedsSharp(new Uint8Array(cmyk))).toMatch(/Adobe|4 colour components/);
    expect(jpegNeedsSharp(new Uint8Array(plain.subarray(0, plain.length - 100)))).toMatch(/truncated/);
    // Zero padding after the end-of-image marker is allowed (libjpeg ignores it).
    expect(jpegNeedsSharp(new Uint8Array([...plain, 0, 0, 0]))).toBeNull();
    // The rotated file is decoded upright (sharp applies EXIF), 80 wide and 120 tall.
    const upright = await decodeImageWithSharp(sharp!, new Uint8Array(rotated), 1000);
    expect([upright.width, upright.height]).toEqual([80, 120]);
  });

  it('reads the EXIF orientation in both byte orders', () => {
    const app1 = (little: boolean, orientation: number) => {
      const u16 = (v: number) => (little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
      const u32 = (v: number) => (little ? [v & 0xff, (v >> 8) & 0xff, 0, 0] : [0, 0, (v >> 8) & 0xff, v & 0xff]);
      return new Uint8Array([
        ...Buffer.from('Exif\0\0', 'latin1'), ...(little ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]), ...u32(8),
        ...u16(1), ...u16(0x0112), ...u16(3), ...u32(1), ...u16(orientation), 0, 0, ...u32(0),
      ]);
    };
    for (const little of [true, false]) {
      const body = app1(little, 8);
      expect(exifOrientation(body, 0, body.length)).toBe(8);
      expect(exifOrientation(app1(little, 1), 0, body.length)).toBe(1);
    }
    expect(exifOrientation(new Uint8Array(20), 0, 20)).toBe(1); // not EXIF
  });

  it('a damaged file still gets sharp’s verdict (the fast decoder’s failure is not the answer)', async () => {
    const plain = await encode(200, 150, 7);
    const damaged = new Uint8Array([...plain.subarray(0, 400), 0xff, 0xd9]);
    expect(jpegNeedsSharp(damaged)).toBeNull(); // looks complete: the fast path tries it, fails, hands it on
    expect(() => decodeJpegWithTurbo(loadJpegTurbo()!, damaged, 64)).toThrow();
    const verdict = await decodeImageWithSharp(sharp!, damaged, 64).then(() => 'decoded', (e: { reason?: string }) => e.reason);
    const sharpOnly = await decodeImageWithSharp(sharp!, damaged, 64, { fastJpeg: false }).then(() => 'decoded', (e: { reason?: string }) => e.reason);
    expect(verdict).toBe(sharpOnly);
    // And the fast decoder keeps working after a failure.
    const next = new Uint8Array(await encode(64, 48, 2));
    const fast = decodeJpegWithTurbo(loadJpegTurbo()!, next, 224);
    const slow = await decodeImageWithSharp(sharp!, next, 224, { fastJpeg: false });
    expect(Buffer.from(fast.data).equals(Buffer.from(slow.data))).toBe(true);
  });
});
