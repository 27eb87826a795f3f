/** Share page: /g/<id> opens a saved graph in the editor (editable only in the browser holding its token). */
import type { Metadata } from 'next';
import { SharedGraph } from './SharedGraph';

export const metadata: Metadata = { title: 'Shared graph — Graft' };

export default async function SharedGraphPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ v?: string | string[] }>;
}) {
  const { id } = await params;
  // `?v=<n>`: one saved version, read-only (e.g. a graph submitted to a classroom assignment).
  const v = Number((await searchParams).v);
  return <SharedGraph id={id} version={Number.isInteger(v) && v >= 1 ? v : undefined} />;
}
