import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasSharedFlowers, requireAssets, SHARED_FLOWERS } from '../engine/test-assets';
import { zipSync, strToU8 } from 'fflate';
import { compareText, normaliseEntries, planEntries, uniqueClassName, type SourceEntry } from './import';
import { zipEntries, ZipReadError } from './zip';
import { makeJpeg, makePng } from './test-images';

/** Like a browser folder upload: every file's path starts with the picked folder's own name. */
function folderEntries(root: string): SourceEntry[] {
  const out: SourceEntry[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else {
        const rel = path.relative(path.dirname(root), full).split(path.sep).join('/');
        out.push({ path: rel, read: () => new Uint8Array(fs.readFileSync(full)) });
      }
    }
  };
  walk(root);
  return out;
}

/** Zip every file under `root`, prefixing paths with `prefix` (''/'wrapper/'). */
function zipFolder(root: string, prefix: string, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { ...extra };
  for (const e of folderEntries(root)) {
    const inside = e.path.split('/').slice(1).join('/');
    files[prefix + inside] = e.read() as Uint8Array;
  }
  return zipSync(files);
}

let tmp: string;
let datasetDir: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-import-'));
  datasetDir = path.join(tmp, 'pets');
  const put = (rel: string, bytes: Uint8Array | string) => {
    const full = path.join(datasetDir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, bytes);
  };
  for (let i = 0; i < 4; i++) put(`cats/cat${i + 1}.png`, makePng(32 + i, 24, i));
  put('cats/cat10.png', makePng(30, 30, 10));
  for (let i = 0; i < 3; i++) put(`dogs/dog${i}.jpg`, makeJpeg(40, 32, i));
  put('dogs/notes.txt', 'not a picture');
  put('dogs/broken.jpg', makeJpeg(40, 32, 9).subarray(0, 50));
  put('dogs/tiny.png', makePng(4, 4));
  put('dogs/scan.tiff', new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0]));
  put('dogs/.DS_Store', 'junk');
  put('birds/bad.png', 'garbage');
  put('README.md', '# about');
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('normaliseEntries', () => {
  it('builds classes from folders and lists unusable files with a reason, never throwing', async () => {
    const result = await normaliseEntries(folderEntries(datasetDir));
    expect(result.classes.map((c) => [c.name, c.files.map((f) => f.name)])).toEqual([
      ['birds', []],
      ['cats', ['cat1.png', 'cat2.png', 'cat3.png', 'cat4.png', 'cat10.png']],
      ['dogs', ['dog0.jpg', 'dog1.jpg', 'dog2.jpg']],
    ]);
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.name, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      ['README.md', 'birds/bad.png', 'dogs/broken.jpg', 'dogs/notes.txt', 'dogs/scan.tiff', 'dogs/tiny.png'].sort(),
    );
    expect(reasons['dogs/notes.txt']).toBe('not an image');
    expect(reasons['dogs/broken.jpg']).toMatch(/^corrupt/);
    expect(reasons['dogs/tiny.png']).toMatch(/^too small/);
    expect(reasons['dogs/scan.tiff']).toMatch(/^unsupported format/);
    expect(reasons['birds/bad.png']).toMatch(/corrupt or not an image/);
    expect(reasons['README.md']).toMatch(/not inside a class folder/);
    const cat = result.classes[1].files[0];
    expect([cat.format, cat.width, cat.height]).toEqual(['png', 32, 24]);
  });

  it('gives the same dataset for a folder upload and for zips of the same content', async () => {
    const fromFolder = await normaliseEntries(folderEntries(datasetDir));
    const macJunk = { '__MACOSX/pets/cats/._cat1.png': strToU8('resource fork'), 'pets/.DS_Store': strToU8('x') };
    const wrapped = zipEntries(zipFolder(datasetDir, 'pets/', macJunk));
    const flat = zipEntries(zipFolder(datasetDir, ''));
    const doubleWrapped = zipEntries(zipFolder(datasetDir, 'download/pets/'));
    for (const zipped of [wrapped, flat, doubleWrapped]) {
      expect(zipped.skipped).toEqual([]);
      const fromZip = await normaliseEntries(zipped.entries);
      expect(fromZip).toEqual(fromFolder);
    }
  });

  it('reads a corrupt zip as a user-facing error', () => {
    expect(() => zipEntries(strToU8('PK\u0003\u0004 definitely not a zip'))).toThrow(ZipReadError);
  });

  it('treats a picked folder of loose images as one class', () => {
    const plan = planEntries([{ path: 'daisy/a.jpg' }, { path: 'daisy/b.jpg' }]);
    expect(plan.classNames).toEqual(['daisy']);
    expect(plan.files.map((f) => f.name)).toEqual(['a.jpg', 'b.jpg']);
  });

  it('normalises Unicode and path separators', () => {
    const plan = planEntries([{ path: 'Cafe\u0301\\x.png' }, { path: 'Caf\u00e9/y.png' }]);
    expect(plan.classNames).toEqual(['Caf\u00e9']);
  });

  const flowers = SHARED_FLOWERS;
  it.skipIf(!requireAssets(hasSharedFlowers, 'folder/zip import of real photos'))('imports real photos identically from a folder and a zip', async () => {
    // Two classes × 6 photos keep this fast.
    const small = path.join(tmp, 'flowers');
    for (const cls of ['daisy', 'roses']) {
      fs.mkdirSync(path.join(small, cls), { recursive: true });
      for (const f of fs.readdirSync(path.join(flowers, cls)).sort().slice(0, 6)) {
        fs.copyFileSync(path.join(flowers, cls, f), path.join(small, cls, f));
      }
    }
    const fromFolder = await normaliseEntries(folderEntries(small));
    expect(fromFolder.skipped).toEqual([]);
    expect(fromFolder.classes.map((c) => [c.name, c.files.length])).toEqual([['daisy', 6], ['roses', 6]]);
    expect(fromFolder.classes[0].files.every((f) => f.format === 'jpeg' && f.width >= 100)).toBe(true);
    expect(await normaliseEntries(zipEntries(zipFolder(small, 'flowers/')).entries)).toEqual(fromFolder);
  });
});

describe('helpers', () => {
  it('orders names numerically and deterministically', () => {
    expect(['img10', 'img2', 'Img1', 'img1'].sort(compareText)).toEqual(['Img1', 'img1', 'img2', 'img10']);
  });
  it('makes unique class names', () => {
    expect(uniqueClassName(' cats ', ['Cats', 'cats 2'])).toBe('cats 3');
    expect(uniqueClassName('', [])).toBe('class');
    expect(uniqueClassName('a/b', [])).toBe('a-b');
  });
});
