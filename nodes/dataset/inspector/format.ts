/** Small shared pieces of the Dataset inspector: notices, progress and wording. */
export type Notice = { kind: 'info' | 'error'; text: string } | null;
export type Progress = { label: string; done: number; total: number } | null;

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function importMessage(images: number, classes: number, skipped: number): string {
  return `Imported ${plural(images, 'image')} into ${classes === 1 ? '1 class' : `${classes} classes`}${skipped ? `; ${plural(skipped, 'file')} skipped (listed below)` : ''}.`;
}

/**
 * Classes to drop after an upload: when the dataset held no image before it (the two empty "Class 1"/"Class 2" of
 * New dataset), its classes the upload left empty were placeholders — the upload's classes replace them. A dataset
 * that already had images keeps its empty classes (someone may be about to record into them).
 */
export function placeholderClasses(
  before: ReadonlyArray<{ id: string; count: number }>,
  after: ReadonlyArray<{ id: string; count: number }>,
): string[] {
  if (before.some((c) => c.count > 0)) return [];
  if (!after.some((c) => c.count > 0)) return [];
  const wasThere = new Set(before.map((c) => c.id));
  return after.filter((c) => c.count === 0 && wasThere.has(c.id)).map((c) => c.id);
}
