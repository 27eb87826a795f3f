/**
 * Hidden test images are re-encoded on upload: sharp drops every metadata chunk (EXIF, XMP, PNG text, ICC), so no
 * original file name, caption or label written into the file can reach a student. Large photos are shrunk to
 * TEST_IMAGE_MAX_SIDE (Graft's models take at most 224 px inputs).
 */
import { TRPCError } from '@trpc/server';

export const TEST_IMAGE_MAX_SIDE = 512;

export interface CleanImage {
  mime: 'image/png' | 'image/jpeg';
  bytes: Buffer;
}

export async function cleanTestImage(input: Uint8Array, position: number): Promise<CleanImage> {
  const sharp = (await import('sharp')).default;
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: 64_000_000 });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) throw new Error('no size');
    // Apply EXIF orientation to the pixels (the tag itself is dropped), then fit within the max side.
    const pipeline = image.rotate().resize({ width: TEST_IMAGE_MAX_SIDE, height: TEST_IMAGE_MAX_SIDE, fit: 'inside', withoutEnlargement: true });
    // PNG stays lossless (synthetic and drawn images); everything else becomes JPEG.
    if (meta.format === 'png') return { mime: 'image/png', bytes: await pipeline.png().toBuffer() };
    return { mime: 'image/jpeg', bytes: await pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer() };
  } catch {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Test image ${position + 1} could not be decoded (not a PNG, JPEG, WebP or GIF image).` });
  }
}
