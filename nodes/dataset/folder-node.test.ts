import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasSharedFlowers, requireAssets, SHARED_FLOWERS } from '../engine/test-assets';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, ImageDecodeError, sniffImageFormat } from './decode-node';
import { datasetDirFor, DatasetError, listFolderDatasets, openFolderDataset, resolveDatasetId } from './folder-node';

const FLOWERS = SHARED_FLOWERS;

/** A w×h RGB gradient image with a red square in the top-left quarter. */
function pixels(width: number, height: number, channels: 3 | 4): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const inSquare = x < width / 2 && y < height / 2;
      data[i] = inSquare ? 230 : 20;
      data[i + 1] = inSquare ? 20 : Math.round((x / width) * 200);
      data[i + 2] = inSquare ? 20 : 200;
      if (channels === 4) data[i + 3] = 255;
    }
  }
  return data;
}

function pngBytes(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(pixels(width, height, 4));
  return PNG.sync.write(png);
}

function jpegBytes(width: number, height: number): Buffer {
  return jpeg.encode({ data: Buffer.from(pixels(width, height, 4)), width, height }, 90).data;
}

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-folder-'));
  const ds = path.join(root, 'mixed');
  for (const c of ['cats', 'dogs', 'empty']) fs.mkdirSync(path.join(ds, c), { recursive: true });
  fs.writeFileSync(path.join(ds, 'cats', 'a.png'), pngBytes(40, 30));
  fs.writeFileSync(path.join(ds, 'cats', 'b.jpg'), jpegBytes(64, 48));
  // A PNG named .jpg: formats come from magic bytes, not extensions.
  fs.writeFileSync(path.join(ds, 'cats', 'misnamed.jpg'), pngBytes(20, 20));
  fs.mkdirSync(path.join(ds, 'cats', 'nested'));
  fs.writeFileSync(path.join(ds, 'cats', 'nested', 'c.png'), pngBytes(16, 16));
  const big = jpegBytes(600, 300);
  fs.writeFileSync(path.join(ds, 'dogs', 'big.jpeg'), big);
  fs.writeFileSync(path.join(ds, 'dogs', 'truncated.jpg'), big.subarray(0, Math.floor(big.length / 2)));
  const garbage = Buffer.from(big);
  garbage.fill(0x37, 0, 2); // destroy the SOI marker → not recognisable as JPEG
  fs.writeFileSync(path.join(ds, 'dogs', 'garbage.jpg'), garbage);
  const badBody = Buffer.from(big.subarray(0, 400));
  fs.writeFileSync(path.join(ds, 'dogs', 'bad-body.jpg'), Buffer.concat([badBody, Buffer.from([0xff, 0xd9])]));
  fs.writeFileSync(path.join(ds, 'dogs', 'notes.txt'), 'hello, not an image');
  fs.writeFileSync(path.join(ds, 'dogs', 'tiny.png'), pngBytes(4, 4));
  fs.writeFileSync(path.join(ds, 'dogs', 'anim.gif'), Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
  fs.writeFileSync(path.join(ds, 'dogs', '.DS_Store'), 'junk');
  fs.writeFileSync(path.join(ds, 'empty', 'README.md'), 'ignored quietly');
  fs.writeFileSync(path.join(ds, 'empty', 'list.csv'), 'a,b');
  fs.writeFileSync(path.join(ds, 'SOURCE.md'), '# where these came from');
  fs.writeFileSync(path.join(ds, 'LICENSE.txt'), 'CC0');
  fs.writeFileSync(path.join(ds, 'stray.png'), pngBytes(12, 12));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('decodeImage', () => {
  it('decodes PNG and JPEG to RGB and downscales the longer side', () => {
    const png = decodeImage(pngBytes(40, 30), 1000);
    expect([png.width, png.height, png.data.length]).toEqual([40, 30, 40 * 30 * 3]);
    expect(Array.from(png.data.subarray(0, 3))).toEqual([230, 20, 20]);
    const jpg = decodeImage(jpegBytes(600, 300), 100);
    expect([jpg.width, jpg.height]).toEqual([100, 50]);
    // Top-left is the red square, bottom-right blue-ish (lossy, so approximately).
    expect(jpg.data[0]).toBeGreaterThan(180);
    expect(jpg.data[(50 * 100 - 1) * 3 + 2]).toBeGreaterThan(150);
  });

  it('throws ImageDecodeError with a reason for unusable bytes', () => {
    const reasonOf = (bytes: Uint8Array) => {
      try {
        decodeImage(bytes, 64);
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(ImageDecodeError);
        return (error as ImageDecodeError).reason;
      }
    };
    expect(reasonOf(Buffer.from('plain text'))).toBe('not an image');
    expect(reasonOf(pngBytes(5, 40))).toBe('too small');
    const png = pngBytes(30, 30);
    expect(reasonOf(png.subarray(0, png.length - 30))).toBe('corrupt');
    const jpg = jpegBytes(64, 64);
    expect(reasonOf(jpg.subarray(0, jpg.length - 100))).toBe('corrupt');
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('webp');
  });
});

describe('openFolderDataset', () => {
  it('lists classes, usable images and skipped files with reasons', async () => {
    const source = await openFolderDataset(path.join(root, 'mixed'));
    expect(source.labels).toEqual(['cats', 'dogs']);
    // Truncated / bad-body JPEGs have valid headers: their damage is found when loading (next test).
    expect(source.items.map((i) => i.name)).toEqual([
      'cats/a.png',
      'cats/b.jpg',
      'cats/misnamed.jpg',
      'cats/nested/c.png',
      'dogs/bad-body.jpg',
      'dogs/big.jpeg',
      'dogs/truncated.jpg',
    ]);
    expect(source.items.map((i) => i.label)).toEqual([0, 0, 0, 0, 1, 1, 1]);
    const skipped = Object.fromEntries(source.skipped.map((s) => [s.name, s.reason]));
    expect(skipped).toEqual({
      'stray.png': 'not in a class folder',
      'dogs/anim.gif': 'unsupported format (GIF)',
      'dogs/garbage.jpg': 'not an image',
      'dogs/notes.txt': 'not an image',
      'dogs/tiny.png': 'too small',
      'empty/list.csv': 'not an image',
      'empty/': 'class folder has no usable images',
    });
    const first = await source.load(0, 16);
    expect([first.width, first.height]).toEqual([16, 12]);
    const big = await source.load(source.items.findIndex((i) => i.name === 'dogs/big.jpeg'), 1000);
    expect([big.width, big.height]).toEqual([600, 300]);
  });

  it('rejects corrupt images at load time with reason "corrupt" (the engine then skips them)', async () => {
    const source = await openFolderDataset(path.join(root, 'mixed'));
    for (const name of ['dogs/truncated.jpg', 'dogs/bad-body.jpg']) {
      const index = source.items.findIndex((i) => i.name === name);
      await expect(source.load(index, 64)).rejects.toMatchObject({ reason: 'corrupt' });
    }
  });

  it('reports a missing folder as a DatasetError', async () => {
    await expect(openFolderDataset(path.join(root, 'nope'))).rejects.toBeInstanceOf(DatasetError);
  });
});

describe('resolveDatasetId', () => {
  it('maps builtin:, dir: and paths, and refuses path traversal', async () => {
    const builtin = await resolveDatasetId('builtin:shapes-target');
    expect(builtin.labels.length).toBeGreaterThanOrEqual(4);
    const byDir = await resolveDatasetId('dir:mixed', { datasetsDir: root });
    expect(byDir.labels).toEqual(['cats', 'dogs']);
    const byPath = await resolveDatasetId(path.join(root, 'mixed'));
    expect(byPath.items.length).toBe(byDir.items.length);
    for (const bad of ['dir:../etc', 'dir:..', 'dir:a/b', 'dir:', 'dir:.hidden', 'dir:/etc']) {
      await expect(resolveDatasetId(bad, { datasetsDir: root })).rejects.toBeInstanceOf(DatasetError);
    }
    expect(() => datasetDirFor('..\\x', root)).toThrow(DatasetError);
    await expect(resolveDatasetId('builtin:nope')).rejects.toBeInstanceOf(DatasetError);
    await expect(resolveDatasetId('local:abc')).rejects.toBeInstanceOf(DatasetError);
    expect(await listFolderDatasets(root)).toEqual([{ id: 'dir:mixed', name: 'mixed', classes: ['cats', 'dogs', 'empty'] }]);
    expect(await listFolderDatasets(path.join(root, 'missing'))).toEqual([]);
  });
});

describe.skipIf(!requireAssets(hasSharedFlowers, 'real photos (flower_photos)'))('real photos (flower_photos)', () => {
  it('opens the class folders, ignores SOURCE.md/LICENSE.txt and decodes real JPEGs', async () => {
    const source = await openFolderDataset(FLOWERS);
    expect(source.labels).toEqual(['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']);
    expect(source.items.length).toBe(400);
    expect(source.skipped).toEqual([]);
    for (const index of [0, 123, 399]) {
      const image = await source.load(index, 96);
      expect(Math.max(image.width, image.height)).toBe(96);
      expect(image.data.length).toBe(image.width * image.height * 3);
      let sum = 0;
      for (const v of image.data) sum += v;
      const mean = sum / image.data.length;
      expect(mean).toBeGreaterThan(10);
      expect(mean).toBeLessThan(245);
    }
  });
});
