/**
 * The engine Web Worker never loads React: bundle the worker entry the way a bundler sees it (esbuild, every
 * relative and `@/` import followed, dynamic imports included, npm packages left as imports) and read the
 * metafile. A UI entry bundled the same way must show React, so the check can fail.
 */
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');

async function bundleGraph(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    outdir: path.join(ROOT, '.worker-bundle-probe'), // nothing is written (write: false); CSS imports need an output path
    metafile: true,
    format: 'esm',
    platform: 'browser',
    packages: 'external',
    loader: { '.css': 'empty' },
    logLevel: 'silent',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
  });
  const meta: Metafile = result.metafile;
  const files = Object.keys(meta.inputs);
  const packages = [...new Set(Object.values(meta.inputs).flatMap((i) => i.imports.filter((imp) => imp.external).map((imp) => imp.path)))];
  return { files, packages };
}

const isReact = (spec: string) => /^(react|react-dom|@xyflow\/react|zustand|next)(\/|$)/.test(spec);

describe('the worker bundle', () => {
  it('contains the engine and no React, no app/ module, no UI file', async () => {
    const { files, packages } = await bundleGraph('nodes/engine/host-browser/worker.ts');
    expect(files).toContain('nodes/engine/run.ts');
    expect(packages).toContain('@tensorflow/tfjs');
    expect(packages.filter(isReact)).toEqual([]);
    expect(files.filter((f) => f.startsWith('app/') || f.endsWith('.tsx') || f.startsWith('nodes/ui/'))).toEqual([]);
  }, 60_000);

  it('(control) the inspector registry does reach React', async () => {
    const { packages, files } = await bundleGraph('nodes/ui/registry.ts');
    expect(packages.filter(isReact)).toContain('react');
    expect(files.some((f) => f.endsWith('Inspector.tsx'))).toBe(true);
  }, 60_000);
});
