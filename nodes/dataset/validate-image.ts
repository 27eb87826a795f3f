/**
 * Decide whether a file's bytes are a usable image, without decoding pixels: magic-byte sniffing plus a header
 * walk that reads the dimensions and catches truncated/corrupt files early. Pure TS (browser, worker, Node).
 * Anything this accepts may still fail to decode later; callers (thumbnails, ImageSource.load) report that too.
 */

/** Formats every target (browser createImageBitmap) decodes. */
export type SupportedFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp';

/** Recognised image formats we refuse, named so the message says what the file is. */
const UNSUPPORTED_SIGNATURES: Array<{ name: string; test: (b: Uint8Array) => boolean }> = [
  { name: 'TIFF', test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) },
  { name: 'HEIC/HEIF', test: (b) => isoBrand(b, ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1']) },
  { name: 'AVIF', test: (b) => isoBrand(b, ['avif', 'avis']) },
  { name: 'ICO', test: (b) => startsWith(b, [0x00, 0x00, 0x01, 0x00]) && b.length > 6 },
  { name: 'PSD', test: (b) => startsWith(b, [0x38, 0x42, 0x50, 0x53]) },
  { name: 'JPEG 2000', test: (b) => startsWith(b, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) },
  { name: 'SVG', test: (b) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(asciiPrefix(b, 512)) },
];

/** Images smaller than this on either side carry too little to learn from. */
export const MIN_IMAGE_SIDE = 16;
/** Larger files are refused outright (protects memory on import; real photos are far smaller). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

export type ImageCheck =
  | { ok: true; format: SupportedFormat; width: number; height: number; mimeType: string }
  | { ok: false; reason: string };

const MIME: Record<SupportedFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

/** Sniff the format from the first bytes only (no dimension parsing). */
export function sniffImageFormat(bytes: Uint8Array): SupportedFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return 'bmp';
  return null;
}

/** Check one file. `name` is only used to word the reason (e.g. an image extension on a non-image file). */
export function checkImageBytes(bytes: Uint8Array, name = ''): ImageCheck {
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
  if (bytes.length > MAX_IMAGE_BYTES) {
    return { ok: false, reason: `file too large (${Math.round(bytes.length / 1024 / 1024)} MB; limit ${MAX_IMAGE_BYTES / 1024 / 1024} MB)` };
  }
  const format = sniffImageFormat(bytes);
  if (!format) {
    const unsupported = UNSUPPORTED_SIGNATURES.find((s) => s.test(bytes));
    if (unsupported) return { ok: false, reason: `unsupported format (${unsupported.name}); use JPEG, PNG, WebP, GIF or BMP` };
    if (hasImageExtension(name)) return { ok: false, reason: 'corrupt or not an image (the contents do not match its image extension)' };
    return { ok: false, reason: 'not an image' };
  }
  let size: { width: number; height: number } | string;
  try {
    size = readDimensions(format, bytes);
  } catch {
    size = 'corrupt (the header could not be read)';
  }
  if (typeof size === 'string') return { ok: false, reason: size };
  if (size.width < MIN_IMAGE_SIDE || size.height < MIN_IMAGE_SIDE) {
    return { ok: false, reason: `too small (${size.width}×${size.height} px; at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE} needed)` };
  }
  return { ok: true, format, width: size.width, height: size.height, mimeType: MIME[format] };
}

const IMAGE_EXTENSIONS = /\.(jpe?g|jfif|png|gif|webp|bmp|tiff?|heic|heif|avif|ico|svg)$/i;
export function hasImageExtension(name: string): boolean {
  return IMAGE_EXTENSIONS.test(name);
}

