/** Teacher view of a classroom assignment (the teacher token comes in the URL fragment). */
import type { Metadata } from 'next';
import { TeacherView } from '../../_components/TeacherView';

export const metadata: Metadata = { title: 'Assignment (teacher) — Graft', referrer: 'no-referrer' };

export default async function TeacherRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TeacherView id={id} />;
}
