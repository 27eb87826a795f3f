/** Student page of a classroom assignment: join, then the editor with the assignment bar. */
import type { Metadata } from 'next';
import { AssignmentPage } from '../_components/AssignmentPage';

export const metadata: Metadata = { title: 'Assignment — Graft' };

export default async function AssignmentRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AssignmentPage id={id} />;
}
