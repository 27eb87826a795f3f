import { describe, expect, it } from 'vitest';
import { checkImageBytes, MIN_IMAGE_SIDE, sniffImageFormat } from './validate-image';
import { makeJpeg, makePng } from './test-images';

const text = (s: string) => new TextEncoder().encode(s);

describe('checkImageBytes', () => {
  it('accepts real PNG and JPEG files and reads their size', () => {
    const png = checkImageBytes(makePng(40, 30), 'a.png');
    expect(png).toEqual({ ok: true, format: 'png', width: 40, height: 30, mimeType: 'image/png' });
    const jpg = checkImageBytes(makeJpeg(64, 48), 'b.jpg');
    expect(jpg).toEqual({ ok: true, format: 'jpeg', width: 64, height: 48, mimeType: 'image/jpeg' });
  });

  it('sniffs by content, not by extension', () => {
    expect(checkImageBytes(makePng(32, 32), 'photo.jpg')).toMatchObject({ ok: true, format: 'png' });
    expect(sniffImageFormat(text('GIF89a'))).toBe('gif');
  });

  it('reports non-images, with a hint when the extension lies', () => {
    expect(checkImageBytes(text('hello world'), 'notes.txt')).toEqual({ ok: false, reason: 'not an image' });
    const lying = checkImageBytes(text('hello world'), 'cat.jpg');
    expect(lying.ok).toBe(false);
    if (!lying.ok) expect(lying.reason).toMatch(/corrupt or not an image/);
    expect(checkImageBytes(new Uint8Array(0), 'x.png')).toEqual({ ok: false, reason: 'empty file' });
  });

  it('reports truncated / corrupt JPEG and PNG files', () => {
    const jpg = makeJpeg(64, 64);
    const truncatedJpg = checkImageBytes(jpg.subarray(0, 40), 'x.jpg');
    expect(truncatedJpg.ok).toBe(false);
    if (!truncatedJpg.ok) expect(truncatedJpg.reason).toMatch(/corrupt/);

    const png = makePng(32, 32);
    const truncatedPng = checkImageBytes(png.subarray(0, png.length - 20), 'x.png');
    expect(truncatedPng.ok).toBe(false);
    if (!truncatedPng.ok) expect(truncatedPng.reason).toMatch(/corrupt \(truncated PNG\)/);

    const badCrc = png.slice();
    badCrc[20] ^= 0xff; // flips a byte of the IHDR width → checksum mismatch
    const crc = checkImageBytes(badCrc, 'x.png');
    expect(crc.ok).toBe(false);
    if (!crc.ok) expect(crc.reason).toMatch(/checksum/);

    // Cut inside the entropy-coded data: headers intact, end-of-image marker missing.
    const cutInScan = checkImageBytes(jpg.subarray(0, jpg.length - 10), 'x.jpg');
    expect(cutInScan).toEqual({ ok: false, reason: expect.stringMatching(/end of the image is missing/) });

    // JPEG magic followed by garbage.
    const garbage = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x12, 0x34]);
    expect(checkImageBytes(garbage, 'x.jpg').ok).toBe(false);
  });

  it('reports images that are too small', () => {
    const tiny = checkImageBytes(makePng(MIN_IMAGE_SIDE - 1, 64), 'tiny.png');
    expect(tiny.ok).toBe(false);
    if (!tiny.ok) expect(tiny.reason).toMatch(/too small \(15×64 px/);
  });

  it('names unsupported image formats', () => {
    const tiff = checkImageBytes(new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'scan.tif');
    expect(tiff).toEqual({ ok: false, reason: expect.stringMatching(/unsupported format \(TIFF\)/) });
    const heic = new Uint8Array(16);
    heic.set(text('\0\0\0\x18ftypheic'));
    expect(checkImageBytes(heic, 'IMG_0001.HEIC')).toEqual({ ok: false, reason: expect.stringMatching(/HEIC/) });
    expect(checkImageBytes(text('<?xml version="1.0"?><svg xmlns="x"></svg>'), 'a.svg')).toEqual({
      ok: false,
      reason: expect.stringMatching(/SVG/),
    });
  });
});
