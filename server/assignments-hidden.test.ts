/**
 * Hidden labels stay hidden: every tRPC procedure (each must be listed here, so a new one cannot slip by), called
 * the way a student could — single GET/POST and batched, with the student's own tokens and with guessed ones —
 * plus the share/fork paths and the shared-dataset routes. No response may contain the hidden labels in order,
 * anything per image, the uploaded files' text (label-bearing PNG chunks), or a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from './trpc/router';
import { postgresUrl, sampleGraph, startTestServer, type Engine, type TestServer } from './test/harness';
import { CLASSES, SECRET_PREFIX, createPublishedAssignment, hiddenLabels, type Fixture } from './test/classroom';

const engines: { engine: Engine; title: string; skip: boolean }[] = [
  { engine: 'pglite', title: 'PGlite (temp dir)', skip: false },
  {
    engine: 'postgres',
    title: postgresUrl ? 'PostgreSQL (TEST_DATABASE_URL)' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set; run `eval "$(scripts/start-test-postgres.sh)"` first',
    skip: !postgresUrl,
  },
];

type Procedures = Record<string, { _def: { type: 'query' | 'mutation' | 'subscription' } }>;
const procedures = (appRouter as unknown as { _def: { procedures: Procedures } })._def.procedures;

const PER_IMAGE_KEY = /correct|truth|trueclass|hidden|perimage|label(s)?$/i;

describe.each(engines)('$title', ({ engine, skip }) => {
  let s: TestServer;
  let a: Fixture;
  let truth: string[];
  let ana: Awaited<ReturnType<TestServer['client']['assignment']['join']['mutate']>>;
  let ben: typeof ana;
  const seen: { what: string; status: number; body: string }[] = [];

  beforeAll(async () => {
    if (skip) return;
    s = await startTestServer(engine);
    a = await createPublishedAssignment(s.client, { perClass: 8 });
    truth = await hiddenLabels(s.db, a.id);
    ana = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Ana' });
    ben = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Ben' });
    const submit = (st: typeof ana, predictions: string[]) =>
      s.client.assignment.submit.mutate({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions });
    await submit(ana, truth);
    await submit(ben, truth.map(() => 'cat'));
  });
  afterAll(async () => {
    await s?.close();
  });

  async function call(what: string, url: string, init?: RequestInit) {
    const res = await fetch(url, init);
    const body = Buffer.from(await res.arrayBuffer()).toString('latin1');
    seen.push({ what, status: res.status, body });
    return { status: res.status, body };
  }

  /** Every input a student could send to each procedure: their own tokens, others' ids, guesses. */
  function studentInputs(): Record<string, unknown[]> {
    const guess = 'G'.repeat(43);
    const own = { id: a.id, studentToken: ana.studentToken };
    return {
      'graph.create': [{ graph: sampleGraph('mine') }],
      'graph.get': [
        { id: a.starter.id },
        { id: ana.graphId, editToken: ana.editToken },
        { id: ben.graphId },
        { id: ana.graphId, version: 1 },
        { id: a.id },
      ],
      'graph.update': [{ id: ana.graphId, editToken: ana.editToken, baseVersion: 1, graph: sampleGraph('edited') }, { id: a.starter.id, editToken: guess, baseVersion: 1, graph: sampleGraph() }],
      'graph.fork': [{ id: a.starter.id }, { id: ben.graphId }, { id: a.id }],
      'graph.version': [{ id: ana.graphId, version: 1 }, { id: a.starter.id, version: 1 }],
      'graph.history': [{ id: ana.graphId }, { id: a.starter.id }],
      'graph.restore': [{ id: ana.graphId, editToken: ana.editToken, version: 1 }],
      'graph.listMine': [{ graphs: [{ id: ana.graphId, editToken: ana.editToken }, { id: a.starter.id, editToken: guess }] }],
      'graph.attachResults': [{ id: ana.graphId, editToken: ana.editToken, version: 1, results: { accuracy: 0.5, labels: ['cat', 'dog'], perClass: [], confusionMatrix: [], backend: 'cpu', epochs: [] } }],
      'dataset.upload': [{ name: 'x', images: [{ label: 'a', data: 'AAAA' }] }],
      'dataset.uploadStart': [{ name: 'x' }],
      'dataset.uploadImages': [{ uploadId: a.id, uploadToken: guess, images: [{ label: 'a', data: 'AAAA' }] }],
      'dataset.uploadFinish': [{ uploadId: a.id, uploadToken: guess }],
      'dataset.limits': [undefined],
      'dataset.get': [{ id: `shared:${a.id}` }, { id: a.id }],
      'assignment.create': [{ title: 'Mine', starterGraphId: ana.graphId, starterVersion: 1, trainingDatasetId: 'builtin:shapes-target' }],
      'assignment.addTestImages': [{ id: a.id, teacherToken: guess, images: [{ label: 'cat', data: 'AAAA' }] }, { id: a.id, teacherToken: ana.studentToken, images: [{ label: 'cat', data: 'AAAA' }] }],
      'assignment.publish': [{ id: a.id, teacherToken: guess }],
      'assignment.setOpen': [{ id: a.id, teacherToken: ana.studentToken, open: true }],
      'assignment.teacherView': [{ id: a.id, teacherToken: guess }, { id: a.id, teacherToken: ana.editToken }, { id: a.id, teacherToken: ana.studentToken }],
      'assignment.get': [{ id: a.id }],
      'assignment.join': [{ id: a.id, displayName: 'Probe' }],
      'assignment.me': [own, { id: a.id, studentToken: guess }],
      'assignment.testImages': [{ id: a.id, from: 0, count: 32 }, { id: a.id, from: 5, count: 1 }],
      'assignment.submit': [
        { ...own, graphId: ana.graphId, editToken: ana.editToken, version: 1, predictions: truth.map(() => 'dog') },
        { ...own, graphId: ana.graphId, editToken: ana.editToken, version: 1, predictions: ['cat'] },
        { ...own, graphId: ana.graphId, editToken: ana.editToken, version: 1, predictions: truth.map(() => 'wolf') },
      ],
      health: [undefined],
    };
  }

  it.skipIf(skip)('every procedure is classified here (a new one must be added to this test)', () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(studentInputs()).sort());
  });

  it.skipIf(skip)('no response a student can reach reveals hidden labels, per-image results or file text', async () => {
    const api = `${s.url}/api/trpc`;
    const inputs = studentInputs();
    for (const [path, list] of Object.entries(inputs)) {
      const type = procedures[path]!._def.type;
      for (const input of list) {
        const json = JSON.stringify(input ?? null);
        await call(`POST ${path}`, `${api}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: input === undefined ? undefined : json });
        if (type === 'query') await call(`GET ${path}`, `${api}/${path}${input === undefined ? '' : `?input=${encodeURIComponent(json)}`}`);
      }
    }
    // Batched: every procedure's first input in one request (POST), queries also as a GET batch.
    const entries = Object.entries(inputs);
    for (let i = 0; i < entries.length; i += 10) {
      const chunk = entries.slice(i, i + 10);
      const body = Object.fromEntries(chunk.map(([, list], k) => [String(k), list[0] ?? null]));
      await call('POST batch', `${api}/${chunk.map(([p]) => p).join(',')}?batch=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }
    const queries = entries.filter(([p]) => procedures[p]!._def.type === 'query');
    const getBatch = Object.fromEntries(queries.map(([, list], k) => [String(k), list[0] ?? null]));
    await call('GET batch', `${api}/${queries.map(([p]) => p).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(getBatch))}`);
    // Share/fork and shared-dataset routes with the assignment's id.
    await call('manifest', `${s.url}/api/shared-datasets/${a.id}`);
    await call('image', `${s.url}/api/shared-datasets/${a.id}/images/0`);
    await call('assignment route', `${s.url}/api/assignments/${a.id}`);

    expect(seen.length).toBeGreaterThan(60);
    const order = [JSON.stringify(truth), truth.join(','), truth.join(''), truth.join('\n'), truth.map((t) => CLASSES.indexOf(t as 'cat')).join(',')];
    for (const r of seen) {
      expect(r.status, `${r.what}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
      expect(r.body, r.what).not.toContain(SECRET_PREFIX);
      for (const o of order) expect(r.body, r.what).not.toContain(o);
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.body);
      } catch {
        continue;
      }
      const problems: string[] = [];
      walk(parsed, '', (value, at) => {
        const key = at.split('.').pop() ?? '';
        if (PER_IMAGE_KEY.test(key) && Array.isArray(value) && value.length >= truth.length) problems.push(`${at}: per-image array under "${key}"`);
        if (Array.isArray(value) && value.length === truth.length && value.every((v) => typeof v === 'boolean' || (typeof v === 'string' && (CLASSES as readonly string[]).includes(v)))) {
          problems.push(`${at}: an array with one class/boolean per test image`);
        }
        if (/^(correct|isCorrect|trueClass|truth|fileName)$/.test(key)) problems.push(`${at}: per-image field "${key}"`);
        // A list of per-item records where one field holds a class name for every item (e.g. images with labels).
        if (Array.isArray(value) && value.length > 1 && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
          const keys = Object.keys(value[0] as object);
          for (const k of keys) {
            if (value.every((v) => (CLASSES as readonly string[]).includes((v as Record<string, unknown>)[k] as string))) problems.push(`${at}.*.${k}: a class per item`);
          }
        }
      });
      expect(problems, r.what).toEqual([]);
    }

    // The images themselves: re-encoded, no text chunks, nothing from the uploaded files.
    const images = await s.client.assignment.testImages.query({ id: a.id, from: 0, count: 32 });
    expect(images.map((i) => i.index)).toEqual(truth.map((_, i) => i));
    for (const img of images) {
      expect(Object.keys(img).sort()).toEqual(['data', 'index', 'mime']);
      const bytes = Buffer.from(img.data, 'base64');
      expect(bytes.includes(Buffer.from('tEXt'))).toBe(false);
      expect(bytes.includes(Buffer.from(SECRET_PREFIX))).toBe(false);
    }
    // The stored order is not the upload order (class by class): published sets are shuffled.
    const uploadOrder = [...truth].sort();
    expect(truth).not.toEqual(uploadOrder);

    // The leaderboard and a student's own status hold aggregates only.
    const info = await s.client.assignment.get.query({ id: a.id });
    for (const e of info.leaderboard) {
      expect(Object.keys(e).sort()).toEqual(['accuracy', 'displayName', 'graphId', 'macroF1', 'rank', 'score', 'submissions', 'submittedAt', 'version']);
    }
  });
});

function walk(value: unknown, at: string, visit: (value: unknown, at: string) => void): void {
  visit(value, at);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}.${i}`, visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k, visit);
}
