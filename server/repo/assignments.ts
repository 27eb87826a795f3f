/**
 * Classroom assignments. The hidden test set is split over two tables: `assignment_test_images` (bytes, served to
 * students by opaque index) and `assignment_test_labels` (read only by `submit` to score). No function here returns
 * a label per image, a file name or per-image correctness; scores are aggregates (accuracy, macro-F1).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { GraftGraph } from '@/nodes/core/graph';
import type { Database, Queryable } from '../db';
import type { ServerConfig } from '../config';
import { assertImageSide } from './imageHeader';
import { sniffImageMime } from './datasets';
import { hashToken, newEditToken, newGraphId, tokenMatches } from '../tokens';
import { createGraphRow } from './graphs';
import { cleanTestImage } from './assignment-images';
import { displayNameKey, permutation, pipelineChoices, scorePredictions, withTrainingSet, type PipelineChoices } from './assignment-scoring';

export type AssignmentMetric = 'accuracy' | 'macroF1';
export type AssignmentStatus = 'draft' | 'open' | 'closed';

interface AssignmentRow {
  id: string;
  teacher_token_hash: string;
  title: string;
  instructions: string;
  starter_graph_id: string;
  starter_version: number;
  training_dataset_id: string;
  daily_limit: number;
  deadline: Date | string | null;
  metric: AssignmentMetric;
  status: AssignmentStatus;
  created_at: Date | string;
  past_deadline: boolean;
}

interface StudentRow {
  id: string;
  display_name: string;
  graph_id: string;
  created_at: Date | string;
}

export interface CreateAssignmentInput {
  title: string;
  instructions: string;
  starterGraphId: string;
  starterVersion: number;
  trainingDatasetId: string;
  dailyLimit: number;
  deadline: string | null;
  metric: AssignmentMetric;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
const newId = () => randomBytes(9).toString('base64url');

function notFound(id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No assignment with id "${id}".` });
}

async function loadAssignment(q: Queryable, id: string, lock = false): Promise<AssignmentRow> {
  const { rows } = await q.query<AssignmentRow>(
    `SELECT *, (deadline IS NOT NULL AND deadline < now()) AS past_deadline FROM assignments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!rows[0]) throw notFound(id);
  return rows[0];
}

function assertTeacher(row: AssignmentRow, token: string): void {
  if (!tokenMatches(token, row.teacher_token_hash)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This teacher token does not allow managing this assignment.' });
  }
}

async function findStudent(q: Queryable, assignmentId: string, studentToken: string, lock = false): Promise<StudentRow> {
  const { rows } = await q.query<StudentRow>(
    `SELECT id, display_name, graph_id, created_at FROM assignment_students
     WHERE assignment_id = $1 AND student_token_hash = $2${lock ? ' FOR UPDATE' : ''}`,
    [assignmentId, hashToken(studentToken)],
  );
  if (!rows[0]) throw new TRPCError({ code: 'FORBIDDEN', message: 'This student token does not belong to this assignment. Join it first.' });
  return rows[0];
}

async function classesAndCount(q: Queryable, id: string): Promise<{ classes: string[]; testCount: number }> {
  const { rows } = await q.query<{ label: string; n: number }>(
    'SELECT label, count(*)::int AS n FROM assignment_test_labels WHERE assignment_id = $1 GROUP BY label ORDER BY label',
    [id],
  );
  return { classes: rows.map((r) => r.label), testCount: rows.reduce((s, r) => s + Number(r.n), 0) };
}

// ---------------------------------------------------------------- teacher

export async function createAssignment(db: Database, input: CreateAssignmentInput) {
  if (input.trainingDatasetId.startsWith('local:')) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'The training set is stored in this browser only, so students could not load it. Share it first (Share → Include dataset images) or pick a built-in or server dataset.',
    });
  }
  if (input.deadline && Number.isNaN(Date.parse(input.deadline))) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The deadline is not a valid date.' });
  }
  const { rows } = await db.query<{ version: number }>('SELECT version FROM graph_versions WHERE graph_id = $1 AND version = $2', [
    input.starterGraphId,
    input.starterVersion,
  ]);
  if (!rows[0]) throw new TRPCError({ code: 'NOT_FOUND', message: `The starter graph "${input.starterGraphId}" has no version ${input.starterVersion}.` });
  const id = newGraphId();
  const teacherToken = newEditToken();
  await db.query(
    `INSERT INTO assignments (id, teacher_token_hash, title, instructions, starter_graph_id, starter_version, training_dataset_id,
       daily_limit, deadline, metric, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft')`,
    [id, hashToken(teacherToken), input.title, input.instructions, input.starterGraphId, input.starterVersion, input.trainingDatasetId,
      input.dailyLimit, input.deadline, input.metric],
  );
  return { id, teacherToken, status: 'draft' as const };
}

/** Appends labelled images to a draft's hidden test set (sent in several calls: each request stays under the body limit). */
export async function addTestImages(
  db: Database,
  config: ServerConfig,
  id: string,
  teacherToken: string,
  images: { label: string; bytes: Uint8Array }[],
) {
  // Authorise before the (slow) re-encoding, then re-check under the row lock.
  assertTeacher(await loadAssignment(db, id), teacherToken);
  const cleaned: { label: string; mime: string; bytes: Buffer }[] = [];
  for (const [i, img] of images.entries()) {
    if (img.bytes.length > config.maxImageBytes) {
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `Test image ${i + 1} is larger than ${(config.maxImageBytes / 1048576).toFixed(1)} MB.` });
    }
    if (sniffImageMime(img.bytes)) assertImageSide(img.bytes, config.maxImageSide, `Test image ${i + 1}`);
    cleaned.push({ label: img.label, ...(await cleanTestImage(img.bytes, i)) });
  }
  return db.transaction(async (tx) => {
    const row = await loadAssignment(tx, id, true);
    assertTeacher(row, teacherToken);
    if (row.status !== 'draft') {
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The test set is fixed once the assignment is published.' });
    }
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM assignment_test_images WHERE assignment_id = $1', [id]);
    const start = Number(rows[0]?.n ?? 0);
    if (start + cleaned.length > config.maxDatasetImages) {
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `A test set may hold at most ${config.maxDatasetImages} images.` });
    }
    for (const [i, img] of cleaned.entries()) {
      await tx.query('INSERT INTO assignment_test_images (assignment_id, idx, mime, data) VALUES ($1, $2, $3, $4)', [id, start + i, img.mime, img.bytes]);
      await tx.query('INSERT INTO assignment_test_labels (assignment_id, idx, label) VALUES ($1, $2, $3)', [id, start + i, img.label]);
    }
    return { testCount: start + cleaned.length };
  });
}

