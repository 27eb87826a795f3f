/**
 * Seeded fuzzing of every tRPC procedure over real HTTP: valid inputs for each procedure (real ids and tokens, so
 * mutations reach the database) are mutated — lone surrogates, NUL, reserved keys, wrong types, deep nesting, long
 * arrays, deleted keys — and sent batched and unbatched, plus raw malformed bodies and `%` escapes. No response may
 * be a 5xx (HTTP status or any batched call's httpStatus), and the server must still work afterwards.
 * PGlite always; PostgreSQL when TEST_DATABASE_URL is set. FUZZ_SEED / FUZZ_INPUTS override the defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from './trpc/router';
import { postgresUrl, sampleGraph, startTestServer, type Engine, type TestServer } from './test/harness';
import { createPublishedAssignment, type Fixture } from './test/classroom';
import { tinyPng } from './test/pngs';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 5200);

const engines: { engine: Engine; title: string; skip: boolean }[] = [
  { engine: 'pglite', title: 'PGlite (temp dir)', skip: false },
  {
    engine: 'postgres',
    title: postgresUrl ? 'PostgreSQL (TEST_DATABASE_URL)' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set; run `eval "$(scripts/start-test-postgres.sh)"` first',
    skip: !postgresUrl,
  },
];

type Procedures = Record<string, { _def: { type: 'query' | 'mutation' } }>;
const procedures = (appRouter as unknown as { _def: { procedures: Procedures } })._def.procedures;

/** mulberry32: small, seeded, good enough for choosing mutations. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof rng>;

const HOSTILE_STRINGS = [
  '\uD800', 'a\uDFFFb', '\uDBFF\uDBFF', 'ok\uD83D', '\u0000', 'nul\u0000in', '', ' ', '\u202Eevil', '😀'.repeat(50), 'x'.repeat(5000),
  '%ZZ', '%E0%A4%A', "'; DROP TABLE graphs;--", '__proto__', 'constructor', 'shared:', 'shared:%00', '../../etc/passwd', 'NaN',
  '<script>alert(1)</script>', 'A'.repeat(43), '\\u0000', '{"a":1}', '\uFFFF\uFFFE', '\u0085\u2028\u2029',
];
const HOSTILE_VALUES: unknown[] = [null, true, false, 0, -1, -0, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, '1', [], {}, [null], { a: 1 }];
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];
/** A fresh copy each time: shared objects would be mutated in place by later rounds (cycles). */
const hostileValue = (r: Rng): unknown => structuredClone(r.pick(HOSTILE_VALUES));

type Path = (string | number)[];
function leaves(value: unknown, at: Path = [], out: Path[] = [], containers: Path[] = []): { leaves: Path[]; containers: Path[] } {
  if (value !== null && typeof value === 'object') {
    containers.push(at);
    for (const [k, v] of Object.entries(value)) leaves(v, [...at, Array.isArray(value) ? Number(k) : k], out, containers);
  } else out.push(at);
  return { leaves: out, containers };
}
function getAt(root: unknown, at: Path): unknown {
  return at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], root);
}
function setAt(root: unknown, at: Path, value: unknown): unknown {
  if (at.length === 0) return value;
  const parent = getAt(root, at.slice(0, -1)) as Record<string | number, unknown>;
  if (parent && typeof parent === 'object') parent[at[at.length - 1]!] = value;
  return root;
}

