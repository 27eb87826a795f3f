/**
 * Image sniffing and decoding in Node (server, CLI, tests): JPEG via jpeg-js, PNG via pngjs (pure JS, no native
 * deps). Formats are recognised by magic bytes, never by file extension. Anything that cannot be used raises an
 * ImageDecodeError whose `reason` is one of SKIP_REASONS, so callers list it in `ImageSource.skipped`.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { DecodedImage } from '../engine/host';
import { downscaleToMaxSide } from './resize';

/** Smallest usable side, in pixels. */
export const MIN_IMAGE_SIDE = 8;
/** Refuse to decode images above this many megapixels (decoded RGBA would need ~4 bytes/pixel). */
export const MAX_IMAGE_MEGAPIXELS = 64;
const MAX_JPEG_MEMORY_MB = 400;

export const SKIP_REASONS = {
  notAnImage: 'not an image',
  corrupt: 'corrupt',
  tooSmall: 'too small',
  tooLarge: 'too large',
  /** Followed by the format, e.g. "unsupported format (GIF)". */
  unsupported: 'unsupported format',
} as const;

export class ImageDecodeError extends Error {
  constructor(
    public readonly reason: string,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'ImageDecodeError';
  }
}

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'bmp' | 'webp' | 'tiff' | 'heic' | 'avif' | 'ico';
/** Formats this module decodes; the others are recognised only to say "unsupported format (X)". */
export const DECODABLE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png'];

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** Identify an image format from the first bytes of a file (16 are enough), or null when it is not an image. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) return 'gif';
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp';
  if (head.length >= 4 && (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*')) return 'tiff';
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand.startsWith('avi')) return 'avif';
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  // BMP: "BM" + a plausible DIB header size at offset 14 (avoids matching text files starting with "BM").
  if (head.length >= 18 && head[0] === 0x42 && head[1] === 0x4d && [12, 40, 52, 56, 64, 108, 124].includes(head[14])) {
    return 'bmp';
  }
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0) return 'ico';
  return null;
}

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Dimensions from a PNG IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Dimensions from the first JPEG SOF marker; `arithmetic` for SOF9–SOF15 (jpeg-js cannot decode those). */
function jpegSize(bytes: Uint8Array): { width: number; height: number; arithmetic: boolean } | null {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    if (length < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (offset + 9 > bytes.length) return null;
      return {
        height: (bytes[offset + 5] << 8) | bytes[offset + 6],
        width: (bytes[offset + 7] << 8) | bytes[offset + 8],
        arithmetic: marker >= 0xc9,
      };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan/end before any frame header
    offset += 2 + length;
  }
  return null;
}

/**
 * Check a file's leading bytes (ideally the first 64 KB; JPEG frame headers can follow large EXIF blocks) without
 * decoding pixels. Throws ImageDecodeError for anything unusable that the header already reveals.
 * Returns null when a JPEG's frame header lies beyond `head` (caller may retry with more bytes).
 */
export function inspectImageHeader(head: Uint8Array, fileSize = head.length): ImageHeader | null {
  const format = sniffImageFormat(head);
  if (!format) throw new ImageDecodeError(SKIP_REASONS.notAnImage);
  if (!DECODABLE_FORMATS.includes(format)) {
    throw new ImageDecodeError(`${SKIP_REASONS.unsupported} (${format.toUpperCase()})`);
  }
  let size: { width: number; height: number } | null;
  if (format === 'png') {
    size = pngSize(head);
    if (!size) throw new ImageDecodeError(SKIP_REASONS.corrupt, 'PNG header is damaged');
  } else {
    const jpegInfo = jpegSize(head);
    if (!jpegInfo) {
      if (head.length < fileSize) return null;
      throw new ImageDecodeError(SKIP_REASONS.corrupt, 'no JPEG frame header');
    }
    if (jpegInfo.arithmetic) throw new ImageDecodeError(`${SKIP_REASONS.unsupported} (arithmetic-coded JPEG)`);
    size = jpegInfo;
  }
  checkSize(size.width, size.height);
  return { format, ...size };
}

function checkSize(width: number, height: number): void {
  if (width === 0 || height === 0) throw new ImageDecodeError(SKIP_REASONS.corrupt, 'zero-sized image');
  if (Math.min(width, height) < MIN_IMAGE_SIDE) {
    throw new ImageDecodeError(SKIP_REASONS.tooSmall, `${width}×${height} px, minimum side ${MIN_IMAGE_SIDE} px`);
  }
  if ((width * height) / 1e6 > MAX_IMAGE_MEGAPIXELS) {
    throw new ImageDecodeError(
      SKIP_REASONS.tooLarge,
      `${width}×${height} px, more than ${MAX_IMAGE_MEGAPIXELS} megapixels`,
    );
  }
}

/** A JPEG cut short has no End-Of-Image marker; jpeg-js would silently fill the missing part with grey. */
function hasJpegEnd(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= 2; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

/** Composite RGBA over white in place (transparent PNG regions become white, not arbitrary colours). */
function flattenAlphaOnWhite(rgba: Uint8Array): void {
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = rgba[i + 3];
    if (alpha === 255) continue;
    const a = alpha / 255;
    rgba[i] = Math.round(rgba[i] * a + 255 * (1 - a));
    rgba[i + 1] = Math.round(rgba[i + 1] * a + 255 * (1 - a));
    rgba[i + 2] = Math.round(rgba[i + 2] * a + 255 * (1 - a));
  }
}

/**
 * Decode a JPEG or PNG file to RGB, downscaled (box filter) so its longer side is ≤ maxSide.
 * Throws ImageDecodeError ('not an image', 'corrupt', 'too small', 'too large', 'unsupported format (…)').
 */
export function decodeImage(bytes: Uint8Array, maxSide: number): DecodedImage {
  const header = inspectImageHeader(bytes);
  if (!header) throw new ImageDecodeError(SKIP_REASONS.corrupt, 'no JPEG frame header');
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  try {
    if (header.format === 'jpeg') {
      if (!hasJpegEnd(bytes)) throw new ImageDecodeError(SKIP_REASONS.corrupt, 'the JPEG file is truncated');
      const decoded = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: true,
        maxResolutionInMP: MAX_IMAGE_MEGAPIXELS,
        maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
      });
      ({ width, height } = decoded);
      rgba = decoded.data;
    } else {
      const decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = decoded);
      rgba = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
      flattenAlphaOnWhite(rgba);
    }
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/limit exceeded/i.test(message)) throw new ImageDecodeError(SKIP_REASONS.tooLarge, message);
    throw new ImageDecodeError(SKIP_REASONS.corrupt, message);
  }
  if (rgba.length < width * height * 4) throw new ImageDecodeError(SKIP_REASONS.corrupt, 'decoded data is short');
  checkSize(width, height);
  return downscaleToMaxSide(rgba, width, height, maxSide, 4);
}
