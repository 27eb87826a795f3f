/** Tiny real PNG files for upload tests. */
import { PNG } from 'pngjs';

export function tinyPng(r: number, side = 2): Buffer {
  const png = new PNG({ width: side, height: side });
  for (let i = 0; i < side * side; i++) png.data.set([r % 256, 10, 20, 255], i * 4);
  return PNG.sync.write(png);
}
