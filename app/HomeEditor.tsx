'use client';
/**
 * "/": reopens the graph this browser last edited (when it can still edit it); a first visit, or "/?new", starts
 * from the template. "New" in the toolbar is always there for a fresh graph.
 */
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { GraftEditor } from '@/app/components/canvas/Editor';
import { getEditToken } from '@/app/components/persistence/editTokens';
import { lastGraph } from '@/app/lib/lastGraph';
import styles from '@/app/components/persistence/persistence.module.css';

export function HomeEditor() {
  const router = useRouter();
  const [mode, setMode] = useState<'deciding' | 'editor' | 'reopening'>('deciding');
  useEffect(() => {
    const id = lastGraph();
    const fresh = new URLSearchParams(window.location.search).has('new');
    if (id && !fresh && getEditToken(id)) {
      setMode('reopening');
      router.replace(`/g/${id}`);
    } else {
      setMode('editor');
    }
  }, [router]);
  if (mode === 'editor') return <GraftEditor />;
  return (
    <main className={styles.pageCenter}>
      <p role="status">{mode === 'reopening' ? 'Opening the graph you last edited…' : 'Loading…'}</p>
    </main>
  );
}
