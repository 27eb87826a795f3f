/**
 * The Node FeatureStore backing (CLI `--cache-dir`): one file per entry, named by the SHA-256 of its key, holding
 * a JSON header (the full key, shapes, kept item indices) and the raw float32 features. Bounded by bytes: after
 * each write the least recently used files (by mtime; reads touch it) are deleted until the folder fits.
 * Writes go to a temporary file first and are renamed into place, so a killed process never leaves a torn entry.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CachedFeatures, FeatureBacking, FeatureRows } from '../feature-store';

export const DEFAULT_DISK_CACHE_BYTES = 1024 * 1024 * 1024;
const SUFFIX = '.features';

const HeaderSchema = z.object({
  key: z.string(),
  featureDim: z.number().int().positive(),
  featureBackend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']).nullable(),
  /** Kept item indices per block, in file order: train views…, validation, test (when present). */
  blocks: z.array(z.array(z.number().int().nonnegative())),
  views: z.number().int().positive(),
  hasTest: z.boolean(),
});

export class DiskFeatureCache implements FeatureBacking {
  constructor(
    readonly dir: string,
    readonly maxBytes = DEFAULT_DISK_CACHE_BYTES,
  ) {}

  private fileOf(key: string): string {
    return path.join(this.dir, createHash('sha256').update(key).digest('hex') + SUFFIX);
  }

  async read(key: string): Promise<CachedFeatures | undefined> {
    const file = this.fileOf(key);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch {
      return undefined;
    }
    const headerLength = bytes.readUInt32LE(0);
    const parsed = HeaderSchema.safeParse(JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')));
    if (!parsed.success || parsed.data.key !== key) return undefined;
    const header = parsed.data;
    const dataStart = align4(4 + headerLength);
    // Copy into an aligned buffer (Float32Array needs 4-byte alignment).
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    const blocks: FeatureRows[] = header.blocks.map((kept) => {
      const length = kept.length * header.featureDim;
      const rows = { features: floats.subarray(offset, offset + length), kept };
      offset += length;
      return rows;
    });
    if (offset !== floats.length) return undefined; // truncated or foreign file
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined); // recency for eviction
    return {
      featureDim: header.featureDim,
      trainViews: blocks.slice(0, header.views),
      validation: blocks[header.views],
      test: header.hasTest ? blocks[header.views + 1] : null,
      featureBackend: header.featureBackend,
    };
  }

  async write(key: string, value: CachedFeatures): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const blocks = [...value.trainViews, value.validation, ...(value.test ? [value.test] : [])];
    const header = Buffer.from(
      JSON.stringify({
        key,
        featureDim: value.featureDim,
        featureBackend: value.featureBackend,
        blocks: blocks.map((b) => b.kept),
        views: value.trainViews.length,
        hasTest: value.test !== null,
      } satisfies z.infer<typeof HeaderSchema>),
    );
    const prefix = Buffer.alloc(align4(4 + header.length));
    prefix.writeUInt32LE(header.length, 0);
    header.copy(prefix, 4);
    const parts = [prefix, ...blocks.map((b) => Buffer.from(b.features.buffer, b.features.byteOffset, b.features.byteLength))];
    const file = this.fileOf(key);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temp, Buffer.concat(parts));
    await fs.rename(temp, file);
    await this.evict();
  }

  /** Delete least recently used entries until the folder's entries fit maxBytes. */
  private async evict(): Promise<void> {
    const names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(SUFFIX));
    const files = await Promise.all(
      names.map(async (name) => {
        const stat = await fs.stat(path.join(this.dir, name)).catch(() => null);
        return stat ? { name, size: stat.size, used: stat.mtimeMs } : null;
      }),
    );
    const present = files.filter((f): f is { name: string; size: number; used: number } => f !== null);
    let total = present.reduce((n, f) => n + f.size, 0);
    for (const f of present.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      await fs.rm(path.join(this.dir, f.name), { force: true });
      total -= f.size;
    }
  }

  async clear(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.endsWith(SUFFIX)).map((n) => fs.rm(path.join(this.dir, n), { force: true })));
  }

  /** Bytes of entries on disk (for logs and tests). */
  async sizeBytes(): Promise<number> {
    const names = (await fs.readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith(SUFFIX));
    const sizes = await Promise.all(names.map((n) => fs.stat(path.join(this.dir, n)).then((s) => s.size, () => 0)));
    return sizes.reduce((a, b) => a + b, 0);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
