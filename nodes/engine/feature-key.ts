/**
 * What makes cached trunk features safe to reuse beyond one run: the identity of the images' content (hashes of
 * each image's bytes, in split order) and of the trunk's weights (a hash of every weight value), plus the resolved
 * cut and scaling. Together with `featureCacheKey`'s plan settings (dataset/split, augmentation views and seed,
 * model source, freeze, pooling, backend) this is exactly what shapes the features, and nothing else — so
 * changing only the head, optimizer, learning rate, batch size or epochs reuses them, while changed images,
 * a changed cut or re-uploaded weights never return stale features.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Plan } from '../core/plan';
import type { ImageSource } from './host';
import { featureCacheKey } from './feature-store';

const encoder = new TextEncoder();

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hash of the images' content hashes in this order; null when the source cannot say what its images contain
 * (then the persistent cache is not used for it). Built-in synthetic sets are generated from their id: stable. */
export async function imagesIdentity(datasetId: string, source: ImageSource, indices: number[]): Promise<string | null> {
  if (datasetId.startsWith('builtin:')) return `builtin:${source.items.length}`;
  if (!source.contentHash) return null;
  const hashes = await Promise.all(indices.map((i) => source.contentHash!(i)));
  return sha256Hex(encoder.encode(indices.map((i, k) => `${i}:${hashes[k]}`).join('\n')));
}

/** Hash of every weight value of the trunk (after cut / random re-initialisation). */
export async function weightsIdentity(trunk: tfjs.LayersModel): Promise<string> {
  const parts: Uint8Array[] = [];
  // Shapes and values only: tfjs makes weight names unique per load ('conv1/kernel_1'…), so names would differ
  // between two loads of the same model.
  for (const weight of trunk.weights) {
    const values = await weight.read().data();
    parts.push(encoder.encode(`${weight.shape.join('x')};`));
    parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.byteLength;
  }
  return sha256Hex(all);
}

/** The full key of one run's cached features. */
export async function runFeatureKey(args: {
  plan: Plan;
  source: ImageSource;
  indices: number[];
  trunk: tfjs.LayersModel;
  truncateAt: string;
  scaling: string;
  randomTrunk?: boolean;
  featureBackend: string | null;
  /** Only content-keyed entries (a source that cannot hash its images gets no cache at all: its images could
   * change under the same dataset id). Default false: such sources are still cached in memory (tuning trials,
   * repeats, which run on images that cannot change meanwhile). */
  contentKeyedOnly?: boolean;
}): Promise<{ key: string; persistent: boolean } | null> {
  const images = await imagesIdentity(args.plan.dataset.datasetId, args.source, args.indices);
  if (images === null && args.contentKeyedOnly) return null;
  const weights = await weightsIdentity(args.trunk);
  const key = featureCacheKey(args.plan, {
    randomTrunk: args.randomTrunk,
    featureBackend: args.featureBackend,
    identity: { images, weights, truncateAt: args.truncateAt, scaling: args.scaling },
  });
  return { key, persistent: images !== null };
}
