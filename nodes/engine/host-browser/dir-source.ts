/**
 * ImageSource for `dir:<name>` datasets: the listing and the image files come from /api/datasets (served from
 * DATASETS_DIR, listed by the same class-folder rule as the CLI: nodes/dataset/folder-node.ts `listClassFolders`);
 * images are decoded in the worker. Item names are `<class>/<path>`, as in Node, so split fingerprints agree.
 */
import { z } from 'zod';
import type { ImageSource } from '../host';
import { RunError } from '../types';
import { urlToModelInput } from './decode-workers';
import { fetchDecoded } from './model-input';
import { listedOrFetchedHash } from './content-hash';

const ListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  classes: z.array(z.object({ name: z.string(), files: z.array(z.string()), hashes: z.array(z.string().regex(/^[0-9a-f]{64}$/)).optional() })),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});

export async function openDirDataset(name: string, origin: string, nodeId: string | null = null): Promise<ImageSource> {
  let res: Response;
  try {
    res = await fetch(`${origin}/api/datasets/${encodeURIComponent(name)}?hashes=1`);
  } catch (e) {
    throw new RunError(`Could not reach the dataset service (${(e as Error).message}).`, 'dataset', nodeId);
  }
  if (!res.ok) {
    throw new RunError(
      `Dataset "${name}" was not found in the server's datasets folder (expected <name>/<class>/<image> files).`,
      'dataset',
      nodeId,
    );
  }
  const listing = ListingSchema.parse(await res.json());
  const labels = listing.classes.map((c) => c.name);
  const items: ImageSource['items'] = [];
  const urls: string[] = [];
  /** The server's SHA-256 of each file (same bytes it serves, rehashed when a file changes); else fetched and hashed. */
  const hashes: Array<string | undefined> = [];
  listing.classes.forEach((c, label) => {
    const listed = c.hashes?.length === c.files.length ? c.hashes : undefined;
    for (const [k, file] of c.files.entries()) {
      items.push({ label, name: `${c.name}/${file}` });
      hashes.push(listed?.[k]);
      // `file` may be nested ('sub/x.jpg'): encode each path segment.
      const filePath = file.split('/').map(encodeURIComponent).join('/');
      // With its hash in the address, a changed file is a new URL: the HTTP cache (images are cacheable for an hour)
      // can never hand the decoder the old bytes of an image whose new hash keys the features.
      const version = listed ? `?v=${listed[k]}` : '';
      urls.push(`${origin}/api/datasets/${encodeURIComponent(name)}/${encodeURIComponent(c.name)}/${filePath}${version}`);
    }
  });
  return {
    labels,
    items,
    skipped: listing.skipped,
    load: (index, maxSide) => fetchDecoded(urls[index], maxSide),
    // Feature extraction and training: fetched, decoded and stretched on decode workers (same pixels as load + resize).
    loadModelInput: (index, height, width) => urlToModelInput(urls[index], height, width),
    contentHash: listedOrFetchedHash(hashes, urls),
  };
}
