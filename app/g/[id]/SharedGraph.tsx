'use client';
/** Loads the graph, then shows the same editor as "/"; read-only (with Fork) unless this browser holds the edit token. */
import { useEffect, useState } from 'react';
import Link from 'next/link';
import { GraftEditor } from '@/app/components/canvas/Editor';
import { loadServerGraph, loadServerGraphVersion, usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { apiErrorInfo } from '@/app/lib/trpcClient';
import styles from '@/app/components/persistence/persistence.module.css';

type LoadState = { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; code: string; message: string };

export function SharedGraph({ id, version }: { id: string; version?: number }) {
  const [state, setState] = useState<LoadState>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    // This tab created (or already loaded) this graph: the editor holds it, possibly with edits newer than the
    // server's copy (the first autosave moves "/" to "/g/<id>"). Reloading from the server would drop them.
    if (usePersistenceStore.getState().graphId === id && version === undefined) {
      setState({ kind: 'ready' });
      return;
    }
    setState({ kind: 'loading' });
    (version === undefined ? loadServerGraph(id) : loadServerGraphVersion(id, version))
      .then(() => !cancelled && setState({ kind: 'ready' }))
      .catch((err) => {
        if (cancelled) return;
        const info = apiErrorInfo(err);
        setState({ kind: 'error', code: info.code, message: info.message });
      });
    return () => {
      cancelled = true;
    };
  }, [id, version]);

  if (state.kind === 'loading') {
    return (
      <main className={styles.pageCenter}>
        <p role="status">Loading graph…</p>
      </main>
    );
  }
  if (state.kind === 'error') {
    const notFound = state.code === 'NOT_FOUND' || state.code === 'BAD_REQUEST';
    return (
      <main className={styles.pageCenter}>
        <h1>{notFound ? 'Graph not found' : 'Could not load this graph'}</h1>
        <p role="alert">{notFound ? `There is no saved graph with the id “${id}”. Check the link.` : state.message}</p>
        <p>
          <Link href="/">Start a new graph</Link> · <Link href="/mine">My graphs</Link>
        </p>
      </main>
    );
  }
  return <GraftEditor />;
}
