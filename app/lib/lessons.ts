/** Lessons from `lessons/` (plain data files), checked with zod so a mistyped file fails the build's tests, not a student. */
import { z } from 'zod';
import { parseGraphFile, type GraftGraph } from '@/nodes/core/graph';
import { LESSON_FILES } from '@/lessons';

const LessonFileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1).max(120),
  text: z.array(z.string().min(1)).min(1).max(8),
  question: z.string().min(1),
  hint: z.string().optional(),
  graph: z.unknown(),
});

export interface Lesson {
  id: string;
  title: string;
  text: string[];
  question: string;
  hint?: string;
  graph: GraftGraph;
}

export function parseLesson(input: unknown): { ok: true; lesson: Lesson } | { ok: false; error: string } {
  const meta = LessonFileSchema.safeParse(input);
  if (!meta.success) return { ok: false, error: meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const graph = parseGraphFile(meta.data.graph);
  if (!graph.ok) return { ok: false, error: `graph: ${graph.error}` };
  return { ok: true, lesson: { ...meta.data, graph: graph.graph } };
}

export const LESSONS: readonly Lesson[] = LESSON_FILES.flatMap((f) => {
  const r = parseLesson(f);
  return r.ok ? [r.lesson] : [];
});
