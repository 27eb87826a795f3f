'use client';
/** The open lesson's side text and question, above the inspector. */
import { LESSONS } from '@/app/lib/lessons';
import { useLessonStore } from './lessonStore';

export function LessonPanel() {
  const activeId = useLessonStore((s) => s.activeId);
  const close = useLessonStore((s) => s.close);
  const lesson = LESSONS.find((l) => l.id === activeId);
  if (!lesson) return null;
  return (
    <section className="lesson" aria-label={`Lesson: ${lesson.title}`}>
      <div className="insp-h-row">
        <h2 className="panel-title">Lesson</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={close}>
          Close lesson
        </button>
      </div>
      <h3 className="lesson-title">{lesson.title}</h3>
      {lesson.text.map((p, i) => (
        <p key={i} className="lesson-text">
          {p}
        </p>
      ))}
      <div className="lesson-question">
        <strong>Question</strong>
        <p>{lesson.question}</p>
        {lesson.hint && (
          <details>
            <summary>Hint</summary>
            <p>{lesson.hint}</p>
          </details>
        )}
      </div>
    </section>
  );
}