/** Shuffles the hidden set (so upload order says nothing about labels) and opens submissions. */
export function publishAssignment(db: Database, id: string, teacherToken: string) {
  return db.transaction(async (tx) => {
    const row = await loadAssignment(tx, id, true);
    assertTeacher(row, teacherToken);
    if (row.status !== 'draft') return { status: row.status };
    const { classes, testCount } = await classesAndCount(tx, id);
    if (classes.length < 2) {
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `The test set needs images of at least 2 classes (it has ${classes.length}).` });
    }
    const order = permutation(testCount, (k) => randomInt(k));
    // Two passes through negative indices keep the primary keys unique at every step.
    for (const table of ['assignment_test_images', 'assignment_test_labels']) {
      await tx.query(
        `UPDATE ${table} t SET idx = -1 - m.new_idx FROM (SELECT unnest($2::int[]) AS old_idx, unnest($3::int[]) AS new_idx) m
         WHERE t.assignment_id = $1 AND t.idx = m.old_idx`,
        [id, order.map((_, i) => i), order],
      );
      await tx.query(`UPDATE ${table} SET idx = -1 - idx WHERE assignment_id = $1`, [id]);
    }
    await tx.query(`UPDATE assignments SET status = 'open' WHERE id = $1`, [id]);
    return { status: 'open' as const };
  });
}

