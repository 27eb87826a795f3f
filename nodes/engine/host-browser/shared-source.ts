/**
 * ImageSource for `shared:<id>` datasets: the manifest and the image bytes come from /api/shared-datasets (images
 * uploaded with a shared graph); images are decoded in the worker with the same decoder as `dir:` datasets.
 */
import type { DecodedImage, ImageSource } from '../host';
import { RunError } from '../types';
import { SharedManifestSchema, sharedClasses, sharedManifestPath } from '../../dataset/shared';
import { decodeBlob } from './decode';
import { listedOrFetchedHash } from './content-hash';

export type BlobDecoder = (blob: Blob, maxSide: number) => Promise<DecodedImage>;

/** `decode` defaults to the worker's decoder (createImageBitmap); tests in Node pass the Node decoder. */
export async function openSharedDataset(
  datasetId: string,
  origin: string,
  nodeId: string | null = null,
  decode: BlobDecoder = decodeBlob,
): Promise<ImageSource> {
  let res: Response;
  try {
    res = await fetch(`${origin}${sharedManifestPath(datasetId)}`);
  } catch (e) {
    throw new RunError(`Could not reach the server to download the shared dataset (${(e as Error).message}).`, 'dataset', nodeId);
  }
  if (res.status === 404 || res.status === 400) {
    throw new RunError(
      `The shared dataset "${datasetId}" is not on this server (it may have been shared from another Graft server). Choose or upload a dataset in the Dataset node.`,
      'dataset',
      nodeId,
    );
  }
  if (!res.ok) throw new RunError(`Could not download the shared dataset "${datasetId}": the server answered HTTP ${res.status}.`, 'dataset', nodeId);
  const parsed = SharedManifestSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new RunError(`The server sent an unreadable description of the shared dataset "${datasetId}".`, 'dataset', nodeId);

  const classes = sharedClasses(parsed.data);
  const items: ImageSource['items'] = [];
  const urls: string[] = [];
  /** The server's SHA-256 of each image (shared images never change); else the image is fetched and hashed. */
  const hashes: Array<string | undefined> = [];
  classes.forEach((c, label) => {
    for (const image of c.images) {
      items.push({ label, name: `${c.name}/${image.fileName}` });
      urls.push(new URL(image.url, origin).toString());
      hashes.push(image.sha256);
    }
  });
  return {
    labels: classes.map((c) => c.name),
    items,
    skipped: [],
    async load(index, maxSide) {
      const url = urls[index];
      if (!url) throw new RangeError(`No image at index ${index}`);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw new Error(`could not be downloaded (${(e as Error).message})`, { cause: e });
      }
      if (!response.ok) throw new Error(`could not be downloaded (HTTP ${response.status})`);
      return decode(await response.blob(), maxSide);
    },
    contentHash: listedOrFetchedHash(hashes, urls),
  };
}
