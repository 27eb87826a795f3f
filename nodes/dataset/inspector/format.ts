/** Small shared pieces of the Dataset inspector: notices, progress and wording. */
export type Notice = { kind: 'info' | 'error'; text: string } | null;
export type Progress = { label: string; done: number; total: number } | null;

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function importMessage(images: number, classes: number, skipped: number): string {
  return `Imported ${plural(images, 'image')} into ${classes === 1 ? '1 class' : `${classes} classes`}${skipped ? `; ${plural(skipped, 'file')} skipped (listed below)` : ''}.`;
}
