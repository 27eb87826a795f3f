/**
 * A real class-folder dataset on disk for tests (Node only): PNG files drawn from Graft's seeded synthetic shapes,
 * so a model can learn them. Used by the override, parity and browser-vs-CLI tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { syntheticImageSource } from '../dataset/synthetic';
import { encodeRgbPng } from '../dataset/encode-png-node';

export interface WrittenDataset {
  dir: string;
  classes: string[];
  files: string[];
}

/** Write `perClass` images of each listed class of `builtin:shapes-target` to `<dir>/<name>/<nnn>.png`, under new
 * class names (`rename`, default the original). */
export async function writeShapesFolder(
  dir: string,
  opts: { perClass: number; classes?: number[]; rename?: string[] } = { perClass: 12 },
): Promise<WrittenDataset> {
  const source = syntheticImageSource('builtin:shapes-target');
  const wanted = opts.classes ?? source.labels.map((_, i) => i);
  const names = wanted.map((label, k) => opts.rename?.[k] ?? source.labels[label]);
  const files: string[] = [];
  for (const [k, label] of wanted.entries()) {
    const folder = path.join(dir, names[k]);
    fs.mkdirSync(folder, { recursive: true });
    const indices = source.items.flatMap((item, i) => (item.label === label ? [i] : [])).slice(0, opts.perClass);
    for (const [n, index] of indices.entries()) {
      const image = await source.load(index, 1024);
      const name = `${String(n).padStart(3, '0')}.png`;
      fs.writeFileSync(path.join(folder, name), encodeRgbPng(image));
      files.push(`${names[k]}/${name}`);
    }
  }
  return { dir, classes: names, files };
}
