'use client';
/**
 * Toolbar controls for saving and sharing: autosave status, Share (link popover), History (versions + restore),
 * last run results, the conflict dialog and — for someone else's graph — the read-only banner with Fork.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { trpc, apiErrorInfo } from '@/app/lib/trpcClient';
import { getEditToken } from './editTokens';
import {
  ensureSaved,
  forkCurrent,
  resolveKeepMine,
  resolveLoadTheirs,
  resolveSaveAsCopy,
  restoreVersion,
  startAutosave,
  unbind,
  usePersistenceStore,
  type SaveStatus,
} from './persistenceStore';
import {
  formatBytes,
  includeDatasetImages,
  isShareDatasetBusy,
  localDatasetUses,
  phaseText,
  restoreLocalDatasets,
  sharedDatasetIds,
  useShareDatasetStore,
} from './shareDataset';
import { IncludeTrainedModel } from './IncludeTrainedModel';
import { listLocalDatasetImages } from '@/nodes/dataset/browser-store';
import styles from './persistence.module.css';

const STATUS_LABEL: Record<SaveStatus, string> = {
  unsaved: 'Not saved yet',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Offline',
  conflict: 'Conflict',
  error: 'Not saved',
};

function formatDate(iso: string) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

let autosaveStarted = false;

export function PersistenceBar() {
  const status = usePersistenceStore((s) => s.status);
  const message = usePersistenceStore((s) => s.message);
  const graphId = usePersistenceStore((s) => s.graphId);
  const conflict = usePersistenceStore((s) => s.conflict);
  const latestResults = usePersistenceStore((s) => s.latestResults);
  const readOnly = useGraphStore((s) => s.readOnly);
  const [open, setOpen] = useState<null | 'share' | 'history' | 'results'>(null);

  useEffect(() => {
    // On "/" the editor starts a fresh, not-yet-saved graph (the share page binds before rendering us).
    if (window.location.pathname === '/') unbind();
    if (autosaveStarted) return;
    autosaveStarted = true;
    const stop = startAutosave();
    return () => {
      stop();
      autosaveStarted = false;
    };
  }, []);

  return (
    <div className={styles.bar} role="group" aria-label="Save and share">
      {!readOnly && (
        <span
          role="status"
          aria-label={`Save status: ${STATUS_LABEL[status]}`}
          className={`${styles.status} ${styles[`status_${status}`] ?? ''}`}
          title={message ?? undefined}
        >
          <span className={styles.dot} aria-hidden="true" />
          {STATUS_LABEL[status]}
        </span>
      )}
      {latestResults && (
        <button type="button" className="btn btn-small btn-ghost" title="Results of the last run saved with this graph" aria-expanded={open === 'results'} onClick={() => setOpen(open === 'results' ? null : 'results')}>
          Last run {(latestResults.accuracy * 100).toFixed(1)}%
        </button>
      )}
      <button type="button" className="btn" aria-expanded={open === 'history'} disabled={!graphId} onClick={() => setOpen('history')} title={graphId ? 'Earlier versions of this graph' : 'Available once the graph is saved'}>
        History
      </button>
      <button type="button" className="btn btn-accent-soft" aria-expanded={open === 'share'} onClick={() => setOpen(open === 'share' ? null : 'share')}>
        Share
      </button>
      {open === 'share' && <SharePopover onClose={() => setOpen(null)} />}
      {open === 'history' && graphId && <HistoryDialog graphId={graphId} canRestore={!readOnly && !!getEditToken(graphId)} onClose={() => setOpen(null)} />}
      {open === 'results' && latestResults && (
        <Popover label="Last run results" onClose={() => setOpen(null)}>
          <h2 className={styles.popTitle}>Last run results</h2>
          <dl className={styles.facts}>
            <dt>Test accuracy</dt>
            <dd>{(latestResults.accuracy * 100).toFixed(1)}%{latestResults.testSize ? ` on ${latestResults.testSize} test images` : ''}</dd>
            <dt>Backend</dt>
            <dd>{latestResults.backend}</dd>
            <dt>Epochs</dt>
            <dd>{latestResults.epochs}</dd>
            <dt>Graph version</dt>
            <dd>v{latestResults.version}</dd>
            <dt>Date</dt>
            <dd>{formatDate(latestResults.attachedAt)}</dd>
          </dl>
        </Popover>
      )}
      {conflict && status === 'conflict' && <ConflictDialog theirVersion={conflict.theirVersion} />}
      {readOnly && graphId && <ReadOnlyBanner />}
      {status === 'error' && message && (
        <span className={styles.errorText} role="alert">
          {message}
        </span>
      )}
    </div>
  );
}

function Popover({ label, onClose, children }: { label: string; onClose(): void; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (ref.current && !ref.current.contains(target) && !(target as HTMLElement).closest?.('[aria-expanded]')) onClose();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onDown);
    };
  }, [onClose]);
  return (
    <div ref={ref} className={styles.popover} role="dialog" aria-label={label}>
      {children}
    </div>
  );
}

function SharePopover({ onClose }: { onClose(): void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [note, setNote] = useState<string>('Saving the graph to create its link…');
  const inputId = useId();

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const id = await ensureSaved();
      if (cancelled) return;
      if (!id) {
        setNote(usePersistenceStore.getState().message ?? 'The graph could not be saved, so there is no link yet.');
        return;
      }
      const link = `${window.location.origin}/g/${id}`;
      setUrl(link);
      setNote(await copy(link));
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <Popover label="Share link" onClose={onClose}>
      <h2 className={styles.popTitle}>Share this graph</h2>
      {url ? (
        <>
          <label htmlFor={inputId} className={styles.small}>
            Anyone with this link can view the graph and fork their own copy. Only this browser can edit it.
          </label>
          <div className={styles.row}>
            <input id={inputId} className={styles.urlInput} aria-label="Share link URL" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="btn btn-small" onClick={async () => setNote(await copy(url))}>
              Copy link
            </button>
          </div>
          <p className={styles.urlText} data-testid="share-url">
            {url}
          </p>
          <IncludeDatasetOption />
          <IncludeTrainedModel />
        </>
      ) : null}
      <p className={styles.small} role="status">
        {note}
      </p>
      <button type="button" className="btn btn-small" onClick={onClose}>
        Close
      </button>
    </Popover>
  );
}

/**
 * "Include dataset images": graphs whose Dataset node uses images stored in this browser (`local:`) are not
 * runnable elsewhere; this uploads them with the graph (server caps apply) and points the node at the shared copy.
 */
