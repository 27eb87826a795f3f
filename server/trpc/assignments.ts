/**
 * Classroom assignments over tRPC. Teacher calls carry the teacher token, student calls the student token (both
 * stored only as SHA-256, like edit tokens); the browser sends them in POST bodies, never in URLs.
 */
import { z } from 'zod';
import { EditTokenSchema, GraphIdSchema, VersionSchema } from '../schemas';
import * as assignments from '../repo/assignments';
import { publicProcedure, router, spendImageBudget, writeProcedure } from './init';
import { decodeBase64Image } from './boundary';

const AssignmentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Assignment id may only contain letters, digits, "-" and "_".');

const TokenSchema = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_-]{43}$/, `Malformed ${what} token: expected 43 base64url characters.`);
const TeacherTokenSchema = TokenSchema('teacher');
const StudentTokenSchema = TokenSchema('student');

const ClassLabelSchema = z.string().trim().min(1, 'Class label is empty.').max(200);

export const CreateAssignmentSchema = z.object({
  title: z.string().trim().min(1, 'Give the assignment a title.').max(200),
  instructions: z.string().max(10_000).default(''),
  starterGraphId: GraphIdSchema,
  starterVersion: VersionSchema,
  trainingDatasetId: z
    .string()
    .trim()
    .max(300)
    .regex(/^(builtin|dir|shared|local):\S.*$/, 'Training set must be a dataset id such as builtin:…, dir:… or shared:….'),
  dailyLimit: z.number().int().min(1, 'Allow at least 1 submission per day.').max(1000).default(10),
  /** ISO date-time; null or absent = no deadline. */
  deadline: z.string().max(40).nullable().default(null),
  metric: z.enum(['accuracy', 'macroF1']).default('accuracy'),
});

const teacherInput = z.object({ id: AssignmentIdSchema, teacherToken: TeacherTokenSchema });

export const assignmentRouter = router({
  /** Teacher: a draft assignment (add test images, then publish). */
  create: writeProcedure.input(CreateAssignmentSchema).mutation(({ ctx, input }) => assignments.createAssignment(ctx.db, input)),

  /** Teacher: append labelled images to the hidden test set (in chunks below the request body limit). */
  addTestImages: writeProcedure
    .input(
      teacherInput.extend({
        images: z
          .array(z.object({ label: ClassLabelSchema, data: z.string().min(1).max(8_000_000) }))
          .min(1, 'Send at least one image.')
          .max(500, 'Send at most 500 images per call.'),
      }),
    )
    .mutation(({ ctx, input }) => {
      spendImageBudget(ctx, input.images);
      return assignments.addTestImages(
        ctx.db,
        ctx.config,
        input.id,
        input.teacherToken,
        input.images.map((img, i) => ({ label: img.label, bytes: decodeBase64Image(img.data, `Test image ${i + 1}`) })),
      );
    }),

  /** Teacher: shuffle the hidden set and open submissions. */
  publish: writeProcedure.input(teacherInput).mutation(({ ctx, input }) => assignments.publishAssignment(ctx.db, input.id, input.teacherToken)),

  /** Teacher: close or reopen submissions. */
  setOpen: writeProcedure
    .input(teacherInput.extend({ open: z.boolean() }))
    .mutation(({ ctx, input }) => assignments.setAssignmentOpen(ctx.db, input.id, input.teacherToken, input.open)),

  /** Teacher: every submission with its pipeline choices. */
  teacherView: publicProcedure.input(teacherInput).query(({ ctx, input }) => assignments.teacherView(ctx.db, input.id, input.teacherToken)),

  /** Anyone with the link: title, instructions, classes, test set size, leaderboard. */
  get: publicProcedure.input(z.object({ id: AssignmentIdSchema })).query(({ ctx, input }) => assignments.getAssignment(ctx.db, input.id)),

  /** Student: join with a display name → student token + own fork of the starter graph. */
  join: writeProcedure
    .input(
      z.object({
        id: AssignmentIdSchema,
        displayName: z.string().trim().min(1, 'Enter a display name.').max(60, 'Display names are at most 60 characters.'),
      }),
    )
    .mutation(({ ctx, input }) => assignments.joinAssignment(ctx.db, input.id, input.displayName)),

  /** Student: own fork, remaining submissions today, own scores. */
  me: publicProcedure
    .input(z.object({ id: AssignmentIdSchema, studentToken: StudentTokenSchema }))
    .query(({ ctx, input }) => assignments.studentStatus(ctx.db, input.id, input.studentToken)),

  /** Hidden test images by opaque index (bytes only). */
  testImages: publicProcedure
    .input(z.object({ id: AssignmentIdSchema, from: z.number().int().min(0).max(1_000_000), count: z.number().int().min(1).max(32) }))
    .query(({ ctx, input }) => assignments.testImages(ctx.db, input.id, input.from, input.count)),

  /** Student: one class label per hidden test image (in index order) + the exact graph version that made them. */
  submit: writeProcedure
    .input(
      z.object({
        id: AssignmentIdSchema,
        studentToken: StudentTokenSchema,
        graphId: GraphIdSchema,
        editToken: EditTokenSchema,
        version: VersionSchema,
        predictions: z.array(z.string().max(200, 'A predicted class label is at most 200 characters.')).max(20_000),
      }),
    )
    .mutation(({ ctx, input }) => assignments.submitPredictions(ctx.db, input)),
});
