/**
 * Classroom assignments over real HTTP against a real database (PGlite always, PostgreSQL with TEST_DATABASE_URL):
 * scoring, leaderboard order, tokens, submission limits, malformed predictions, concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, postgresUrl, startTestServer, type Engine, type TestServer } from './test/harness';
import { CLASSES, createPublishedAssignment, hiddenLabels } from './test/classroom';

const engines: { engine: Engine; title: string; skip: boolean }[] = [
  { engine: 'pglite', title: 'PGlite (temp dir)', skip: false },
  {
    engine: 'postgres',
    title: postgresUrl ? 'PostgreSQL (TEST_DATABASE_URL)' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL not set; run `eval "$(scripts/start-test-postgres.sh)"` first',
    skip: !postgresUrl,
  },
];

/** Raw tRPC POST (to see HTTP status codes and send what the typed client would refuse, e.g. NaN). */
async function rawMutation(url: string, path: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: await res.json().catch(() => null) };
}

describe.each(engines)('$title', ({ engine, skip }) => {
  let s: TestServer;
  beforeAll(async () => {
    if (!skip) s = await startTestServer(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  it.skipIf(skip)('scores submissions, ranks best-per-student with ties by earliest, and shows everything to the teacher', async () => {
    const a = await createPublishedAssignment(s.client, { perClass: 4 });
    const info = await s.client.assignment.get.query({ id: a.id });
    expect(info).toMatchObject({ status: 'open', acceptingSubmissions: true, testCount: 8, classes: [...CLASSES], dailyLimit: 10 });
    // Stored as a hash only.
    const { rows } = await s.db.query<{ teacher_token_hash: string }>('SELECT teacher_token_hash FROM assignments WHERE id = $1', [a.id]);
    expect(rows[0]!.teacher_token_hash).toMatch(/^[0-9a-f]{64}$/);

    const truth = await hiddenLabels(s.db, a.id);
    expect(truth).toHaveLength(8);
    const ana = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Ana' });
    const ben = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Ben' });
    const cy = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Cy' });
    expect((await errorOf(s.client.assignment.join.mutate({ id: a.id, displayName: ' ana ' }))).code).toBe('CONFLICT');
    // The fork is the student's own graph, based on the starter, reading the training set.
    const fork = await s.client.graph.get.query({ id: ana.graphId, editToken: ana.editToken });
    expect(fork.canEdit).toBe(true);
    expect(fork.forkedFrom).toEqual({ id: a.starter.id, version: a.starter.version });
    expect(fork.graph.nodes.find((n) => n.type === 'dataset')?.params.datasetId).toBe('builtin:shapes-target');

    const submit = (st: typeof ana, predictions: string[]) =>
      s.client.assignment.submit.mutate({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: st.version, predictions });

    const allCat = truth.map(() => 'cat');
    const ben1 = await submit(ben, allCat);
    expect(ben1.accuracy).toBeCloseTo(0.5);
    expect(ben1.macroF1).toBeCloseTo((2 / 3 + 0) / 2);
    expect(Object.keys(ben1).sort()).toEqual(['accuracy', 'macroF1', 'metric', 'remainingToday', 'score', 'submissionId', 'submissionsToday', 'submittedAt']);
    const anaPerfect = await submit(ana, truth);
    expect(anaPerfect).toMatchObject({ accuracy: 1, macroF1: 1, score: 1, submissionsToday: 1, remainingToday: 9 });
    const oneWrong = truth.map((t, i) => (i === 0 ? (t === 'cat' ? 'dog' : 'cat') : t));
    await submit(ben, oneWrong); // Ben improves to 7/8
    await submit(cy, truth); // Cy ties Ana, but later
    await submit(ana, allCat); // a worse later try does not replace Ana's best

    const board = (await s.client.assignment.get.query({ id: a.id })).leaderboard;
    expect(board.map((e) => [e.rank, e.displayName, e.score, e.submissions])).toEqual([
      [1, 'Ana', 1, 2],
      [2, 'Cy', 1, 1],
      [3, 'Ben', 7 / 8, 2],
    ]);
    expect(board[0]).toMatchObject({ graphId: ana.graphId, version: ana.version });

    const me = await s.client.assignment.me.query({ id: a.id, studentToken: ana.studentToken });
    expect(me).toMatchObject({ displayName: 'Ana', graphId: ana.graphId, submissionsToday: 2, remainingToday: 8 });
    expect(me.submissions.map((x) => x.accuracy)).toEqual([1, 0.5]);

    const teacher = await s.client.assignment.teacherView.query({ id: a.id, teacherToken: a.teacherToken });
    expect(teacher.submissions).toHaveLength(5);
    expect(teacher.students.map((x) => x.displayName)).toEqual(['Ana', 'Ben', 'Cy']);
    expect(teacher.submissions[0]).toMatchObject({ displayName: 'Ben', accuracy: 0.5 });
    expect(teacher.submissions[0]!.choices).toEqual({ model: 'none', freeze: 'no Freeze node', augmentation: false, tuned: false });
  });

  it.skipIf(skip)('ranks by macro-F1 when the teacher picks it', async () => {
    const a = await createPublishedAssignment(s.client, { perClass: 4, metric: 'macroF1' });
    const truth = await hiddenLabels(s.db, a.id);
    const x = await s.client.assignment.join.mutate({ id: a.id, displayName: 'X' });
    const r = await s.client.assignment.submit.mutate({ id: a.id, studentToken: x.studentToken, graphId: x.graphId, editToken: x.editToken, version: 1, predictions: truth.map(() => 'dog') });
    expect(r.score).toBeCloseTo(r.macroF1);
    expect(r.score).not.toBeCloseTo(r.accuracy);
  });

  it.skipIf(skip)('refuses wrong and missing tokens, and submissions from a graph that is not the student’s own', async () => {
    const a = await createPublishedAssignment(s.client);
    const other = await createPublishedAssignment(s.client);
    const truth = await hiddenLabels(s.db, a.id);
    const st = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Dee' });
    const mate = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Eve' });
    const stranger = await s.client.assignment.join.mutate({ id: other.id, displayName: 'Dee' }); // same name elsewhere is fine
    const base = { id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions: truth };

    const wrongTeacher = 'A'.repeat(43);
    expect((await errorOf(s.client.assignment.teacherView.query({ id: a.id, teacherToken: wrongTeacher }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.teacherView.query({ id: a.id, teacherToken: other.teacherToken }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.setOpen.mutate({ id: a.id, teacherToken: wrongTeacher, open: false }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.addTestImages.mutate({ id: a.id, teacherToken: wrongTeacher, images: [{ label: 'x', data: 'AAAA' }] }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.publish.mutate({ id: a.id, teacherToken: wrongTeacher }))).code).toBe('FORBIDDEN');
    expect((await rawMutation(s.url, 'assignment.teacherView', JSON.stringify({ id: a.id }))).status).toBe(400);

    expect((await errorOf(s.client.assignment.me.query({ id: a.id, studentToken: stranger.studentToken }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.submit.mutate({ ...base, studentToken: stranger.studentToken }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.submit.mutate({ ...base, studentToken: 'B'.repeat(43) }))).code).toBe('FORBIDDEN');
    // Someone else's graph (even with its valid edit token) or a wrong edit token.
    expect((await errorOf(s.client.assignment.submit.mutate({ ...base, graphId: mate.graphId, editToken: mate.editToken }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.submit.mutate({ ...base, editToken: mate.editToken }))).code).toBe('FORBIDDEN');
    expect((await errorOf(s.client.assignment.submit.mutate({ ...base, version: 99 }))).code).toBe('BAD_REQUEST');
    const { studentToken: _omit, ...noToken } = base;
    expect((await rawMutation(s.url, 'assignment.submit', JSON.stringify(noToken))).status).toBe(400);
    expect((await errorOf(s.client.assignment.get.query({ id: 'nope' }))).code).toBe('NOT_FOUND');
    // None of the refused calls was recorded.
    expect((await s.client.assignment.teacherView.query({ id: a.id, teacherToken: a.teacherToken })).submissions).toHaveLength(0);
    expect((await s.client.assignment.submit.mutate(base)).accuracy).toBe(1);
  });

  it.skipIf(skip)('malformed predictions get a clear 400 and do not count against the limit', async () => {
    const a = await createPublishedAssignment(s.client, { dailyLimit: 1 });
    const truth = await hiddenLabels(s.db, a.id);
    const st = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Flo' });
    const body = (predictions: unknown) =>
      JSON.stringify({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions });
    const cases: { predictions: unknown; message: RegExp }[] = [
      { predictions: truth.slice(1), message: /Expected 8 predictions .* got 7/ },
      { predictions: [...truth, 'cat'], message: /Expected 8 predictions .* got 9/ },
      { predictions: [], message: /Expected 8 predictions/ },
      { predictions: ['wolf', ...truth.slice(1)], message: /Prediction 1 is "wolf", which is not a class of this assignment \(cat, dog\)/ },
      { predictions: [...truth.slice(1), 'NaN'], message: /Prediction 8 is "NaN"/ },
      { predictions: [...truth.slice(1), NaN], message: /predictions\.7/ }, // JSON turns NaN into null
      { predictions: [...truth.slice(1), 3], message: /predictions\.7/ },
      { predictions: 'cat,dog', message: /predictions/ },
    ];
    for (const c of cases) {
      const res = await rawMutation(s.url, 'assignment.submit', body(c.predictions));
      expect(res.status, JSON.stringify(c.predictions)).toBe(400);
      expect((res.json as { error: { message: string } }).error.message).toMatch(c.message);
    }
    expect((await rawMutation(s.url, 'assignment.submit', body(truth))).status).toBe(200);
  });

  it.skipIf(skip)('enforces the daily limit, close/reopen and the deadline', async () => {
    const a = await createPublishedAssignment(s.client, { dailyLimit: 3 });
    const truth = await hiddenLabels(s.db, a.id);
    const st = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Gus' });
    const submit = () =>
      s.client.assignment.submit.mutate({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions: truth });
    // Concurrent tries from one student cannot overshoot the limit.
    const results = await Promise.allSettled([submit(), submit(), submit(), submit(), submit()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = await errorOf(submit());
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/all 3 submissions for today/);
    expect((await rawMutation(s.url, 'assignment.submit', JSON.stringify({ id: a.id, studentToken: st.studentToken, graphId: st.graphId, editToken: st.editToken, version: 1, predictions: truth }))).status).toBe(429);

    // Closing stops submissions (another student), reopening allows them again.
    const other = await s.client.assignment.join.mutate({ id: a.id, displayName: 'Hal' });
    const submitOther = () =>
      s.client.assignment.submit.mutate({ id: a.id, studentToken: other.studentToken, graphId: other.graphId, editToken: other.editToken, version: 1, predictions: truth });
    expect(await s.client.assignment.setOpen.mutate({ id: a.id, teacherToken: a.teacherToken, open: false })).toEqual({ status: 'closed' });
    expect((await s.client.assignment.get.query({ id: a.id })).acceptingSubmissions).toBe(false);
    expect((await errorOf(submitOther())).message).toMatch(/closed/);
    await s.client.assignment.setOpen.mutate({ id: a.id, teacherToken: a.teacherToken, open: true });
    expect((await submitOther()).accuracy).toBe(1);

    const late = await createPublishedAssignment(s.client, { deadline: new Date(Date.now() - 60_000).toISOString() });
    const lst = await s.client.assignment.join.mutate({ id: late.id, displayName: 'Ivy' });
    const lateErr = await errorOf(
      s.client.assignment.submit.mutate({ id: late.id, studentToken: lst.studentToken, graphId: lst.graphId, editToken: lst.editToken, version: 1, predictions: await hiddenLabels(s.db, late.id) }),
    );
    expect(lateErr.message).toMatch(/deadline/);
  });

  it.skipIf(skip)('drafts: students cannot join or see test images before publishing; the test set is fixed after', async () => {
    const starter = await s.client.graph.create.mutate({ graph: { version: 1, name: 'S', nodes: [], edges: [] } });
    const draft = await s.client.assignment.create.mutate({
      title: 'Draft',
      starterGraphId: starter.id,
      starterVersion: 1,
      trainingDatasetId: 'builtin:shapes-target',
    });
    expect((await errorOf(s.client.assignment.join.mutate({ id: draft.id, displayName: 'Jo' }))).code).toBe('PRECONDITION_FAILED');
    expect((await errorOf(s.client.assignment.testImages.query({ id: draft.id, from: 0, count: 4 }))).code).toBe('PRECONDITION_FAILED');
    // One class only: cannot publish.
    const { makePng } = await import('@/nodes/dataset/test-images');
    const png = Buffer.from(makePng(10, 10, 1)).toString('base64');
    await s.client.assignment.addTestImages.mutate({ id: draft.id, teacherToken: draft.teacherToken, images: [{ label: 'a', data: png }] });
    expect((await errorOf(s.client.assignment.publish.mutate({ id: draft.id, teacherToken: draft.teacherToken }))).code).toBe('PRECONDITION_FAILED');
    expect((await errorOf(s.client.assignment.addTestImages.mutate({ id: draft.id, teacherToken: draft.teacherToken, images: [{ label: 'b', data: 'bm90IGFuIGltYWdl' }] }))).message).toMatch(/could not be decoded/);
    await s.client.assignment.addTestImages.mutate({ id: draft.id, teacherToken: draft.teacherToken, images: [{ label: 'b', data: png }] });
    await s.client.assignment.publish.mutate({ id: draft.id, teacherToken: draft.teacherToken });
    expect((await errorOf(s.client.assignment.addTestImages.mutate({ id: draft.id, teacherToken: draft.teacherToken, images: [{ label: 'b', data: png }] }))).code).toBe('PRECONDITION_FAILED');
    // A training set only this browser has is refused with a reason.
    const local = await errorOf(
      s.client.assignment.create.mutate({ title: 'L', starterGraphId: starter.id, starterVersion: 1, trainingDatasetId: 'local:abc' }),
    );
    expect(local.message).toMatch(/stored in this browser only/);
  });

  it.skipIf(skip)('50 students submitting at once are all recorded', async () => {
    const a = await createPublishedAssignment(s.client, { perClass: 3 });
    const truth = await hiddenLabels(s.db, a.id);
    const students = await Promise.all(
      Array.from({ length: 50 }, (_, i) => s.clientAs(`10.0.0.${i}`).assignment.join.mutate({ id: a.id, displayName: `Student ${i}` })),
    );
    const acks = await Promise.all(
      students.map((st, i) =>
        s.clientAs(`10.0.0.${i}`).assignment.submit.mutate({
          id: a.id,
          studentToken: st.studentToken,
          graphId: st.graphId,
          editToken: st.editToken,
          version: 1,
          predictions: truth.map((t, k) => (k < i % truth.length ? (t === 'cat' ? 'dog' : 'cat') : t)),
        }),
      ),
    );
    const teacher = await s.client.assignment.teacherView.query({ id: a.id, teacherToken: a.teacherToken });
    expect(teacher.submissions.map((x) => x.id).sort()).toEqual(acks.map((x) => x.submissionId).sort());
    const board = (await s.client.assignment.get.query({ id: a.id })).leaderboard;
    expect(board).toHaveLength(50);
    for (let i = 1; i < board.length; i++) expect(board[i - 1]!.score).toBeGreaterThanOrEqual(board[i]!.score);
  });
});
