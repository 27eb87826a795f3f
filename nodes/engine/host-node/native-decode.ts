/**
 * Native image decoding for the Node host (CLI, bench, Node tests): libvips through `sharp`, which decodes on
 * libuv's thread pool (off the main thread, so decoding overlaps the forward pass) and shrinks JPEGs while
 * decoding. Same pixel policy as the pure-JS decoder (`nodes/dataset/decode-node.ts`), which stays the fallback
 * when sharp's native binary cannot load:
 * - the same header checks and skip reasons (not an image / unsupported / too small / too large / corrupt);
 * - RGB, 8 bits, sRGB (embedded ICC profiles are applied, as browsers do); transparency flattened on white;
 * - decoded at full size, then downscaled by the same box filter (`downscaleToMaxSide`) so the longer side is
 *   ≤ maxSide: only the JPEG IDCT differs (libjpeg-turbo vs jpeg-js, about one grey level on average, tested).
 * EXIF orientation is applied, as browsers' createImageBitmap does (the pure-JS fallback cannot).
 * Everyday JPEGs (sRGB, unrotated, complete) skip libvips: `jpeg-turbo.ts` decodes them with libjpeg-turbo's
 * WebAssembly build at under half the cost on small photos, to the same pixels (tested), on the decode thread.
 */
import { createRequire } from 'node:module';
import type { DecodedImage } from '../host';
import { downscaleToMaxSide } from '../../dataset/resize';
import { decodeImage, ImageDecodeError, inspectImageHeader, SKIP_REASONS } from '../../dataset/decode-node';
import { decodeJpegWithTurbo, jpegHeaderSegments, jpegNeedsSharp, loadJpegTurbo } from './jpeg-turbo';

type SharpModule = typeof import('sharp').default;

let sharpModule: SharpModule | null | undefined;
let sharpProblem: string | null = null;

/** sharp, loaded once; null when its native binary is missing or broken on this machine (or GRAFT_NO_SHARP=1). */
export function loadSharp(): SharpModule | null {
  if (sharpModule !== undefined) return sharpModule;
  if (process.env.GRAFT_NO_SHARP === '1') {
    sharpProblem = 'disabled by GRAFT_NO_SHARP=1';
    sharpModule = null;
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    const loaded = require('sharp') as SharpModule;
    // A cache of decoded files would only hold memory: every image is decoded once per run (PixelStore caches).
    loaded.cache(false);
    sharpModule = loaded;
  } catch (error) {
    sharpProblem = error instanceof Error ? error.message.split('\n')[0] : String(error);
    sharpModule = null;
  }
  return sharpModule;
}

/** Which decoder the Node host uses, for logs and the bench. */
export function nodeDecoderName(): string {
  if (!loadSharp()) return `jpeg-js/pngjs (sharp unavailable: ${sharpProblem})`;
  return loadJpegTurbo() ? 'sharp (libvips), everyday JPEGs by libjpeg-turbo (WebAssembly)' : 'sharp (libvips)';
}

/** Decode with sharp (see the module comment). Throws ImageDecodeError like the pure-JS decoder. Everyday JPEGs
 * take the same decoder family's WebAssembly build instead (`jpeg-turbo.ts`; `fastJpeg: false` forces sharp). */
