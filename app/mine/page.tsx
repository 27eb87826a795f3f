/** "My graphs": every graph whose edit token this browser holds. */
import type { Metadata } from 'next';
import { MyGraphs } from './MyGraphs';

export const metadata: Metadata = { title: 'My graphs — Graft' };

export default function MyGraphsPage() {
  return <MyGraphs />;
}