/** One to three mutations of a deep copy of `input`. */
function mutate(input: unknown, r: Rng): unknown {
  let value: unknown = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  const rounds = 1 + r.int(3);
  for (let i = 0; i < rounds; i++) {
    const { leaves: ls, containers } = leaves(value);
    const leaf = ls.length ? r.pick(ls) : [];
    const container = containers.length ? r.pick(containers) : null;
    switch (r.int(8)) {
      case 0:
      case 1:
        value = setAt(value, leaf, r.pick(HOSTILE_STRINGS));
        break;
      case 2:
        value = setAt(value, leaf, hostileValue(r));
        break;
      case 3: {
        // JSON text can carry "__proto__" as an own key; build it the way JSON.parse would.
        const target = container ? getAt(value, container) : null;
        if (target && typeof target === 'object' && !Array.isArray(target)) {
          Object.defineProperty(target, r.pick(RESERVED_KEYS), { value: hostileValue(r), enumerable: true, configurable: true, writable: true });
        }
        break;
      }
      case 4: {
        const target = container ? getAt(value, container) : null;
        if (target && typeof target === 'object' && !Array.isArray(target)) {
          const keys = Object.keys(target);
          if (keys.length) delete (target as Record<string, unknown>)[r.pick(keys)];
        }
        break;
      }
      case 5: {
        let deep: unknown = 'bottom';
        for (let d = 0, n = 10 + r.int(80); d < n; d++) deep = r.next() < 0.5 ? [deep] : { k: deep };
        value = setAt(value, leaf, deep);
        break;
      }
      case 6: {
        const target = container ? getAt(value, container) : null;
        if (Array.isArray(target) && target.length && ls.length < 2000) {
          const n = r.pick([2, 50, 600, 1200]);
          setAt(value, container!, Array.from({ length: n }, () => target[r.int(target.length)]));
        } else value = setAt(value, leaf, `${String(getAt(value, leaf))}${r.pick(HOSTILE_STRINGS)}`);
        break;
      }
      default:
        value = r.next() < 0.5 ? hostileValue(r) : { [r.pick(['graph', 'id', 'x', '__proto__'])]: r.pick(HOSTILE_STRINGS) };
    }
  }
  return value;
}

