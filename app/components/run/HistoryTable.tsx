'use client';
/** Earlier runs of this graph (localStorage), comparable at a glance. */
import { startTransition, useEffect, useState } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { useRunStore, type RunHistoryEntry } from '@/app/state/runStore';
import { showToast } from '@/app/lib/toastStore';
import { loadRunResults } from './savedResults';
import { clearHistory, historyKey, readHistory, subscribeHistory } from './history';
import { duration } from './format';
import { SavedViewsPanel } from './views/SavedViewsPanel';
import { RunComparison } from './RunComparison';
import { RepeatAccuracy } from './RepeatAccuracy';
import styles from './run.module.css';

export function HistoryTable() {
  const graphName = useGraphStore((s) => s.graph.name);
  const graphId = usePersistenceStore((s) => s.graphId);
  const key = historyKey(graphId, graphName);
  const [entries, setEntries] = useState<RunHistoryEntry[]>([]);
  const [openViews, setOpenViews] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [compared, setCompared] = useState<[string, string] | null>(null);

  useEffect(() => {
    setEntries(readHistory(key));
    // A run records its row when Run is pressed and when it ends: re-rendering the table then is not urgent, so it
    // does not lengthen the task that starts the run or shows its results.
    return subscribeHistory(() => startTransition(() => setEntries(readHistory(key))));
  }, [key]);

  if (entries.length === 0) return null;
  const toggle = (id: string, on: boolean) => setSelected((sel) => (on ? [...sel.filter((x) => x !== id), id].slice(-2) : sel.filter((x) => x !== id)));
  const pair = compared ? orderPair(entries, compared) : null;
  const best = Math.max(...entries.map((e) => e.accuracy ?? -1));
  return (
    <section className={`${styles.card} ${styles.wide}`} aria-label="Run history">
      <div className={styles.cardHeader}>
        <h3 className={styles.cardTitle}>Run history of “{graphName}”</h3>
        <span className={styles.spacer} />
        <button
          type="button"
          className="btn btn-small btn-accent-soft"
          disabled={selected.length !== 2}
          title={selected.length === 2 ? 'Compare the two selected runs' : 'Select two runs to compare'}
          onClick={() => setCompared([selected[0], selected[1]])}
        >
          Compare
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => clearHistory(key)}>
          Clear history
        </button>
      </div>
      <div className={styles.tableWrap}>
        <table className={styles.table} aria-label="Earlier runs">
          <thead>
            <tr>
              <th scope="col">Compare</th>
              <th scope="col">When</th>
              <th scope="col">Run</th>
              <th scope="col">Test accuracy</th>
              <th scope="col">Backend</th>
              <th scope="col">Path</th>
              <th scope="col">Test set</th>
              <th scope="col">Training time</th>
              <th scope="col">Setup</th>
              <th scope="col">
                <span className="sr-only">Views</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} className={e.accuracy !== null && e.accuracy === best ? styles.bestRow : undefined}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select run from ${new Date(e.date).toLocaleString()} for comparison`}
                    checked={selected.includes(e.id)}
                    onChange={(ev) => toggle(e.id, ev.target.checked)}
                  />
                </td>
                <td>{new Date(e.date).toLocaleString()}</td>
                <td>
                  {e.kind === 'scratch' ? 'from scratch' : 'pretrained'}
                  {e.interrupted ? ' (interrupted: the page was left during the run)' : e.status !== 'done' ? ` (${e.status})` : ''}
                </td>
                <td>
                  <RepeatAccuracy entry={e} />
                </td>
                <td>{e.backend ?? '—'}{e.featureBackend && e.featureBackend !== e.backend ? ` (features ${e.featureBackend})` : ''}</td>
                <td>{e.path ?? '—'}</td>
                <td><code>{e.splitFingerprint ?? '—'}</code></td>
                <td>{duration(e.trainMs)}</td>
                <td className={styles.setupCell}>{e.summary}</td>
                <td>
                  {e.kind === 'main' && e.status === 'done' && (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-label={`Open results of the run of ${new Date(e.date).toLocaleString()}`}
                      onClick={() => void openResults(e.id)}
                    >
                      Results
                    </button>
                  )}
                  {e.kind === 'main' && e.status === 'done' && (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-expanded={openViews === e.id}
                      aria-label={`Open views of the run of ${new Date(e.date).toLocaleString()}`}
                      onClick={() => setOpenViews(openViews === e.id ? null : e.id)}
                    >
                      Views
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {openViews && <SavedViewsPanel runId={openViews} onClose={() => setOpenViews(null)} />}
      {pair && (
        <RunComparison
          a={pair[0]}
          b={pair[1]}
          onRerun={(entry) => {
            setSelected([pair[0].id, entry.id]);
            setCompared([pair[0].id, entry.id]);
          }}
        />
      )}
    </section>
  );
}

/** Reopen a finished run's saved results (IndexedDB) in the run panel. */
async function openResults(runId: string): Promise<void> {
  if (useRunStore.getState().main?.runId === runId) return;
  const saved = await loadRunResults(runId);
  if (!saved) {
    showToast('The results of this run are no longer kept in this browser.', 'error');
    return;
  }
  useRunStore.getState().showRestored(saved.session);
}

/** The two compared entries, older first (A), or null when one was cleared from the history. */
function orderPair(entries: RunHistoryEntry[], ids: [string, string]): [RunHistoryEntry, RunHistoryEntry] | null {
  const a = entries.find((e) => e.id === ids[0]);
  const b = entries.find((e) => e.id === ids[1]);
  if (!a || !b) return null;
  return a.date <= b.date ? [a, b] : [b, a];
}
