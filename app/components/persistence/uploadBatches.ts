/**
 * How the share-with-dataset upload splits images into `dataset.uploadImages` requests: in order, each request at
 * most `maxImages` images and at most `maxBytes` image bytes (the server's per-request caps from `dataset.limits`).
 * An image larger than `maxBytes` on its own still gets a request of its own (the server then names it in its error).
 */
export function planUploadBatches(sizes: readonly number[], maxImages: number, maxBytes: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, index) => {
    if (current.length > 0 && (current.length >= maxImages || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