describe.each(engines)('fuzz: $title', ({ engine, skip }) => {
  let s: TestServer;
  let seeds: Record<string, unknown[]>;
  const stats = { calls: 0, raw: 0, byStatus: new Map<number, number>(), fiveHundreds: [] as string[] };

  beforeAll(async () => {
    if (skip) return;
    s = await startTestServer(engine, { rateLimitBurst: 0, readRateLimitBurst: 0 });
    const a: Fixture = await createPublishedAssignment(s.client, { perClass: 2 });
    const g = await s.client.graph.create.mutate({ graph: sampleGraph('Fuzz me') });
    const st = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Fuzz' });
    const ds = await s.client.dataset.upload.mutate({ name: 'fuzz', images: [{ label: 'a', fileName: 'a.png', data: tinyPng(1).toString('base64') }] });
    const own = { id: a.id, studentToken: st.studentToken };
    const session = await s.client.dataset.uploadStart.mutate({ name: 'fuzz session' });
    const png = tinyPng(7).toString('base64');
    const results = { accuracy: 0.5, labels: ['cat', 'dog'], perClass: [{ label: 'cat', precision: 1, recall: 1, f1: 1, support: 1 }], confusionMatrix: [[1, 0], [0, 1]], backend: 'cpu', epochs: [{ epoch: 1, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, ms: 3 }] };
    seeds = {
      'graph.create': [{ graph: sampleGraph('new') }],
      'graph.get': [{ id: g.id }, { id: g.id, editToken: g.editToken, version: 1 }],
      'graph.version': [{ id: g.id, version: 1 }],
      'graph.update': [{ id: g.id, editToken: g.editToken, baseVersion: 1, graph: sampleGraph('edited') }],
      'graph.fork': [{ id: g.id }, { id: g.id, version: 1, graph: sampleGraph('copy') }],
      'graph.history': [{ id: g.id }],
      'graph.restore': [{ id: g.id, editToken: g.editToken, version: 1 }],
      'graph.listMine': [{ graphs: [{ id: g.id, editToken: g.editToken }] }],
      'graph.attachResults': [{ id: g.id, editToken: g.editToken, version: 1, results }],
      'dataset.upload': [{ name: 'x', images: [{ label: 'a', fileName: 'a.png', data: png }] }],
      'dataset.uploadStart': [{ name: 'chunked' }],
      'dataset.uploadImages': [{ uploadId: session.uploadId, uploadToken: session.uploadToken, images: [{ label: 'a', fileName: 'a.png', data: png }] }],
      'dataset.uploadFinish': [{ uploadId: session.uploadId, uploadToken: session.uploadToken }],
      'dataset.limits': [undefined],
      'dataset.get': [{ id: ds.id }],
      'assignment.create': [{ title: 'T', instructions: 'i', starterGraphId: g.id, starterVersion: 1, trainingDatasetId: 'builtin:shapes-target' }],
      'assignment.addTestImages': [{ id: a.id, teacherToken: a.teacherToken, images: [{ label: 'cat', data: png }] }],
      'assignment.publish': [{ id: a.id, teacherToken: a.teacherToken }],
      'assignment.setOpen': [{ id: a.id, teacherToken: a.teacherToken, open: true }],
      'assignment.teacherView': [{ id: a.id, teacherToken: a.teacherToken }],
      'assignment.get': [{ id: a.id }],
      'assignment.join': [{ id: a.id, displayName: 'P' }],
      'assignment.me': [own],
      'assignment.testImages': [{ id: a.id, from: 0, count: 2 }],
      'assignment.submit': [{ ...own, graphId: st.graphId, editToken: st.editToken, version: 1, predictions: ['cat', 'dog', 'cat', 'dog'] }],
      health: [undefined],
    };
  });
  afterAll(async () => {
    await s?.close();
  });

  function record(what: string, status: number) {
    stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
    if (status >= 500) stats.fiveHundreds.push(`${status} ${what}`.slice(0, 300));
  }

  /** One batched POST; every call's httpStatus is recorded. */
  async function sendBatch(paths: string[], inputs: unknown[]) {
    const body: Record<number, unknown> = {};
    inputs.forEach((input, i) => (body[i] = input));
    const text = JSON.stringify(body);
    const res = await fetch(`${s.url}/api/trpc/${paths.join(',')}?batch=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const answer = await res.text();
    record(`batch ${paths.join(',')} ${text.slice(0, 200)}`, res.status);
    let items: { error?: { data?: { httpStatus?: number } } }[] = [];
    try {
      items = JSON.parse(answer);
    } catch {
      /* a non-JSON answer is judged by its status alone */
    }
    if (Array.isArray(items)) items.forEach((item, i) => record(`${paths[i]} ${JSON.stringify(inputs[i])?.slice(0, 200)}`, item?.error?.data?.httpStatus ?? 200));
    stats.calls += paths.length;
  }

  it.skipIf(skip)('every procedure has seed inputs (a new procedure must be added here)', () => {
    expect(Object.keys(seeds).sort()).toEqual(Object.keys(procedures).sort());
  });

  it.skipIf(skip)(`${INPUTS} mutated inputs over every procedure: no 5xx, server healthy after`, async () => {
    const r = rng(SEED);
    const names = Object.keys(seeds);
    const started = Date.now();
    // Generated up front, so the inputs depend on the seed only (not on response timing).
    type Job = { kind: 'get'; path: string; query: string | null } | { kind: 'batch'; paths: string[]; inputs: unknown[] };
    const jobs: Job[] = [];
    for (let generated = 0; generated < INPUTS; ) {
      const type = r.next() < 0.5 ? 'query' : 'mutation';
      const pool = names.filter((n) => procedures[n]!._def.type === type);
      const size = r.next() < 0.3 ? 1 : 2 + r.int(9);
      const paths = Array.from({ length: size }, () => r.pick(pool));
      const inputs = paths.map((p) => mutate(r.pick(seeds[p]!), r));
      generated += size;
      if (size === 1 && type === 'query' && r.next() < 0.5) {
        // Unbatched GET with the input in the URL (sometimes with an invalid escape).
        const json = JSON.stringify(inputs[0]);
        const encoded = json === undefined ? null : encodeURIComponent(json.replace(/[\uD800-\uDFFF]/g, ''));
        jobs.push({ kind: 'get', path: paths[0]!, query: encoded !== null && r.next() < 0.1 ? `${encoded}%ED%A0%80%ZZ` : encoded });
      } else jobs.push({ kind: 'batch', paths, inputs });
    }
    let nextJob = 0;
    const workers = Array.from({ length: 4 }, async () => {
      while (nextJob < jobs.length) {
        const job = jobs[nextJob++]!;
        if (job.kind === 'get') {
          const res = await fetch(`${s.url}/api/trpc/${job.path}${job.query === null ? '' : `?input=${job.query}`}`);
          await res.arrayBuffer();
          record(`GET ${job.path} ${job.query?.slice(0, 200)}`, res.status);
          stats.calls += 1;
        } else await sendBatch(job.paths, job.inputs);
      }
    });
    await Promise.all(workers);

    // Raw bodies and paths no client library would send.
    const raw: [string, RequestInit | undefined][] = [];
    for (let i = 0; i < 120; i++) {
      const name = r.pick(names);
      raw.push([`/api/trpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: r.pick(['{', '{"0":', 'null', '"\\ud800"', '{"__proto__":{"x":1}}', '[1,2', '\u0000', '{"graph":' + '['.repeat(5000), JSON.stringify({ id: 'x'.repeat(1e5) })]) }]);
    }
    for (const p of ['/api/trpc/%ZZ', '/api/trpc/graph.get%', '/api/shared-datasets/%ZZ', '/api/shared-datasets/%E0%A4%A/images/1', '/api/trained-models/%ZZ/meta', '/api/trpc/graph.get?input=%ZZ', '/api/trpc/..%2F..%2Fetc', '/api/shared-datasets/shared:%00', '/api/trpc/graph.get,graph.get?batch=1&input=%7B%220%22%3A%7B%22__proto__%22%3A1%7D%7D']) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) raw.push([p, { method, body: method === 'GET' ? undefined : '{}' }]);
    }
    for (const [p, init] of raw) {
      const res = await fetch(`${s.url}${p}`, init);
      await res.arrayBuffer();
      record(`raw ${init?.method ?? 'GET'} ${p}`, res.status);
      stats.raw += 1;
    }

    const elapsed = (Date.now() - started) / 1000;
    console.log(`[fuzz ${engine}] seed ${SEED}: ${stats.calls} calls + ${stats.raw} raw requests in ${elapsed.toFixed(1)} s; statuses ${JSON.stringify([...stats.byStatus].sort())}`);
    expect(stats.fiveHundreds).toEqual([]);
    expect(stats.calls + stats.raw).toBeGreaterThanOrEqual(5000);
    // Still healthy and still storing.
    expect(await s.client.health.query()).toMatchObject({ ok: true });
    const fresh = await s.client.graph.create.mutate({ graph: sampleGraph('after fuzz') });
    expect((await s.client.graph.get.query({ id: fresh.id })).graph.name).toBe('after fuzz');
  });

  it.skipIf(skip)('lone surrogates and reserved keys are a 400 naming the field, never stored or dropped', async () => {
    const post = async (proc: string, input: unknown) => {
      const res = await fetch(`${s.url}/api/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      return { status: res.status, body: (await res.json()) as { error: { message: string; data: { code: string } } } };
    };
    const surrogate = await post('graph.create', { graph: { ...sampleGraph(), name: 'bad \uD800 name' } });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.message).toMatch(/graph\.name/);
    expect(surrogate.body.error.message).toMatch(/well-formed Unicode/);
    const graph = sampleGraph();
    const params = JSON.parse('{"__proto__": {"polluted": true}, "i": 1}');
    graph.nodes[0]!.params = params;
    const proto = await post('graph.create', { graph });
    expect(proto.status).toBe(400);
    expect(proto.body.error.message).toMatch(/__proto__/);
    expect(proto.body.error.message).toMatch(/graph\.nodes\.0\.params/);
    const label = await post('dataset.upload', { name: 'x', images: [{ label: '\uDC00', fileName: 'a.png', data: tinyPng(1).toString('base64') }] });
    expect(label.status).toBe(400);
    expect(label.body.error.message).toMatch(/images\.0\.label/);
  });
});
