import { describe, expect, it } from 'vitest';
import { planUploadBatches } from './uploadBatches';

describe('planUploadBatches', () => {
  it('keeps order and fills each request up to the image and byte caps', () => {
    expect(planUploadBatches([10, 10, 10, 10, 10], 2, 100)).toEqual([[0, 1], [2, 3], [4]]);
    expect(planUploadBatches([40, 40, 40, 10, 60], 32, 100)).toEqual([[0, 1], [2, 3], [4]]);
    expect(planUploadBatches([50, 50], 32, 100)).toEqual([[0, 1]]); // exactly at the byte cap
  });

  it('an image over the byte cap travels alone; nothing is dropped; no empty requests', () => {
    expect(planUploadBatches([10, 500, 10], 32, 100)).toEqual([[0], [1], [2]]);
    expect(planUploadBatches([], 32, 100)).toEqual([]);
    const sizes = Array.from({ length: 100 }, (_, i) => (i * 37) % 90);
    expect(planUploadBatches(sizes, 32, 1000).flat()).toEqual(sizes.map((_, i) => i));
  });
});
