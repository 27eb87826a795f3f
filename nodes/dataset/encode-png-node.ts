/** RGB pixels → PNG file bytes (Node only): thumbnails, test datasets and benchmark images written to disk. */
import { PNG } from 'pngjs';
import type { DecodedImage } from '../engine/host';

export function encodeRgbPng(image: DecodedImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  for (let p = 0; p < image.width * image.height; p++) {
    png.data[p * 4] = image.data[p * 3];
    png.data[p * 4 + 1] = image.data[p * 3 + 1];
    png.data[p * 4 + 2] = image.data[p * 3 + 2];
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}