/** Width/height from the header, or a reason string when the file is truncated/corrupt. */
function readDimensions(format: SupportedFormat, b: Uint8Array): { width: number; height: number } | string {
  switch (format) {
    case 'jpeg':
      return jpegDimensions(b);
    case 'png':
      return pngDimensions(b);
    case 'gif':
      if (b.length < 13) return 'corrupt (truncated GIF header)';
      return { width: u16le(b, 6), height: u16le(b, 8) };
    case 'webp':
      return webpDimensions(b);
    case 'bmp': {
      const headerSize = u32le(b, 14);
      if (headerSize === 12) return { width: u16le(b, 18), height: u16le(b, 20) };
      if (b.length < 26 || headerSize < 40) return 'corrupt (unknown BMP header)';
      return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
    }
  }
}

function jpegDimensions(b: Uint8Array): { width: number; height: number } | string {
  let pos = 2;
  let size: { width: number; height: number } | null = null;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) return 'corrupt (broken JPEG marker structure)';
    const marker = b[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    // Markers without a length field.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9) break; // EOI before any scan
    const length = u16be(b, pos + 2);
    if (length < 2 || pos + 2 + length > b.length) return 'corrupt (truncated JPEG)';
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (length < 7) return 'corrupt (bad JPEG frame header)';
      size = { height: u16be(b, pos + 5), width: u16be(b, pos + 7) };
      if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) {
        return 'unsupported format (lossless JPEG)';
      }
    }
    if (marker === 0xda) {
      // Start of scan: entropy-coded data follows. Require the frame header before it and some data after it.
      if (!size) return 'corrupt (JPEG scan without a frame header)';
      const scanStart = pos + 2 + length;
      if (b.length - scanStart < 2) return 'corrupt (truncated JPEG: no image data)';
      if (size.width === 0 || size.height === 0) return 'corrupt (JPEG with zero size)';
      // Entropy-coded data byte-stuffs 0xFF, so an FF D9 after the scan starts can only be the end-of-image
      // marker. Without it the download/copy was cut short (browsers would show a half-grey picture).
      if (!hasEndOfImage(b, scanStart)) return 'corrupt (truncated JPEG: the end of the image is missing)';
      return size;
    }
    pos += 2 + length;
  }
  return 'corrupt (truncated JPEG: no image data)';
}

function hasEndOfImage(b: Uint8Array, from: number): boolean {
  for (let i = b.length - 2; i >= from; i--) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  }
  return false;
}

function pngDimensions(b: Uint8Array): { width: number; height: number } | string {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR' || u32be(b, 8) !== 13) return 'corrupt (PNG without a valid header)';
  if (crc32(b.subarray(12, 29)) !== u32be(b, 29)) return 'corrupt (PNG header checksum mismatch)';
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width === 0 || height === 0) return 'corrupt (PNG with zero size)';
  // Walk chunks: a truncated download has no IEND / a chunk running past the end.
  let pos = 8;
  let sawData = false;
  while (pos + 12 <= b.length) {
    const length = u32be(b, pos);
    const type = ascii(b, pos + 4, 4);
    if (pos + 12 + length > b.length) return 'corrupt (truncated PNG)';
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? { width, height } : 'corrupt (PNG without image data)';
    pos += 12 + length;
  }
  return 'corrupt (truncated PNG)';
}

function webpDimensions(b: Uint8Array): { width: number; height: number } | string {
  if (b.length < 30) return 'corrupt (truncated WebP)';
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return 'corrupt (bad WebP frame)';
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return 'corrupt (bad lossless WebP)';
    const bits = u32le(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const width = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const height = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return { width, height };
  }
  return 'corrupt (unknown WebP chunk)';
}

// --- byte helpers ---------------------------------------------------------------------------------------------

function startsWith(b: Uint8Array, sig: number[]): boolean {
  if (b.length < sig.length) return false;
  return sig.every((v, i) => b[i] === v);
}
function ascii(b: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
function asciiPrefix(b: Uint8Array, length: number): string {
  return ascii(b, 0, Math.min(length, b.length));
}
function isoBrand(b: Uint8Array, brands: string[]): boolean {
  return b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && brands.includes(ascii(b, 8, 4));
}
function u16be(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
function u16le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32be(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function i32le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

let crcTable: Uint32Array | null = null;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
