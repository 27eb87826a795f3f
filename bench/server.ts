/**
 * `npm run bench:server [-- --json] [-- --seconds 10] [-- --upload-mb 50]`: read throughput of the server API.
 * Starts the real standalone server (server/standalone.ts, the handler the Next routes use) as a child process on
 * a fresh PGlite folder (or DATABASE_URL when BENCH_DATABASE_URL is set), rate limits off, then with autocannon at
 * concurrency 32:
 *   graphGetRps / graphGetP99Ms   GET graph.get of a template-sized graph
 *   graphVersionRps               GET graph.version (immutable, served from the bounded cache)
 *   graphGetP99DuringUploadMs     graph.get p99 while a chunked upload (session, ~4 MB batches) of --upload-mb MB runs
 *   graphGetP99DuringSingleUploadMs  … while the one-shot dataset.upload of the same images runs
 * `--json` prints one JSON object on the last line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
// autocannon ships no types; the little used here is typed locally.
// @ts-expect-error no declaration file
import autocannonUntyped from 'autocannon';
import { pipelineTemplate } from '../nodes/templates';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p99: number; p50: number; max: number };
  non2xx: number;
  errors: number;
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<CannonResult>;

const args = process.argv.slice(2);
const json = args.includes('--json');
const argNumber = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = argNumber('--seconds', 10);
const UPLOAD_MB = argNumber('--upload-mb', 50);
const CONCURRENCY = 32;
const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
};

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/standalone.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, PORT: '0', GRAFT_RATE_LIMIT_BURST: '0', GRAFT_READ_RATE_LIMIT_BURST: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

/** `input` may be pre-serialised JSON (so the bench's own JSON work does not stall its load generator). */
async function trpc(url: string, proc: string, input: unknown): Promise<unknown> {
  const body = typeof input === 'string' ? input : JSON.stringify(input);
  const res = await fetch(`${url}/api/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await res.json()) as { result?: { data: unknown }; error?: unknown };
  if (!res.ok) throw new Error(`${proc}: ${res.status} ${JSON.stringify(answer.error).slice(0, 300)}`);
  return answer.result!.data;
}

/** Noise PNGs (incompressible) adding up to about `mb` MB, under the per-image cap. */
function uploadInput(mb: number) {
  const side = 360; // ~520 KB per image
  const images: { label: string; fileName: string; data: string }[] = [];
  let total = 0;
  while (total < mb * 1024 * 1024 * 0.98) {
    const png = new PNG({ width: side, height: side });
    randomBytes(png.data.length).copy(png.data);
    const bytes = PNG.sync.write(png, { deflateLevel: 0 });
    if (total + bytes.length > mb * 1024 * 1024) break;
    total += bytes.length;
    images.push({ label: images.length % 2 ? 'a' : 'b', fileName: `${images.length}.png`, data: bytes.toString('base64') });
  }
  return { input: { name: 'bench upload', images }, bytes: total };
}

async function measure(url: string, seconds: number): Promise<CannonResult> {
  return autocannon({ url, connections: CONCURRENCY, duration: seconds, pipelining: 1 });
}

/** Runs `work` while autocannon reads `url`; the reads stop when the work is done. */
async function readsDuring(url: string, work: () => Promise<void>): Promise<{ reads: CannonResult; ms: number }> {
  const tracker = autocannon({ url, connections: CONCURRENCY, duration: 600, pipelining: 1 }) as unknown as Promise<CannonResult> & { stop(): void };
  const started = Date.now();
  await work();
  const ms = Date.now() - started;
  tracker.stop();
  return { reads: await tracker, ms };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-bench-server-'));
  const dbUrl = process.env.BENCH_DATABASE_URL?.trim();
  const server = await startServer(dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: dataDir, DATABASE_URL: '' });
  try {
    const graph = pipelineTemplate();
    const created = (await trpc(server.url, 'graph.create', { graph })) as { id: string };
    const getUrl = `${server.url}/api/trpc/graph.get?input=${encodeURIComponent(JSON.stringify({ id: created.id }))}`;
    const versionUrl = `${server.url}/api/trpc/graph.version?input=${encodeURIComponent(JSON.stringify({ id: created.id, version: 1 }))}`;
    log(`server: ${dbUrl ? 'PostgreSQL' : 'PGlite'}; graph of ${graph.nodes.length} nodes; concurrency ${CONCURRENCY}, ${SECONDS} s per run`);

    await measure(getUrl, 2); // warm-up (JIT, caches)
    const get = await measure(getUrl, SECONDS);
    log(`graph.get:     ${get.requests.average.toFixed(0)} req/s, p50 ${get.latency.p50} ms, p99 ${get.latency.p99} ms (non-2xx ${get.non2xx})`);
    const version = await measure(versionUrl, SECONDS);
    log(`graph.version: ${version.requests.average.toFixed(0)} req/s, p99 ${version.latency.p99} ms`);

    const { input, bytes } = uploadInput(UPLOAD_MB);
    log(`upload: ${input.images.length} images, ${(bytes / 1048576).toFixed(1)} MB`);
    // The recommended path: a session, batches of at most ~4 MB (one request each), then finish.
    const batches: (typeof input.images)[] = [[]];
    let batchBytes = 0;
    for (const img of input.images) {
      if (batchBytes + img.data.length > 4 * 1024 * 1024 * 1.34) {
        batches.push([]);
        batchBytes = 0;
      }
      batches[batches.length - 1]!.push(img);
      batchBytes += img.data.length;
    }
    const chunked = await readsDuring(getUrl, async () => {
      const session = (await trpc(server.url, 'dataset.uploadStart', { name: 'bench chunked' })) as { uploadId: string; uploadToken: string };
      const bodies = batches.map((images) => JSON.stringify({ ...session, images }));
      for (const body of bodies) await trpc(server.url, 'dataset.uploadImages', body);
      await trpc(server.url, 'dataset.uploadFinish', session);
    });
    log(`graph.get during a chunked upload (${chunked.ms} ms): p99 ${chunked.reads.latency.p99} ms, max ${chunked.reads.latency.max} ms`);
    // The one-shot dataset.upload (older clients): one request of ~70 MB of JSON.
    const singleBody = JSON.stringify(input);
    const single = await readsDuring(getUrl, () => trpc(server.url, 'dataset.upload', singleBody).then(() => undefined));
    log(`graph.get during a one-shot upload (${single.ms} ms): p99 ${single.reads.latency.p99} ms, max ${single.reads.latency.max} ms`);

    const result = {
      engine: dbUrl ? 'postgres' : 'pglite',
      concurrency: CONCURRENCY,
      graphGetRps: Math.round(get.requests.average),
      graphGetP99Ms: get.latency.p99,
      graphVersionRps: Math.round(version.requests.average),
      graphVersionP99Ms: version.latency.p99,
      graphGetP99DuringUploadMs: chunked.reads.latency.p99,
      chunkedUploadMs: chunked.ms,
      graphGetP99DuringSingleUploadMs: single.reads.latency.p99,
      singleUploadMs: single.ms,
      uploadMB: Number((bytes / 1048576).toFixed(1)),
      errors: get.errors + get.non2xx + version.non2xx + chunked.reads.non2xx + single.reads.non2xx,
    };
    if (json) console.log(JSON.stringify(result));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
