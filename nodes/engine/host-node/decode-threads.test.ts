/**
 * Decode threads give the same bytes as decoding on the main thread (decode + downscale + stretch to the model
 * input), refuse broken files with the same message, and really run as threads here (the TypeScript bootstrap
 * works under vitest, as under tsx); with GRAFT_DECODE_THREADS=0 the main thread does the same work.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { decodeThreadsState, fileToModelInput, fileToModelInputHere, stopDecodeThreads } from './decode-threads';

function photo(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = ((x + y) * seed * 7) % 256;
      data[i + 3] = 255;
    }
  }
  return data;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-decode-threads-'));
const files = [
  [640, 427],
  [333, 500],
  [224, 224],
  [100, 60],
].map(([w, h], k) => {
  const file = path.join(dir, `${k}.jpg`);
  fs.writeFileSync(file, jpeg.encode({ data: photo(w, h, k + 1), width: w, height: h }, 90).data);
  return file;
});
const broken = path.join(dir, 'broken.jpg');
fs.writeFileSync(broken, fs.readFileSync(files[0]).subarray(0, 600));

afterAll(async () => {
  await stopDecodeThreads();
  fs.rmSync(dir, { recursive: true, force: true });
});

const messageOf = (promise: Promise<unknown>) => promise.then(() => 'decoded', (error: Error) => error.message);

describe('decode threads', () => {
  it('run as threads and give exactly the main thread pixels, all requests in flight at once', async () => {
    const sizes: Array<[number, number]> = [[224, 224], [160, 128]];
    const jobs = sizes.flatMap(([h, w]) => files.map((file) => ({ file, h, w })));
    const threaded = await Promise.all(jobs.map(({ file, h, w }) => fileToModelInput(file, h, w)));
    expect(decodeThreadsState()).toMatch(/^\d+ decode threads?$/);
    for (const [k, { file, h, w }] of jobs.entries()) {
      expect(threaded[k].length).toBe(h * w * 3);
      expect(threaded[k]).toEqual(await fileToModelInputHere(file, h, w));
    }
  });

  it('refuse a broken file with the main thread decoder message', async () => {
    const here = await messageOf(fileToModelInputHere(broken, 224, 224));
    expect(here).toMatch(/^corrupt/);
    expect(await messageOf(fileToModelInput(broken, 224, 224))).toBe(here);
    // The thread survives a refused file.
    expect(await fileToModelInput(files[1], 32, 32)).toEqual(await fileToModelInputHere(files[1], 32, 32));
  });

  it('can be turned off (GRAFT_DECODE_THREADS=0): the main thread does the same work', async () => {
    await stopDecodeThreads();
    process.env.GRAFT_DECODE_THREADS = '0';
    try {
      const pixels = await fileToModelInput(files[0], 224, 224);
      expect(decodeThreadsState()).toMatch(/main thread.*GRAFT_DECODE_THREADS=0/);
      expect(pixels).toEqual(await fileToModelInputHere(files[0], 224, 224));
    } finally {
      delete process.env.GRAFT_DECODE_THREADS;
      await stopDecodeThreads();
    }
  });
});
