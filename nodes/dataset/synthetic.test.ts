import { describe, expect, it } from 'vitest';
import {
  getSyntheticDataset,
  renderSyntheticImage,
  SOURCE_CLASSES,
  SYNTHETIC_DATASETS,
  syntheticImageSource,
  TARGET_CLASSES,
} from './synthetic';

describe('synthetic datasets', () => {
  it('source and target tasks have disjoint classes', () => {
    for (const c of TARGET_CLASSES) expect(SOURCE_CLASSES as readonly string[]).not.toContain(c);
    expect(getSyntheticDataset('builtin:shapes-target')!.classes.length).toBeGreaterThanOrEqual(4);
  });

  it('builds an ImageSource with labels, class-major items and no skipped files', async () => {
    for (const info of SYNTHETIC_DATASETS) {
      const source = syntheticImageSource(info.id);
      expect(source.labels).toEqual([...info.classes]);
      expect(source.items.length).toBe(info.classes.length * info.perClass);
      expect(source.skipped).toEqual([]);
      expect(source.items[info.perClass].label).toBe(1);
      const image = await source.load(0, 1024);
      expect(image.width).toBe(info.imageSize);
      expect(image.data.length).toBe(info.imageSize * info.imageSize * 3);
    }
  });

  it('is deterministic per seed, and different seeds give different images', async () => {
    const a = await syntheticImageSource('builtin:shapes-target').load(5, 64);
    const b = await syntheticImageSource('builtin:shapes-target').load(5, 64);
    const c = await syntheticImageSource('builtin:shapes-target', 99).load(5, 64);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
  });

  it('renders varied, non-trivial images (the shape differs from the background)', () => {
    const info = getSyntheticDataset('builtin:shapes-source')!;
    const means = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const { data } = renderSyntheticImage(info, i * 97);
      let sum = 0;
      let sumSq = 0;
      for (const v of data) {
        sum += v;
        sumSq += v * v;
      }
      const mean = sum / data.length;
      const std = Math.sqrt(sumSq / data.length - mean * mean);
      expect(std).toBeGreaterThan(5);
      means.add(Math.round(mean));
    }
    expect(means.size).toBeGreaterThan(20);
  });

  it('downscales on load and rejects unknown ids / out-of-range indices', async () => {
    const small = await syntheticImageSource('builtin:shapes-target').load(0, 16);
    expect([small.width, small.height]).toEqual([16, 16]);
    expect(() => syntheticImageSource('builtin:nope')).toThrow(/Unknown built-in dataset/);
    await expect(syntheticImageSource('builtin:shapes-target').load(10_000, 32)).rejects.toThrow(RangeError);
  });
});
