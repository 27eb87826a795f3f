/**
 * Classroom test fixtures: an assignment with a small hidden test set of generated PNGs whose files carry
 * "secrets" (label-bearing text chunks) that must never reach a student.
 */
import type { createTRPCClient } from '@trpc/client';
import type { AppRouter } from '../trpc/router';
import type { Queryable } from '../db';
import { makePng } from '@/nodes/dataset/test-images';
import { sampleGraph } from './harness';

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

export const SECRET_PREFIX = 'SECRETLABEL';
export const CLASSES = ['cat', 'dog'] as const;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG with a tEXt chunk (after IHDR): what a careless export tool might write. */
export function pngWithText(seed: number, text: string): Buffer {
  const png = Buffer.from(makePng(12, 12, seed));
  const body = Buffer.from(`Comment\0${text}`, 'latin1');
  const typeAndData = Buffer.concat([Buffer.from('tEXt', 'latin1'), body]);
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), 8 + body.length);
  const ihdrEnd = 8 + 25;
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

export interface Fixture {
  id: string;
  teacherToken: string;
  starter: { id: string; editToken: string; version: number };
  testCount: number;
}

/** Starter graph + published assignment with `perClass` images of each class. */
export async function createPublishedAssignment(
  client: Client,
  opts: { perClass?: number; dailyLimit?: number; metric?: 'accuracy' | 'macroF1'; deadline?: string | null; title?: string } = {},
): Promise<Fixture> {
  const perClass = opts.perClass ?? 4;
  const starter = await client.graph.create.mutate({ graph: sampleGraph('Starter') });
  const created = await client.assignment.create.mutate({
    title: opts.title ?? 'Shapes challenge',
    instructions: 'Beat 80 %. <script>alert(1)</script>',
    starterGraphId: starter.id,
    starterVersion: starter.version,
    trainingDatasetId: 'builtin:shapes-target',
    dailyLimit: opts.dailyLimit ?? 10,
    deadline: opts.deadline ?? null,
    metric: opts.metric ?? 'accuracy',
  });
  // Uploaded class by class, in two calls: the server must shuffle.
  for (const label of CLASSES) {
    await client.assignment.addTestImages.mutate({
      id: created.id,
      teacherToken: created.teacherToken,
      images: Array.from({ length: perClass }, (_, i) => ({
        label,
        data: pngWithText(i + (label === 'dog' ? 100 : 0), `${SECRET_PREFIX}-${label}-${i}`).toString('base64'),
      })),
    });
  }
  await client.assignment.publish.mutate({ id: created.id, teacherToken: created.teacherToken });
  return { id: created.id, teacherToken: created.teacherToken, starter, testCount: perClass * CLASSES.length };
}

/** The hidden labels in index order, read straight from the database (only tests may do this). */
export async function hiddenLabels(db: Queryable, assignmentId: string): Promise<string[]> {
  const { rows } = await db.query<{ label: string }>('SELECT label FROM assignment_test_labels WHERE assignment_id = $1 ORDER BY idx', [assignmentId]);
  return rows.map((r) => r.label);
}
