/**
 * Trunk features kept across runs, so hyperparameter trials that share the trunk/freeze/augmentation/dataset
 * settings compute features once. Plain typed arrays (no tensors): nothing to dispose, nothing leaks, and it can
 * live as long as a search does. Bounded by bytes (least recently used entries go first).
 */
import type { BackendName } from './types';
import type { Plan } from '../core/plan';
import { augmentIsActive } from '../augment-data/augment';

/** Features of a list of images: `kept` = item indices that decoded, one row of `featureDim` floats each. */
export interface FeatureRows {
  features: Float32Array;
  kept: number[];
}

export interface CachedFeatures {
  featureDim: number;
  /** One entry per cached augmented view (1 without augmentation). */
  trainViews: FeatureRows[];
  validation: FeatureRows;
  /** Null until a run that evaluates has computed it (trials that skip evaluation leave it out). */
  test: FeatureRows | null;
  /** Backend the features were computed on (reported in the result). */
  featureBackend: BackendName | null;
}

function rowsBytes(r: FeatureRows): number {
  return r.features.byteLength + r.kept.length * 8;
}

/** Bytes `rows` feature rows of `featureDim` float32 values take (the same count as a stored entry's). */
export function featureRowsBytes(rows: number, featureDim: number): number {
  return rows * featureDim * Float32Array.BYTES_PER_ELEMENT + rows * 8;
}

export function cachedFeaturesBytes(c: CachedFeatures): number {
  return c.trainViews.reduce((n, v) => n + rowsBytes(v), 0) + rowsBytes(c.validation) + (c.test ? rowsBytes(c.test) : 0);
}

/**
 * Everything that changes the cached features, and nothing else: dataset + split (incl. validation split), the
 * augmentation (its seed stream also mixes in the training seed), the model source/cut/scaling/weights/freeze,
 * the head's pooling (features are stored pooled), and the trunk re-initialisation. Head layers, optimiser,
 * learning rate, batch size, epochs… are not in it, so trials over those share one entry.
 */
export function featureCacheKey(
  plan: Plan,
  opts: {
    randomTrunk?: boolean;
    featureBackend?: string | null;
    /** Identity of the images' content and of the trunk's weights (feature-key.ts `contentIdentity`). */
    identity?: { images: string | null; weights: string; truncateAt: string; scaling: string } | null;
  } = {},
): string {
  const augment = augmentIsActive(plan.dataset.augment) ? plan.dataset.augment : null;
  const randomWeights = opts.randomTrunk === true || plan.classifier.model.weights === 'random';
  return JSON.stringify({
    dataset: {
      id: plan.dataset.datasetId,
      testSplit: plan.dataset.testSplit,
      splitSeed: plan.dataset.splitSeed,
      maxImagesPerClass: plan.dataset.maxImagesPerClass,
      validationSplit: plan.train.validationSplit,
    },
    augment,
    model: {
      source: plan.classifier.model.source,
      truncateAt: plan.classifier.model.truncateAt,
      inputScaling: plan.classifier.model.inputScaling,
      weights: randomWeights ? 'random' : 'pretrained',
      freeze: plan.classifier.model.freeze,
    },
    pooling: plan.classifier.head.pooling,
    // The training seed only matters when it drives the augmentation stream or the random trunk weights.
    seed: augment || randomWeights ? plan.train.seed : null,
    backend: opts.featureBackend ?? null,
    identity: opts.identity ?? null,
  });
}

/** Where a FeatureStore keeps entries beyond its process/worker lifetime (disk in Node, IndexedDB in the browser). */
export interface FeatureBacking {
  read(key: string): Promise<CachedFeatures | undefined>;
  /** Store; the backing bounds itself by bytes (least recently used entries go first). */
  write(key: string, value: CachedFeatures): Promise<void>;
  clear(): Promise<void>;
}

export const DEFAULT_FEATURE_STORE_BYTES = 512 * 1024 * 1024;

export class FeatureStore {
  private entries = new Map<string, { value: CachedFeatures; bytes: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly maxBytes = DEFAULT_FEATURE_STORE_BYTES,
    /** Optional persistent layer under the in-memory one (features that outlive a run / a worker). */
    readonly backing?: FeatureBacking,
  ) {}

  /** Memory first, then the persistent backing (a backing hit is kept in memory too). */
  async lookup(key: string): Promise<CachedFeatures | undefined> {
    if (this.entries.has(key) || !this.backing) return this.get(key);
    const stored = await this.backing.read(key).catch(() => undefined);
    if (!stored) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.set(key, stored);
    return stored;
  }

  /** Whether lookup(key) would hit (reads the backing; counts nothing). */
  async contains(key: string): Promise<boolean> {
    if (this.entries.has(key)) return true;
    if (!this.backing) return false;
    const stored = await this.backing.read(key).catch(() => undefined);
    if (stored) this.set(key, stored);
    return stored !== undefined;
  }

  /** set() plus the persistent backing. A failing backing (disk full, quota) only loses persistence. */
  async save(key: string, value: CachedFeatures): Promise<void> {
    this.set(key, value);
    await this.backing?.write(key, value).catch(() => undefined);
  }

  /** Empty memory and the persistent backing ("Clear feature cache"). */
  async clearAll(): Promise<void> {
    this.clear();
    await this.backing?.clear();
  }

  /** Whether an entry exists (does not count as a hit or miss, does not refresh recency). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): CachedFeatures | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Refresh recency.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Store (unless a single entry exceeds the budget); evicts least recently used entries to fit. */
  set(key: string, value: CachedFeatures): void {
    const bytes = cachedFeaturesBytes(value);
    const existing = this.entries.get(key);
    if (existing) {
      this.entries.delete(key);
      this.bytes -= existing.bytes;
    }
    if (bytes > this.maxBytes) return;
    while (this.bytes + bytes > this.maxBytes && this.entries.size > 0) {
      const oldest = this.entries.keys().next().value as string;
      this.bytes -= this.entries.get(oldest)!.bytes;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
  }

  /** An in-memory entry whose key equals `planKey` (a `featureCacheKey` without `identity`) apart from its identity:
   * for callers that know the plan but not the image/weight hashes (bench/trust-probe.ts). */
  findByPlanKey(planKey: string): CachedFeatures | undefined {
    for (const [key, entry] of this.entries) {
      const parsed = JSON.parse(key) as Record<string, unknown>;
      delete parsed.identity;
      parsed.identity = null;
      if (JSON.stringify(parsed) === planKey) return entry.value;
    }
    return undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
