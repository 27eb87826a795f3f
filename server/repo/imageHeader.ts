/**
 * Width and height from a PNG or JPEG header, without decoding: lets the server refuse an image whose header
 * claims absurd dimensions (a decompression bomb for whoever decodes it later) before storing it.
 */
import { TRPCError } from '@trpc/server';

export function imageHeaderSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') return null;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i += 1; // fill byte
        continue;
      }
      const length = (b[i + 2]! << 8) | b[i + 3]!;
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
      }
      if (length < 2) return null;
      i += 2 + length;
    }
    return null;
  }
  return null;
}

/** Throws BAD_REQUEST when a PNG/JPEG header is unreadable or claims more than `maxSide` px on a side. */
export function assertImageSide(bytes: Uint8Array, maxSide: number, what: string): void {
  const size = imageHeaderSize(bytes);
  if (!size || size.width === 0 || size.height === 0) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `${what}: the image header could not be read (corrupt or truncated file).` });
  }
  if (size.width > maxSide || size.height > maxSide) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${what} is ${size.width}×${size.height} px; at most ${maxSide} px a side is accepted (GRAFT_MAX_IMAGE_SIDE).`,
    });
  }
}
