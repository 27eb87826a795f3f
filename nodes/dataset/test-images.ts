/**
 * Small real image files for tests (encoded with pngjs / jpeg-js), so the importer sees genuine bytes.
 * Node only (used by *.test.ts).
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

/** A w×h PNG filled with a colour gradient seeded by `seed` (distinct bytes per seed). */
export function makePng(width: number, height: number, seed = 0): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = (x * 7 + seed * 31) & 255;
      png.data[i + 1] = (y * 5 + seed * 17) & 255;
      png.data[i + 2] = (x + y + seed * 13) & 255;
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

export function makeJpeg(width: number, height: number, seed = 0): Uint8Array {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[p * 4] = (p * 3 + seed * 40) & 255;
    data[p * 4 + 1] = (p + seed * 90) & 255;
    data[p * 4 + 2] = (seed * 70) & 255;
    data[p * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data, width, height }, 85).data);
}
