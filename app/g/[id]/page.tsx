/** Share page: /g/<id> opens a saved graph in the editor (editable only in the browser holding its token). */
import type { Metadata } from 'next';
import { SharedGraph } from './SharedGraph';

export const metadata: Metadata = { title: 'Shared graph — Graft' };

export default async function SharedGraphPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SharedGraph id={id} />;
}