export async function decodeImageWithSharp(
  sharp: SharpModule,
  bytes: Uint8Array,
  maxSide: number,
  { fastJpeg = true }: { fastJpeg?: boolean } = {},
): Promise<DecodedImage> {
  // Header checks first: identical skip reasons whichever decoder runs, and no native work on files we refuse.
  const header = inspectImageHeader(bytes);
  if (!header) throw new ImageDecodeError(SKIP_REASONS.corrupt, 'no JPEG frame header');
  try {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // JPEG: the profile is read here from the APP2 segments (no second native call per image); PNG: by sharp.
    const icc = header.format === 'jpeg' ? jpegIccProfile(input) : (await sharp(input).metadata()).icc;
    const srgb = isSrgbProfile(icc);
    const turbo = fastJpeg && header.format === 'jpeg' && (!icc || srgb) ? loadJpegTurbo() : null;
    if (turbo && jpegNeedsSharp(bytes) === null) {
      try {
        return decodeJpegWithTurbo(turbo, bytes, maxSide);
      } catch {
        // Any warning or error (damaged data): sharp decides, with the same reasons as always.
      }
    }
    let pipeline = sharp(input, { failOn: 'truncated', limitInputPixels: 64_000_000 }).rotate();
    if (header.format === 'png') pipeline = pipeline.flatten({ background: { r: 255, g: 255, b: 255 } });
    // An embedded sRGB profile changes nothing but costs a colour transform (about half the decode time); other
    // profiles (Display P3 phone photos, Adobe RGB) are converted to sRGB as browsers do.
    pipeline = srgb ? pipeline.keepIccProfile() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected decoded channel count ${info.channels}`);
    // The downscale is the shared JS box filter (not libvips' shrink + reduce, which differs by ~6 grey levels on
    // detailed photos): one resize rule for every Node decoder. It costs ~1 ms per photo on the main thread.
    return downscaleToMaxSide(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height, maxSide, 3);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit|too large/i.test(message)) throw new ImageDecodeError(SKIP_REASONS.tooLarge, message);
    throw new ImageDecodeError(SKIP_REASONS.corrupt, message);
  }
}

/** The ICC profile embedded in a JPEG (APP2 "ICC_PROFILE" segments, joined in sequence order), as sharp's
 * `metadata().icc` reports it; undefined when there is none. Stops at the first scan (profiles precede it). */
export function jpegIccProfile(bytes: Buffer): Buffer | undefined {
  const chunks: Array<{ sequence: number; data: Buffer }> = [];
  for (const segment of jpegHeaderSegments(bytes)) {
    if (segment === 'damaged') break;
    const { marker, body, end } = segment;
    if (marker === 0xe2 && end - body >= 14 && bytes.toString('latin1', body, body + 12) === 'ICC_PROFILE\0') {
      chunks.push({ sequence: bytes[body + 12], data: bytes.subarray(body + 14, Math.min(bytes.length, end)) });
    }
  }
  if (chunks.length === 0) return undefined;
  chunks.sort((a, b) => a.sequence - b.sequence);
  return Buffer.concat(chunks.map((c) => c.data));
}

/** Whether an ICC profile describes sRGB (its description tag names it; e.g. "sRGB IEC61966-2.1", "sRGB built-in"). */
export function isSrgbProfile(icc: Buffer | undefined): boolean {
  if (!icc || icc.length < 132) return false;
  const colourSpace = icc.toString('latin1', 16, 20);
  if (colourSpace !== 'RGB ') return false;
  // Tag table: count at 128, then 12-byte entries (signature, offset, size); look at 'desc' only.
  const count = icc.readUInt32BE(128);
  for (let i = 0; i < count && 132 + i * 12 + 12 <= icc.length; i++) {
    const entry = 132 + i * 12;
    if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const offset = icc.readUInt32BE(entry + 4);
    const size = icc.readUInt32BE(entry + 8);
    const text = icc.subarray(offset, Math.min(icc.length, offset + size));
    // 'desc' (v2: ASCII) or 'mluc' (v4: UTF-16BE): match the name in either encoding.
    return /sRGB/.test(text.toString('latin1')) || /sRGB/.test(text.toString('latin1').replace(/\0/g, ''));
  }
  return false;
}

/** The Node host's decoder: sharp when it loads, else the pure-JS decoder (same policy, slower, main thread). */
export async function decodeImageNative(bytes: Uint8Array, maxSide: number): Promise<DecodedImage> {
  const sharp = loadSharp();
  return sharp ? decodeImageWithSharp(sharp, bytes, maxSide) : decodeImage(bytes, maxSide);
}
