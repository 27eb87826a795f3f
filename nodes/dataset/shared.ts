/**
 * `shared:<id>` datasets: labelled images uploaded to the server together with a shared graph (so whoever opens
 * the link can run it). The manifest schema here is what GET /api/shared-datasets/<id> returns
 * (server/repo/datasets.ts); the worker and the inspector both parse it with this schema.
 */
import { z } from 'zod';

export const SHARED_PREFIX = 'shared:';

export function isSharedDatasetId(id: string): boolean {
  return id.startsWith(SHARED_PREFIX) && id.length > SHARED_PREFIX.length;
}

/** Path of a shared dataset's manifest (relative to the app's origin). */
export function sharedManifestPath(datasetId: string): string {
  return `/api/shared-datasets/${encodeURIComponent(datasetId.slice(SHARED_PREFIX.length))}`;
}

export const SharedManifestSchema = z.object({
  id: z.string(),
  name: z.string(),
  labels: z.array(z.string()),
  imageCount: z.number(),
  totalBytes: z.number(),
  createdAt: z.string(),
  images: z.array(
    z.object({
      index: z.number(),
      label: z.string(),
      fileName: z.string(),
      mime: z.string(),
      url: z.string(),
      /** SHA-256 of the image's bytes; absent from servers older than it (the browser then hashes the bytes itself). */
      sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    }),
  ),
});
export type SharedManifest = z.infer<typeof SharedManifestSchema>;

/** Class names (manifest order) with their images, in upload order within each class. */
export function sharedClasses(manifest: SharedManifest): Array<{ name: string; images: SharedManifest['images'] }> {
  const byLabel = new Map<string, SharedManifest['images']>(manifest.labels.map((l) => [l, []]));
  for (const image of manifest.images) {
    const list = byLabel.get(image.label);
    if (list) list.push(image);
    else byLabel.set(image.label, [image]);
  }
  return [...byLabel].map(([name, images]) => ({ name, images }));
}
