'use client';
/** "Lessons" menu: opens a prepared graph with its side text and question. */
import type { GraftGraph } from '@/nodes/core/graph';
import { LESSONS } from '@/app/lib/lessons';
import { useLessonStore } from './lessonStore';

export function LessonsMenu({ onOpenGraph, disabled }: { onOpenGraph(graph: GraftGraph, message: string): void; disabled: boolean }) {
  return (
    <select
      className="btn tb-select tb-lessons"
      aria-label="Lessons"
      value=""
      disabled={disabled}
      title="Short guided lessons: each opens a prepared graph with a question to answer by running it"
      onChange={(e) => {
        const lesson = LESSONS.find((l) => l.id === e.target.value);
        if (!lesson) return;
        onOpenGraph(structuredClone(lesson.graph), `Opened the lesson “${lesson.title}”. Undo brings back the previous graph.`);
        useLessonStore.getState().open(lesson.id);
      }}
    >
      <option value="">Lessons…</option>
      {LESSONS.map((l) => (
        <option key={l.id} value={l.id}>
          {l.title}
        </option>
      ))}
    </select>
  );
}