/** Close or reopen submissions (a draft is opened by publishing it). */
export function setAssignmentOpen(db: Database, id: string, teacherToken: string, open: boolean) {
  return db.transaction(async (tx) => {
    const row = await loadAssignment(tx, id, true);
    assertTeacher(row, teacherToken);
    if (row.status === 'draft') throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Publish the assignment first.' });
    const status: AssignmentStatus = open ? 'open' : 'closed';
    await tx.query('UPDATE assignments SET status = $2 WHERE id = $1', [id, status]);
    return { status };
  });
}

export async function teacherView(db: Database, id: string, teacherToken: string) {
  const row = await loadAssignment(db, id);
  assertTeacher(row, teacherToken);
  const [info, students, submissions] = await Promise.all([
    publicInfo(db, row),
    db.query<StudentRow>('SELECT id, display_name, graph_id, created_at FROM assignment_students WHERE assignment_id = $1 ORDER BY created_at', [id]),
    db.query<SubmissionRow>(
      `SELECT s.id, s.student_id, st.display_name, s.graph_id, s.version, s.accuracy, s.macro_f1, s.choices, s.created_at
       FROM assignment_submissions s JOIN assignment_students st ON st.id = s.student_id
       WHERE s.assignment_id = $1 ORDER BY s.created_at, s.id LIMIT 20000`,
      [id],
    ),
  ]);
  return {
    ...info,
    students: students.rows.map((s) => ({ id: s.id, displayName: s.display_name, graphId: s.graph_id, joinedAt: iso(s.created_at) })),
    submissions: submissions.rows.map((s) => ({
      id: s.id,
      studentId: s.student_id,
      displayName: s.display_name,
      graphId: s.graph_id,
      version: Number(s.version),
      accuracy: Number(s.accuracy),
      macroF1: Number(s.macro_f1),
      choices: s.choices,
      submittedAt: iso(s.created_at),
    })),
  };
}

interface SubmissionRow {
  id: string;
  student_id: string;
  display_name: string;
  graph_id: string;
  version: number;
  accuracy: number;
  macro_f1: number;
  choices: PipelineChoices;
  created_at: Date | string;
  n?: number;
}

// ---------------------------------------------------------------- everyone with the link

const scoreColumn = (metric: AssignmentMetric) => (metric === 'macroF1' ? 'macro_f1' : 'accuracy');

async function leaderboard(q: Queryable, row: AssignmentRow) {
  const col = scoreColumn(row.metric);
  const { rows } = await q.query<SubmissionRow>(
    `SELECT DISTINCT ON (s.student_id) s.id, s.student_id, st.display_name, s.graph_id, s.version, s.accuracy, s.macro_f1,
       s.created_at, count(*) OVER (PARTITION BY s.student_id)::int AS n
     FROM assignment_submissions s JOIN assignment_students st ON st.id = s.student_id
     WHERE s.assignment_id = $1
     ORDER BY s.student_id, s.${col} DESC, s.created_at ASC, s.id ASC`,
    [row.id],
  );
  const entries = rows.map((r) => ({
    displayName: r.display_name,
    score: Number(r[col]),
    accuracy: Number(r.accuracy),
    macroF1: Number(r.macro_f1),
    submissions: Number(r.n),
    graphId: r.graph_id,
    version: Number(r.version),
    submittedAt: iso(r.created_at),
  }));
  // Best score first; equal scores: whoever reached it first.
  entries.sort((a, b) => b.score - a.score || a.submittedAt.localeCompare(b.submittedAt));
  return entries.map((e, i) => ({ rank: i + 1, ...e }));
}