function IncludeDatasetOption() {
  const graph = useGraphStore((s) => s.graph);
  const readOnly = useGraphStore((s) => s.readOnly);
  const phase = useShareDatasetStore((s) => s.phase);
  const origins = useShareDatasetStore((s) => s.origins);
  const uses = useMemo(() => localDatasetUses(graph), [graph]);
  const shared = useMemo(() => sharedDatasetIds(graph), [graph]);
  const localKey = [...uses.keys()].sort().join(',');
  const [local, setLocal] = useState<{ images: number; bytes: number; missing: boolean } | null>(null);
  const checkboxId = useId();

  // A finished/failed job from an earlier opening of the popover is not news any more.
  useEffect(() => {
    const current = useShareDatasetStore.getState().phase;
    if (current.kind === 'done' || current.kind === 'error') useShareDatasetStore.setState({ phase: { kind: 'idle' } });
  }, []);

  useEffect(() => {
    if (!localKey) return;
    let alive = true;
    void Promise.all(localKey.split(',').map((id) => listLocalDatasetImages(id).catch(() => null))).then((lists) => {
      if (!alive) return;
      setLocal({
        images: lists.reduce((s, l) => s + (l?.images.length ?? 0), 0),
        bytes: lists.reduce((s, l) => s + (l?.images.reduce((b, i) => b + i.size, 0) ?? 0), 0),
        missing: lists.some((l) => l === null),
      });
    });
    return () => {
      alive = false;
    };
  }, [localKey]);

  if (readOnly || (uses.size === 0 && shared.length === 0)) return null;
  const busy = isShareDatasetBusy(phase);
  const included = uses.size === 0;
  const canRevert = included && shared.some((id) => origins[id]);
  const text = phaseText(phase);
  const localInfo = localKey ? local : null;
  const describe = included
    ? `The link carries the dataset images (stored on this server), so whoever opens it can run the graph.${canRevert ? ' Uncheck to use the copy in this browser again.' : ''}`
    : localInfo?.missing
      ? 'The Dataset node uses images that are not stored in this browser, so they cannot be included from here.'
      : `${localInfo ? `${localInfo.images} image${localInfo.images === 1 ? '' : 's'} (${formatBytes(localInfo.bytes)})` : 'The images'} are stored only in this browser, so the link is not runnable elsewhere. Include them to upload them to this server with the graph (images larger than 512 px are downscaled); anyone with the link can see them.`;
  const progress =
    phase.kind === 'preparing' ? { value: phase.done, max: phase.total } : phase.kind === 'uploading' ? { value: phase.loaded, max: phase.total } : null;

  return (
    <div className={styles.datasetOption}>
      <div className={styles.checkRow}>
        <input
          id={checkboxId}
          type="checkbox"
          checked={included || busy}
          disabled={busy || (included && !canRevert) || (!included && (!localInfo || localInfo.missing))}
          aria-describedby={`${checkboxId}-desc`}
          onChange={(e) => void (e.target.checked ? includeDatasetImages() : restoreLocalDatasets(shared))}
        />
        <label htmlFor={checkboxId}>Include dataset images</label>
      </div>
      <p id={`${checkboxId}-desc`} className={styles.small}>
        {describe}
      </p>
      {busy && progress && (
        <progress
          className={styles.progress}
          aria-label="Dataset upload progress"
          value={progress.max > 0 ? progress.value : undefined}
          max={progress.max > 0 ? progress.max : undefined}
        />
      )}
      {text && (
        <p role={phase.kind === 'error' ? 'alert' : 'status'} className={phase.kind === 'error' ? styles.errorBlock : styles.small}>
          {text}
        </p>
      )}
    </div>
  );
}

