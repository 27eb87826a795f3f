'use client';
/**
 * After a reload, a saved graph shows its last run's results again (from IndexedDB), and runs that were going when
 * the page was left are marked interrupted in the history. While a run is going, leaving the page asks first.
 */
import { useEffect } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { historyKey, moveHistory, readHistory, sealInterrupted } from './history';
import { activeRunId } from './controller';
import { loadRunResults } from './savedResults';

const restoredKeys = new Set<string>();

export function useRestoreLastResults(): void {
  const graphName = useGraphStore((s) => s.graph.name);
  const graphId = usePersistenceStore((s) => s.graphId);
  const key = historyKey(graphId, graphName);
  // First save of a graph made on "/" (not a graph loaded from a link): its runs, recorded under its name until
  // now, move to its id. Checked synchronously, before the URL changes to /g/<id>.
  useEffect(
    () =>
      usePersistenceStore.subscribe((st, prev) => {
        if (prev.graphId === null && st.graphId && window.location.pathname === '/') {
          moveHistory(historyKey(null, useGraphStore.getState().graph.name), historyKey(st.graphId, ''));
        }
      }),
    [],
  );

  useEffect(() => {
    sealInterrupted(key, activeRunId());
    // Only saved graphs (an id, not a shared name like "Untitled pipeline"), once per page and graph.
    if (!graphId || restoredKeys.has(key)) return;
    restoredKeys.add(key);
    const last = readHistory(key).find((e) => e.kind === 'main' && e.status === 'done');
    if (!last) return;
    let alive = true;
    void loadRunResults(last.id).then((saved) => {
      if (!alive || !saved || useRunStore.getState().main) return;
      useRunStore.getState().showRestored(saved.session);
    });
    return () => {
      alive = false;
    };
  }, [key, graphId]);

  const running = useRunStore((s) => s.main?.status === 'running' || s.scratch?.status === 'running');
  useEffect(() => {
    if (!running) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [running]);
}
