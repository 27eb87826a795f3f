/**
 * Turn a bag of files (from a picked folder, a zip, or a directory on disk) into dataset content:
 * classes = first-level folders, images checked by `checkImageBytes`, everything unusable listed with a reason.
 * Folder and zip imports both go through `importEntries`, so the same content gives the same dataset.
 * Pure TS; files are read one at a time so thousands of photos never sit in memory together.
 */
import { checkImageBytes, type SupportedFormat } from './validate-image';

export interface SourceEntry {
  /** Slash-separated path relative to what the user picked (a folder upload includes the folder's own name). */
  path: string;
  read(): Promise<Uint8Array> | Uint8Array;
}

export interface AcceptedImage {
  className: string;
  /** Path inside the class folder (usually just the file name). */
  name: string;
  bytes: Uint8Array;
  format: SupportedFormat;
  mimeType: string;
  width: number;
  height: number;
}

export interface SkippedFile {
  name: string;
  reason: string;
}

export interface ImportSummary {
  /** Sorted by name; a class whose files were all unusable is kept with count 0 so the user sees it. */
  classes: Array<{ name: string; count: number }>;
  skipped: SkippedFile[];
}

export interface NormalisedDataset {
  classes: Array<{ name: string; files: AcceptedImage[] }>;
  skipped: SkippedFile[];
}

/** OS / archiver junk that is silently ignored (never a class, never a "skipped" entry). */
export function isJunkPath(path: string): boolean {
  return path
    .split('/')
    .some((seg) => seg === '__MACOSX' || seg.startsWith('.') || /^(thumbs\.db|desktop\.ini|ehthumbs\.db)$/i.test(seg));
}

export const MAX_CLASS_NAME_LENGTH = 80;

interface PlannedFile<E> {
  entry: E;
  className: string;
  name: string;
  /** Full (cleaned) path, used for ordering and for messages. */
  path: string;
}

/** Path-only planning: drop junk, strip wrapper folders, assign classes, order deterministically. */
export function planEntries<E extends { path: string }>(
  entries: readonly E[],
): { files: PlannedFile<E>[]; classNames: string[]; skipped: SkippedFile[] } {
  const cleaned = entries
    .map((entry) => ({ entry, segments: cleanPath(entry.path) }))
    .filter((e) => e.segments.length > 0 && !isJunkPath(e.segments.join('/')));

  // A single top-level folder that contains further folders is a wrapper (the picked folder itself, or a zip
  // made by compressing the dataset folder), not a class. Repeat for doubly wrapped archives.
  let depth = 0;
  for (;;) {
    const rest = cleaned.map((e) => e.segments.slice(depth));
    const first = rest[0]?.[0];
    const allShareFirst = rest.length > 0 && rest.every((s) => s.length >= 2 && s[0] === first);
    const someNested = rest.some((s) => s.length >= 3);
    if (!allShareFirst || !someNested) break;
    depth++;
  }

  const files: PlannedFile<E>[] = [];
  const skipped: SkippedFile[] = [];
  const classNames = new Set<string>();
  for (const { entry, segments } of cleaned) {
    const rest = segments.slice(depth);
    const path = rest.join('/');
    if (rest.length < 2) {
      skipped.push({ name: path, reason: 'not inside a class folder (put each class in its own folder)' });
      continue;
    }
    const className = rest[0].slice(0, MAX_CLASS_NAME_LENGTH);
    classNames.add(className);
    files.push({ entry, className, name: rest.slice(1).join('/'), path });
  }
  files.sort((a, b) => compareText(a.className, b.className) || compareText(a.name, b.name));
  skipped.sort((a, b) => compareText(a.name, b.name));
  return { files, classNames: [...classNames].sort(compareText), skipped };
}

/**
 * Check every planned file and hand usable ones to `onImage` (in a stable order: class, then path).
 * Unreadable/unusable files are collected in `skipped`, never thrown.
 */
export async function importEntries(
  entries: readonly SourceEntry[],
  onImage: (image: AcceptedImage) => Promise<void> | void,
  options: { onProgress?(done: number, total: number): void; signal?: AbortSignal } = {},
): Promise<ImportSummary> {
  const plan = planEntries(entries);
  const counts = new Map(plan.classNames.map((n) => [n, 0]));
  const skipped: SkippedFile[] = [...plan.skipped];
  let done = 0;
  for (const file of plan.files) {
    if (options.signal?.aborted) throw new DOMException('Import cancelled', 'AbortError');
    let bytes: Uint8Array | null = null;
    try {
      bytes = await file.entry.read();
    } catch (e) {
      skipped.push({ name: file.path, reason: `could not be read (${(e as Error).message || 'unknown error'})` });
    }
    if (bytes) {
      const check = checkImageBytes(bytes, file.name);
      if (check.ok) {
        await onImage({
          className: file.className,
          name: file.name,
          bytes,
          format: check.format,
          mimeType: check.mimeType,
          width: check.width,
          height: check.height,
        });
        counts.set(file.className, (counts.get(file.className) ?? 0) + 1);
      } else {
        skipped.push({ name: file.path, reason: check.reason });
      }
    }
    done++;
    options.onProgress?.(done, plan.files.length);
  }
  skipped.sort((a, b) => compareText(a.name, b.name));
  return { classes: plan.classNames.map((name) => ({ name, count: counts.get(name) ?? 0 })), skipped };
}

/** Collect everything in memory (tests, small imports). */
export async function normaliseEntries(entries: readonly SourceEntry[]): Promise<NormalisedDataset> {
  const byClass = new Map<string, AcceptedImage[]>();
  const summary = await importEntries(entries, (image) => {
    const list = byClass.get(image.className) ?? [];
    list.push(image);
    byClass.set(image.className, list);
  });
  return {
    classes: summary.classes.map((c) => ({ name: c.name, files: byClass.get(c.name) ?? [] })),
    skipped: summary.skipped,
  };
}

/** Split a path into clean segments: both slash kinds, no '.', no empty parts, Unicode NFC (macOS zips are NFD). */
export function cleanPath(path: string): string[] {
  return path
    .normalize('NFC')
    .split(/[\\/]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s !== '.' && s !== '..');
}

/** Locale-independent, number-aware ordering ("img2" < "img10"), identical on every host. */
export function compareText(a: string, b: string): number {
  const ta = a.split(/(\d+)/);
  const tb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    if (i % 2 === 1) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A unique class name: trims, bounds length, and appends " 2", " 3"… when taken. */
export function uniqueClassName(wanted: string, taken: readonly string[]): string {
  const base = (wanted.trim().replace(/[\\/]+/g, '-') || 'class').slice(0, MAX_CLASS_NAME_LENGTH);
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} ${n}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}
