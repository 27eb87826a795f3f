/**
 * One class-folder rule: the server's /api/datasets listing (what the browser worker trains on) and the CLI/Node
 * host list exactly the same files for the same folder — nested folders, extension-less images, non-images with an
 * image extension and notes included — and the image route serves every listed file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDirDataset } from './dir-datasets';
import { GET } from './[...path]/route';
import { openFolderDataset } from '@/nodes/dataset/folder-node';
import { makePng } from '@/nodes/dataset/test-images';

let root = '';
const previous = process.env.DATASETS_DIR;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-dirlist-'));
  const ds = path.join(root, 'pets');
  const write = (rel: string, data: Uint8Array | string) => {
    fs.mkdirSync(path.dirname(path.join(ds, rel)), { recursive: true });
    fs.writeFileSync(path.join(ds, rel), data);
  };
  write('cat/a.png', makePng(20, 20, 1));
  write('cat/nested/b.png', makePng(20, 20, 2));
  write('cat/no-extension', makePng(20, 20, 3));
  write('cat/fake.jpg', 'not really an image');
  write('dog/c.png', makePng(20, 20, 4));
  write('dog/README.md', '# notes');
  write('dog/.hidden.png', makePng(20, 20, 5));
  write('empty/notes.txt', 'nothing');
  write('stray.png', makePng(20, 20, 6));
  process.env.DATASETS_DIR = root;
});

afterAll(() => {
  if (previous === undefined) delete process.env.DATASETS_DIR;
  else process.env.DATASETS_DIR = previous;
});

describe('class-folder datasets: one rule for server, browser and CLI', () => {
  it('the server listing and the Node host list the same files in the same order', async () => {
    const listing = await readDirDataset('pets');
    const node = await openFolderDataset(path.join(root, 'pets'));
    expect(listing).not.toBeNull();
    const serverItems = listing!.classes.flatMap((c) => c.files.map((f) => `${c.name}/${f}`));
    expect(serverItems).toEqual(node.items.map((i) => i.name));
    expect(serverItems).toEqual(['cat/a.png', 'cat/nested/b.png', 'cat/no-extension', 'dog/c.png']);
    expect(listing!.classes.map((c) => c.name)).toEqual(node.labels);
    expect(listing!.skipped).toEqual(node.skipped);
    expect(listing!.skipped.map((s) => s.name)).toEqual(expect.arrayContaining(['cat/fake.jpg', 'empty/notes.txt', 'empty/', 'stray.png']));
  });

  it('lists each file\'s SHA-256 on request, and a new hash as soon as a file\'s bytes change (no stale features)', async () => {
    const file = path.join(root, 'pets', 'cat', 'a.png');
    const mtime = new Date(Date.now() - 60_000);
    fs.utimesSync(file, mtime, mtime); // a whole millisecond, so it can be restored exactly below
    const sha = (rel: string) => createHash('sha256').update(fs.readFileSync(path.join(root, 'pets', rel))).digest('hex');
    expect((await readDirDataset('pets'))!.classes[0].hashes).toBeUndefined(); // only when asked for
    const get = () => GET(new Request('http://x/api/datasets/pets?hashes=1'), { params: Promise.resolve({ path: ['pets'] }) });
    const listed = (await (await get()).json()) as { classes: Array<{ name: string; files: string[]; hashes: string[] }> };
    for (const c of listed.classes) expect(c.hashes).toEqual(c.files.map((f) => sha(`${c.name}/${f}`)));
    const before = listed.classes[0].hashes[0];

    // Same size, same modification time (as `cp -p` or rsync leave it), other pixels: still a new hash.
    const { size, mtimeMs } = fs.statSync(file);
    const changed = new Uint8Array(fs.readFileSync(file));
    changed[Math.floor(size / 2)] ^= 0xff;
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, mtime, mtime);
    expect(fs.statSync(file).mtimeMs).toBe(mtimeMs);
    const after = (await readDirDataset('pets', { hashes: true }))!.classes[0].hashes![0];
    expect(after).not.toBe(before);
    expect(after).toBe(sha('cat/a.png'));
  });

  it('serves nested and extension-less images with their real type, and refuses non-images', async () => {
    const get = (...segments: string[]) => GET(new Request('http://x'), { params: Promise.resolve({ path: segments }) });
    const nested = await get('pets', 'cat', 'nested', 'b.png');
    expect(nested.status).toBe(200);
    expect(nested.headers.get('content-type')).toBe('image/png');
    expect((await get('pets', 'cat', 'no-extension')).status).toBe(200);
    expect((await get('pets', 'cat', 'fake.jpg')).status).toBe(404);
    expect((await get('pets', '..', 'pets', 'cat', 'a.png')).status).toBe(404);
  });
});