async function publicInfo(q: Queryable, row: AssignmentRow) {
  const { classes, testCount } = await classesAndCount(q, row.id);
  return {
    id: row.id,
    title: row.title,
    instructions: row.instructions,
    status: row.status,
    acceptingSubmissions: row.status === 'open' && !row.past_deadline,
    deadline: row.deadline ? iso(row.deadline) : null,
    dailyLimit: Number(row.daily_limit),
    metric: row.metric,
    classes,
    testCount,
    trainingDatasetId: row.training_dataset_id,
    starter: { graphId: row.starter_graph_id, version: Number(row.starter_version) },
    createdAt: iso(row.created_at),
  };
}

export async function getAssignment(db: Database, id: string) {
  const row = await loadAssignment(db, id);
  return { ...(await publicInfo(db, row)), leaderboard: await leaderboard(db, row) };
}

/** A student joins with a display name: gets a student token and an own fork of the starter graph. */
export async function joinAssignment(db: Database, id: string, displayName: string) {
  const name = displayName.normalize('NFC').trim().replace(/\s+/g, ' ');
  const nameKey = displayNameKey(name);
  try {
    return await db.transaction(async (tx) => {
      const row = await loadAssignment(tx, id);
      if (row.status === 'draft') throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'This assignment is not published yet.' });
      const taken = await tx.query('SELECT 1 FROM assignment_students WHERE assignment_id = $1 AND name_key = $2', [id, nameKey]);
      if (taken.rows.length) throw nameTaken(name);
      const { rows } = await tx.query<{ graph: GraftGraph }>('SELECT graph FROM graph_versions WHERE graph_id = $1 AND version = $2', [
        row.starter_graph_id,
        row.starter_version,
      ]);
      if (!rows[0]) throw new TRPCError({ code: 'NOT_FOUND', message: 'The starter graph of this assignment no longer exists.' });
      const graph = withTrainingSet(rows[0].graph, row.training_dataset_id);
      graph.name = `${row.title} — ${name}`.slice(0, 200);
      const fork = await createGraphRow(tx, graph, { id: row.starter_graph_id, version: Number(row.starter_version) }, `Assignment "${row.title}"`);
      const studentId = newId();
      const studentToken = newEditToken();
      await tx.query(
        `INSERT INTO assignment_students (id, assignment_id, display_name, name_key, student_token_hash, graph_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [studentId, id, name, nameKey, hashToken(studentToken), fork.id],
      );
      return { studentId, studentToken, displayName: name, graphId: fork.id, editToken: fork.editToken, version: fork.version };
    });
  } catch (err) {
    // Two joins racing for one name: the unique index decides.
    if ((err as { code?: string })?.code === '23505') throw nameTaken(name);
    throw err;
  }
}

function nameTaken(name: string): TRPCError {
  return new TRPCError({ code: 'CONFLICT', message: `Someone in this assignment is already called "${name}". Pick another display name.` });
}

async function countToday(q: Queryable, studentId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM assignment_submissions
     WHERE student_id = $1 AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    [studentId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The student's own status: their fork, today's remaining submissions and their own scores (aggregates only). */
export async function studentStatus(db: Database, id: string, studentToken: string) {
  const row = await loadAssignment(db, id);
  const student = await findStudent(db, id, studentToken);
  const { rows } = await db.query<SubmissionRow>(
    'SELECT id, graph_id, version, accuracy, macro_f1, created_at FROM assignment_submissions WHERE student_id = $1 ORDER BY created_at, id',
    [student.id],
  );
  const usedToday = await countToday(db, student.id);
  return {
    studentId: student.id,
    displayName: student.display_name,
    graphId: student.graph_id,
    submissionsToday: usedToday,
    remainingToday: Math.max(0, Number(row.daily_limit) - usedToday),
    submissions: rows.map((r) => ({ id: r.id, version: Number(r.version), accuracy: Number(r.accuracy), macroF1: Number(r.macro_f1), submittedAt: iso(r.created_at) })),
  };
}

/** Hidden test images by opaque position: bytes and type only (never a label or a file name). */
export async function testImages(db: Database, id: string, from: number, count: number) {
  const row = await loadAssignment(db, id);
  if (row.status === 'draft') throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'This assignment is not published yet.' });
  const { rows } = await db.query<{ idx: number; mime: string; data: Uint8Array }>(
    'SELECT idx, mime, data FROM assignment_test_images WHERE assignment_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
    [id, from, from + count],
  );
  return rows.map((r) => ({ index: Number(r.idx), mime: r.mime, data: Buffer.from(r.data).toString('base64') }));
}

export interface SubmitInput {
  id: string;
  studentToken: string;
  graphId: string;
  editToken: string;
  version: number;
  predictions: string[];
}

export function submitPredictions(db: Database, input: SubmitInput) {
  return db.transaction(async (tx) => {
    const row = await loadAssignment(tx, input.id);
    // Locking the student's row serialises one student's submissions, so the daily limit holds under concurrency.
    const student = await findStudent(tx, input.id, input.studentToken, true);
    if (row.status !== 'open') throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Submissions to this assignment are closed.' });
    if (row.past_deadline) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The deadline of this assignment has passed.' });
    if (input.graphId !== student.graph_id) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Submit from your own copy of the starter graph (the one this assignment gave you).' });
    }
    const graphRow = await tx.query<{ edit_token_hash: string }>('SELECT edit_token_hash FROM graphs WHERE id = $1', [input.graphId]);
    if (!graphRow.rows[0] || !tokenMatches(input.editToken, graphRow.rows[0].edit_token_hash)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'This edit token does not allow editing this graph.' });
    }
    const version = await tx.query<{ graph: GraftGraph }>('SELECT graph FROM graph_versions WHERE graph_id = $1 AND version = $2', [
      input.graphId,
      input.version,
    ]);
    if (!version.rows[0]) throw new TRPCError({ code: 'BAD_REQUEST', message: `Your graph has no version ${input.version}. Save it, then submit again.` });

    const labels = await tx.query<{ label: string }>('SELECT label FROM assignment_test_labels WHERE assignment_id = $1 ORDER BY idx', [input.id]);
    const truth = labels.rows.map((r) => r.label);
    const classes = [...new Set(truth)].sort();
    validatePredictions(input.predictions, truth.length, classes);

    const usedToday = await countToday(tx, student.id);
    if (usedToday >= Number(row.daily_limit)) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `You have used all ${row.daily_limit} submissions for today (UTC). Try again tomorrow.`,
      });
    }
    const score = scorePredictions(input.predictions, truth, classes);
    const submissionId = newId();
    const inserted = await tx.query<{ created_at: Date | string }>(
      `INSERT INTO assignment_submissions (id, assignment_id, student_id, graph_id, version, accuracy, macro_f1, choices)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at`,
      [submissionId, input.id, student.id, input.graphId, input.version, score.accuracy, score.macroF1, JSON.stringify(pipelineChoices(version.rows[0].graph))],
    );
    return {
      submissionId,
      accuracy: score.accuracy,
      macroF1: score.macroF1,
      score: row.metric === 'macroF1' ? score.macroF1 : score.accuracy,
      metric: row.metric,
      submittedAt: iso(inserted.rows[0]!.created_at),
      submissionsToday: usedToday + 1,
      remainingToday: Math.max(0, Number(row.daily_limit) - usedToday - 1),
    };
  });
}

function validatePredictions(predictions: string[], expected: number, classes: string[]): void {
  if (predictions.length !== expected) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `Expected ${expected} predictions (one class per test image, in order), got ${predictions.length}.`,
    });
  }
  const known = new Set(classes);
  const bad = predictions.findIndex((p) => !known.has(p));
  if (bad >= 0) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `Prediction ${bad + 1} is "${predictions[bad]!.slice(0, 80)}", which is not a class of this assignment (${classes.join(', ')}).`,
    });
  }
}