async function copy(text: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return 'Link copied to the clipboard.';
  } catch {
    return 'Copy the link above (the clipboard is not available here).';
  }
}

interface VersionRow {
  version: number;
  name: string;
  note: string | null;
  createdAt: string;
  nodeCount: number;
}

function HistoryDialog({ graphId, canRestore, onClose }: { graphId: string; canRestore: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const current = usePersistenceStore((s) => s.version);
  const [rows, setRows] = useState<VersionRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  useEffect(() => {
    ref.current?.showModal();
  }, []);
  useEffect(() => {
    let cancelled = false;
    trpc.graph.history
      .query({ id: graphId })
      .then((r) => !cancelled && setRows(r))
      .catch((err) => !cancelled && setError(apiErrorInfo(err).message));
    return () => {
      cancelled = true;
    };
  }, [graphId, current]);

  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby={`${graphId}-history-title`} onClose={onClose}>
      <h2 id={`${graphId}-history-title`} className={styles.popTitle}>
        Version history
      </h2>
      <p className={styles.small}>Every save is kept. Restoring a version saves it again as the newest one — nothing is lost.</p>
      {error && <p role="alert">{error}</p>}
      {!rows && !error && <p role="status">Loading versions…</p>}
      {rows && (
        <ol className={styles.versions} aria-label="Versions">
          {rows.map((r) => (
            <li key={r.version} className={styles.versionRow}>
              <span className={styles.versionMain}>
                <strong>v{r.version}</strong> {r.name}
                {r.version === current && <span className={styles.currentTag}> (current)</span>}
                <span className={styles.small}>
                  {' '}
                  · {formatDate(r.createdAt)} · {r.nodeCount} node{r.nodeCount === 1 ? '' : 's'}
                  {r.note ? ` · ${r.note}` : ''}
                </span>
              </span>
              {canRestore && r.version !== current && (
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Restore version ${r.version}`}
                  disabled={busy !== null}
                  onClick={async () => {
                    setBusy(r.version);
                    try {
                      await restoreVersion(r.version);
                      ref.current?.close();
                    } catch (err) {
                      setError(`Could not restore: ${apiErrorInfo(err).message}`);
                    } finally {
                      setBusy(null);
                    }
                  }}
                >
                  {busy === r.version ? 'Restoring…' : 'Restore'}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      <div className={styles.dialogActions}>
        <button type="button" className="btn" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}

function ConflictDialog({ theirVersion }: { theirVersion: number }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // Escape must not dismiss it silently: the user has to choose.
    const onCancel = (e: Event) => e.preventDefault();
    d?.addEventListener('cancel', onCancel);
    return () => d?.removeEventListener('cancel', onCancel);
  }, []);
  const act = (fn: () => Promise<unknown>) => async () => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
      ref.current?.close();
    }
  };
  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby="graft-conflict-title" aria-describedby="graft-conflict-desc">
      <h2 id="graft-conflict-title" className={styles.popTitle}>
        This graph was changed somewhere else
      </h2>
      <p id="graft-conflict-desc">
        Someone (maybe you, in another tab) saved version {theirVersion} while you were editing. Your changes are not saved yet. Both
        versions stay in the history whichever you choose.
      </p>
      <div className={styles.dialogActions}>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={act(resolveKeepMine)}>
          Keep mine
        </button>
        <button type="button" className="btn" disabled={busy} onClick={act(resolveLoadTheirs)}>
          Load theirs
        </button>
        <button type="button" className="btn" disabled={busy} onClick={act(resolveSaveAsCopy)}>
          Save mine as a copy
        </button>
      </div>
    </dialog>
  );
}

function ReadOnlyBanner() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className={styles.banner} role="region" aria-label="Read-only notice">
      <span>Read-only — Fork to edit</span>
      <button
        type="button"
        className="btn btn-primary btn-small"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await forkCurrent();
          } catch (err) {
            setError(`Could not fork: ${apiErrorInfo(err).message}`);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Forking…' : 'Fork'}
      </button>
      {error && <span role="alert">{error}</span>}
    </div>
  );
}
