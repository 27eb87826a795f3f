import { describe, expect, it } from 'vitest';
import { LESSON_FILES } from '@/lessons';
import { compileGraph } from '@/nodes/compiler';
import { LESSONS, parseLesson } from './lessons';

describe('lessons', () => {
  it('every lesson file parses and its graph compiles', () => {
    expect(LESSON_FILES.length).toBeGreaterThanOrEqual(4);
    for (const f of LESSON_FILES) {
      const r = parseLesson(f);
      if (!r.ok) throw new Error(r.error);
      const c = compileGraph(r.lesson.graph);
      expect(c.errors, r.lesson.id).toEqual([]);
    }
    expect(LESSONS.length).toBe(LESSON_FILES.length);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
  });

  it('a broken lesson file is refused with the reason', () => {
    const r = parseLesson({ id: 'x', title: 'X', text: [], question: 'Q', graph: {} });
    expect(r.ok).toBe(false);
  });
});
