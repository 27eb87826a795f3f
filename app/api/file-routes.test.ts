/**
 * GET /api/models/<id>/<file> and /api/datasets/<name>[/<class>/<path…>] over real HTTP: what they serve, and the
 * traversal guard. The test server hands the route handlers the raw, un-normalised path segments (decoded once, as
 * Next.js does), so `..`, encoded slashes, absolute paths, hidden files and symlinks pointing outside the folder
 * all reach the handlers' own checks.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getModelFile } from './models/[...path]/route';
import { GET as getDatasetFile } from './datasets/[...path]/route';
import { makePng } from '@/nodes/dataset/test-images';

type Handler = (req: Request, ctx: { params: Promise<{ path: string[] }> }) => Promise<Response>;
const ROUTES: Array<[string, Handler]> = [
  ['/api/models/', getModelFile],
  ['/api/datasets/', getDatasetFile],
];

let server: http.Server;
let port = 0;
let tmp = '';
const saved = { MODELS_DIR: process.env.MODELS_DIR, DATASETS_DIR: process.env.DATASETS_DIR };
const SECRET = 'top secret: never served';
const png = makePng(8, 8, 1);

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-file-routes-'));
  const write = (rel: string, data: string | Uint8Array) => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), data);
  };
  write('models/tiny/model.json', '{"format":"layers-model"}');
  write('models/tiny/group1-shard1of1.bin', new Uint8Array([1, 2, 3, 4]));
  write('models/tiny/.env', SECRET);
  write('datasets/pets/cat/a.png', png);
  write('datasets/pets/cat/deep/b.png', png);
  write('datasets/pets/cat/notes.png', 'not an image');
  write('datasets/pets/dog/c.png', png);
  // Outside the served folders: a secret, a secret "image", and a whole model/dataset folder.
  write('secret.txt', SECRET);
  write('secret.png', png);
  write('outside-model/model.json', SECRET);
  write('outside-dataset/cls/x.png', png);
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(tmp, 'models/tiny/link.json'));
  fs.symlinkSync(path.join(tmp, 'outside-model'), path.join(tmp, 'models/escape'));
  fs.symlinkSync(path.join(tmp, 'secret.png'), path.join(tmp, 'datasets/pets/cat/link.png'));
  fs.symlinkSync(path.join(tmp, 'outside-dataset'), path.join(tmp, 'datasets/escape'));
  process.env.MODELS_DIR = path.join(tmp, 'models');
  process.env.DATASETS_DIR = path.join(tmp, 'datasets');

  server = http.createServer(async (req, res) => {
    const raw = (req.url ?? '/').split('?')[0];
    const route = ROUTES.find(([prefix]) => raw.startsWith(prefix));
    if (!route) {
      res.statusCode = 404;
      return res.end();
    }
    // Like Next.js: split the raw path, decode each segment once.
    const segments = raw.slice(route[0].length).split('/').filter((s) => s !== '').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const response = await route[1](new Request(`http://127.0.0.1${raw}`), { params: Promise.resolve({ path: segments }) });
    res.statusCode = response.status;
    response.headers.forEach((value, key) => res.setHeader(key, value));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A GET with the path sent byte for byte (fetch would normalise `..` and `%2e%2e` away before sending). */
function get(rawPath: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/api/models/<id>/<file>', () => {
  it('serves the files of a model folder with their content type and COEP-friendly headers', async () => {
    const json = await get('/api/models/tiny/model.json');
    expect(json.status).toBe(200);
    expect(json.type).toBe('application/json; charset=utf-8');
    expect(json.body.toString()).toBe('{"format":"layers-model"}');
    const bin = await get('/api/models/tiny/group1-shard1of1.bin');
    expect([bin.status, bin.type, [...bin.body]]).toEqual([200, 'application/octet-stream', [1, 2, 3, 4]]);
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve) => http.get({ host: '127.0.0.1', port, path: '/api/models/tiny/model.json' }, (res) => (res.resume(), resolve(res.headers))));
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('public, max-age=300');
  });

  it.each([
    ['a missing file', '/api/models/tiny/nothing.json'],
    ['a missing model', '/api/models/none/model.json'],
    ['too few segments', '/api/models/tiny'],
    ['too many segments', '/api/models/tiny/sub/model.json'],
    ['.. as the file', '/api/models/tiny/..'],
    ['.. as the model', '/api/models/../secret.txt'],
    ['encoded ..', '/api/models/%2e%2e/secret.txt'],
    ['encoded slashes', '/api/models/tiny/..%2f..%2fsecret.txt'],
    ['double-encoded ..', '/api/models/tiny/%252e%252e'],
    ['an absolute path', '/api/models/tiny/%2fetc%2fpasswd'],
    ['a backslash', '/api/models/tiny/..%5c..%5csecret.txt'],
    ['a hidden file', '/api/models/tiny/.env'],
    ['a NUL byte', '/api/models/tiny/model.json%00'],
    ['a symlink to a file outside', '/api/models/tiny/link.json'],
    ['a symlinked folder outside', '/api/models/escape/model.json'],
  ])('refuses %s with 404 and never leaks the file', async (_what, url) => {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain(SECRET);
    expect(JSON.parse(res.body.toString())).toEqual({ error: expect.any(String) });
  });
});

describe('/api/datasets/<name>[/<class>/<path…>]', () => {
  it('lists a class-folder dataset and serves its images (nested folders included) by their bytes', async () => {
    const listing = await get('/api/datasets/pets');
    expect(listing.status).toBe(200);
    const body = JSON.parse(listing.body.toString()) as { classes: Array<{ name: string; files: string[] }> };
    expect(body.classes.map((c) => [c.name, c.files])).toEqual([
      ['cat', ['a.png', 'deep/b.png']],
      ['dog', ['c.png']],
    ]);
    // The symlink leading outside is not listed (the image route would refuse it), it is reported as skipped.
    expect((body as unknown as { skipped: unknown[] }).skipped).toContainEqual({ name: 'cat/link.png', reason: 'outside the datasets folder' });
    for (const url of ['/api/datasets/pets/cat/a.png', '/api/datasets/pets/cat/deep/b.png', '/api/datasets/pets/dog/c.png']) {
      const image = await get(url);
      expect([image.status, image.type], url).toEqual([200, 'image/png']);
      expect(image.body.equals(Buffer.from(png)), url).toBe(true);
    }
  });

  it.each([
    ['an unknown dataset', '/api/datasets/nothing'],
    ['a class without a file', '/api/datasets/pets/cat'],
    ['a non-image with an image extension', '/api/datasets/pets/cat/notes.png'],
    ['.. inside the class', '/api/datasets/pets/cat/../../../secret.png'],
    ['.. as the dataset', '/api/datasets/../x/secret.png'],
    ['encoded ..', '/api/datasets/pets/%2e%2e/%2e%2e/secret.png'],
    ['encoded slashes', '/api/datasets/pets/cat/..%2f..%2f..%2fsecret.png'],
    ['an absolute path', '/api/datasets/pets/cat/%2ftmp%2fsecret.png'],
    ['a hidden dataset name', '/api/datasets/.pets'],
    ['a symlink to an image outside', '/api/datasets/pets/cat/link.png'],
    ['a symlinked dataset folder outside', '/api/datasets/escape/cls/x.png'],
  ])('refuses %s with 404', async (_what, url) => {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(res.body.includes(Buffer.from(png))).toBe(false);
    expect(JSON.parse(res.body.toString())).toEqual({ error: expect.any(String) });
  });
});
