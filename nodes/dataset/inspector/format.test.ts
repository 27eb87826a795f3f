import { describe, expect, it } from 'vitest';
import { placeholderClasses } from './format';

describe('placeholderClasses (an upload into a new dataset replaces its empty classes)', () => {
  const empty = [
    { id: 'c1', count: 0 },
    { id: 'c2', count: 0 },
  ];
  it('drops the empty classes of a dataset without images once the upload brought images', () => {
    expect(placeholderClasses(empty, [...empty, { id: 'cats', count: 10 }, { id: 'dogs', count: 9 }])).toEqual(['c1', 'c2']);
  });
  it('keeps an upload-named class that matched a placeholder and got images', () => {
    expect(placeholderClasses(empty, [{ id: 'c1', count: 4 }, { id: 'c2', count: 0 }])).toEqual(['c2']);
  });
  it('keeps everything when the upload brought no image, or the dataset already had images', () => {
    expect(placeholderClasses(empty, empty)).toEqual([]);
    expect(placeholderClasses([{ id: 'a', count: 3 }, { id: 'b', count: 0 }], [{ id: 'a', count: 3 }, { id: 'b', count: 0 }, { id: 'n', count: 5 }])).toEqual([]);
  });
});
