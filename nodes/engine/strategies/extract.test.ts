/**
 * extractFeatures: every decodable image in order, broken ones skipped with their reason, at most `prefetchBatches`
 * batches decoded ahead of the forward pass (and that many really are), no tensor left behind — also when
 * cancelled mid-way.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PixelStore } from '../data/pixel-store';
import type { DecodedImage, ImageSource } from '../host';
import { extractFeatures } from './extract';

const SIZE = 8;
const BROKEN = 13;

/** Image i is a flat grey of value i (so its feature, the mean, names it); image BROKEN cannot be decoded. */
function greySource(count: number, started: number[]): ImageSource {
  return {
    labels: ['a'],
    items: Array.from({ length: count }, (_, i) => ({ label: 0, name: `${i}.png` })),
    skipped: [],
    async load(index: number): Promise<DecodedImage> {
      started.push(index);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (index === BROKEN) throw new Error('corrupt: truncated file');
      return { data: new Uint8Array(SIZE * SIZE * 3).fill(index), width: SIZE, height: SIZE };
    },
  };
}

describe('extractFeatures', () => {
  it.each([1, 2, 3])('keeps order, skips the broken image with its reason, prefetches exactly %i batch(es) ahead', async (ahead) => {
    await tf.setBackend('cpu');
    const tensorsBefore = tf.memory().numTensors;
    const started: number[] = [];
    const source = greySource(40, started);
    const pixels = new PixelStore(tf, source, SIZE, SIZE, 0);
    const indices = Array.from({ length: 40 }, (_, i) => 39 - i); // any order, kept as given
    const batchSize = 4;
    const startedAtForward: number[] = [];
    // The first batch is requested alone (nothing competes with it): the second starts once the first has loaded.
    let loaded = 0;
    let loadedWhenSecondBatchStarted = -1;
    const load = source.load.bind(source);
    source.load = (index, maxSide) => {
      if (started.length === batchSize) loadedWhenSecondBatchStarted = loaded;
      return load(index, maxSide).finally(() => loaded++);
    };
    const rows = await extractFeatures({
      tf,
      pixels,
      indices,
      batchSize,
      prefetchBatches: ahead,
      forward: (raw) => {
        startedAtForward.push(started.length);
        return raw.mean([1, 2, 3]).reshape([-1, 1]);
      },
      checkCancelled: () => {},
    });
    expect(rows.kept).toEqual(indices.filter((i) => i !== BROKEN));
    expect(Array.from(rows.features)).toEqual(rows.kept);
    expect(pixels.failed.get(BROKEN)).toBe('corrupt: truncated file');
    // During forward k, batches k+1 … k+ahead have been requested, and no more.
    startedAtForward.forEach((count, k) => expect(count).toBe(Math.min(indices.length, (k + 1 + ahead) * batchSize)));
    expect(loadedWhenSecondBatchStarted).toBe(batchSize);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('disposes the prefetched batches when cancelled', async () => {
    await tf.setBackend('cpu');
    const tensorsBefore = tf.memory().numTensors;
    const pixels = new PixelStore(tf, greySource(40, []), SIZE, SIZE, 0);
    let checks = 0;
    const run = extractFeatures({
      tf,
      pixels,
      indices: Array.from({ length: 40 }, (_, i) => i),
      batchSize: 4,
      prefetchBatches: 3,
      forward: (raw) => raw.mean([1, 2, 3]),
      checkCancelled: () => {
        if (++checks === 3) throw new Error('cancelled');
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
