'use client';
/**
 * Custom inspector of the Dataset node: pick a server dataset or one stored in this browser, upload a folder or
 * a zip of class folders, manage classes (add, rename, delete, drop images, webcam bursts), and see what the run
 * will get: per-class counts and thumbnails, the stratified train/validation/test split, skipped files and
 * problems to fix.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { InspectorProps } from '../core/types';
import { useGraphStore } from '@/app/state/graphStore';
import {
  addImagesToClass,
  addLocalClass,
  clearSkipped,
  createLocalDataset,
  deleteLocalClass,
  deleteLocalDataset,
  importIntoLocalDataset,
  isLocalDatasetId,
  localDatasetExists,
  renameLocalClass,
  renameLocalDataset,
  type LocalDatasetSummary,
} from './browser-store';
import type { SkippedFile, SourceEntry } from './import';
import { datasetReport, DEFAULT_VALIDATION_SPLIT, downstreamTrainNode, type DatasetContentSummary } from './issues';
import { zipEntries } from './zip';
import {
  useDatasetContent,
  useDirListing,
  useLocalDatasets,
  useLocalDatasetSummary,
  useServerDatasets,
  useSharedDataset,
} from '@/app/components/dataset/useDatasetContent';
import { LocalThumbnails, ServerThumbnails, UrlThumbnails } from '@/app/components/dataset/Thumbnails';
import { isSharedDatasetId, sharedClasses, type SharedManifest } from './shared';
import { RecordBurstButton, useWebcam, WebcamPreview, type Webcam } from '@/app/components/dataset/Webcam';
import styles from '@/app/components/dataset/dataset.module.css';

export interface DatasetInspectorParams {
  datasetId: string;
  testSplit: number;
  splitSeed: number;
  maxImagesPerClass: number;
}

type Notice = { kind: 'info' | 'error'; text: string } | null;
type Progress = { label: string; done: number; total: number } | null;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function importMessage(images: number, classes: number, skipped: number): string {
  return `Imported ${plural(images, 'image')} into ${classes === 1 ? '1 class' : `${classes} classes`}${skipped ? `; ${plural(skipped, 'file')} skipped (listed below)` : ''}.`;
}

export default function DatasetInspector({ node, params, onChange, graph, readOnly }: InspectorProps<DatasetInspectorParams>) {
  const datasetId = typeof params.datasetId === 'string' ? params.datasetId : '';
  const isLocal = isLocalDatasetId(datasetId);
  const isShared = isSharedDatasetId(datasetId);
  const server = useServerDatasets();
  const shared = useSharedDataset(isShared ? datasetId : null);
  const locals = useLocalDatasets();
  const localSummary = useLocalDatasetSummary(isLocal ? datasetId : null);
  const content = useDatasetContent(datasetId);
  const [notice, setNotice] = useState<Notice>(null);
  const [progress, setProgress] = useState<Progress>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const webcam = useWebcam();
  const sourceId = useId();
  const busy = progress !== null;

  // Stop the camera when switching to another node or dataset.
  const stopWebcam = webcam.stop;
  useEffect(() => stopWebcam, [datasetId, stopWebcam]);

  /** The local dataset uploads go into: the current one, or a new one named after the upload. */
  const targetDataset = async (name: string): Promise<string> => {
    if (isLocal && (await localDatasetExists(datasetId))) return datasetId;
    const id = await createLocalDataset(name);
    onChange({ datasetId: id });
    return id;
  };

  const runImport = async (name: string, entries: SourceEntry[], extraSkipped: SkippedFile[] = []) => {
    if (entries.length === 0 && extraSkipped.length === 0) {
      setNotice({ kind: 'error', text: 'That upload contained no files.' });
      return;
    }
    setNotice(null);
    setProgress({ label: `Importing ${name}`, done: 0, total: entries.length });
    try {
      const target = await targetDataset(name);
      const summary = await importIntoLocalDataset(target, entries, {
        extraSkipped,
        onProgress: (done, total) => setProgress({ label: `Importing ${name}`, done, total }),
      });
      const images = summary.classes.reduce((sum, c) => sum + c.count, 0);
      setNotice({
        kind: images > 0 ? 'info' : 'error',
        text:
          images > 0
            ? importMessage(images, summary.classes.length, summary.skipped.length)
            : `No usable images found in ${name}. Put the images of each class in their own folder (e.g. cats/…, dogs/…).`,
      });
    } catch (e) {
      setNotice({ kind: 'error', text: `Import failed: ${(e as Error).message}` });
    } finally {
      setProgress(null);
    }
  };

  const onFolderPicked = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const list = Array.from(files);
    const top = (list[0].webkitRelativePath || list[0].name).split('/')[0] || 'Uploaded folder';
    const entries: SourceEntry[] = list.map((f) => ({
      path: f.webkitRelativePath || f.name,
      read: async () => new Uint8Array(await f.arrayBuffer()),
    }));
    await runImport(top, entries);
  };

  const onZipPicked = async (file: File | undefined) => {
    if (!file) return;
    const name = file.name.replace(/\.zip$/i, '') || 'Uploaded zip';
    setProgress({ label: `Reading ${file.name}`, done: 0, total: 0 });
    let unzipped: ReturnType<typeof zipEntries>;
    try {
      unzipped = zipEntries(new Uint8Array(await file.arrayBuffer()));
    } catch (e) {
      setProgress(null);
      setNotice({ kind: 'error', text: (e as Error).message });
      return;
    }
    await runImport(name, unzipped.entries, unzipped.skipped);
  };

  const newDataset = async () => {
    try {
      const id = await createLocalDataset('My images');
      await addLocalClass(id, 'Class 1');
      await addLocalClass(id, 'Class 2');
      onChange({ datasetId: id });
      setNotice({ kind: 'info', text: 'New dataset with two empty classes: rename them, then drop images or record with the webcam.' });
    } catch (e) {
      setNotice({ kind: 'error', text: (e as Error).message });
    }
  };

  const serverDatasets = server.datasets ?? [];
  const localDatasets = locals.datasets ?? [];
  const listsLoaded = (server.datasets !== null || server.error !== null) && locals.datasets !== null;
  const known = serverDatasets.some((d) => d.id === datasetId) || localDatasets.some((d) => d.id === datasetId);

  // Split preview: the node's test split + the validation split of the Train node this dataset feeds.
  const trainNode = downstreamTrainNode(graph, node.id);
  const validationSplit =
    typeof trainNode?.params.validationSplit === 'number' ? (trainNode.params.validationSplit as number) : DEFAULT_VALIDATION_SPLIT;
  const testSplit = typeof params.testSplit === 'number' ? params.testSplit : 0.2;
  const report =
    content.status === 'ready'
      ? datasetReport(content.content, { testSplit, validationSplit, maxImagesPerClass: params.maxImagesPerClass })
      : null;

  return (
    <div className={styles.root}>
      <section className={styles.section} aria-labelledby={`${sourceId}-h`}>
        <h3 id={`${sourceId}-h`} className={styles.h}>
          Images
        </h3>
        <label htmlFor={sourceId} className={styles.hint}>
          Dataset source
        </label>
        <select
          id={sourceId}
          className={styles.select}
          value={datasetId}
          disabled={readOnly || busy}
          onChange={(e) => {
            setNotice(null);
            onChange({ datasetId: e.target.value });
          }}
        >
          {!known && (
            <option value={datasetId}>
              {!datasetId
                ? '— choose a dataset —'
                : isShared && shared.status === 'ready'
                  ? `${shared.manifest.name} — ${plural(shared.manifest.imageCount, 'image')}, ${shared.manifest.labels.length} classes (shared with this graph)`
                  : isShared && shared.status === 'loading'
                    ? `${datasetId} (loading…)`
                    : listsLoaded
                      ? `${datasetId} (not found)`
                      : `${datasetId} (loading…)`}
            </option>
          )}
          {localDatasets.length > 0 && (
            <optgroup label="Your images (stored in this browser)">
              {localDatasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} — {plural(d.totalImages, 'image')}, {d.classes.length} classes
                </option>
              ))}
            </optgroup>
          )}
          {serverDatasets.length > 0 && (
            <optgroup label="Datasets on the server">
              {serverDatasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title} — {plural(d.classes.reduce((s, c) => s + c.count, 0), 'image')}, {d.classes.length} classes
                </option>
              ))}
            </optgroup>
          )}
        </select>
        {server.error && <p className={styles.error}>{server.error}</p>}
        {locals.error && <p className={styles.error}>{locals.error}</p>}
        {!readOnly && (
          <>
            <div className={styles.rowWrap}>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => folderInput.current?.click()}>
                Upload folder
              </button>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => zipInput.current?.click()}>
                Upload zip
              </button>
              <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => void newDataset()}>
                New dataset
              </button>
            </div>
            <p className={styles.hint}>
              One sub-folder per class (e.g. <code>cats/</code>, <code>dogs/</code>). {isLocal ? 'Uploads are added to this dataset.' : 'Uploads create a dataset stored in this browser.'}
            </p>
            <input
              ref={folderInput}
              type="file"
              multiple
              hidden
              aria-label="Folder to upload"
              {...{ webkitdirectory: '', directory: '' }}
              onChange={(e) => {
                const files = e.target.files;
                void onFolderPicked(files).finally(() => {
                  e.target.value = '';
                });
              }}
            />
            <input
              ref={zipInput}
              type="file"
              accept=".zip,application/zip,application/x-zip-compressed"
              hidden
              aria-label="Zip file to upload"
              onChange={(e) => {
                void onZipPicked(e.target.files?.[0]).finally(() => {
                  e.target.value = '';
                });
              }}
            />
          </>
        )}
        {progress && (
          <div role="status" className={styles.section}>
            <span>
              {progress.label}
              {progress.total > 0 ? ` — ${progress.done} / ${progress.total} files` : '…'}
            </span>
            <progress
              className={styles.progress}
              aria-label="Import progress"
              value={progress.total > 0 ? progress.done : undefined}
              max={progress.total > 0 ? progress.total : undefined}
            />
          </div>
        )}
        {notice && (
          <p role={notice.kind === 'error' ? 'alert' : 'status'} className={notice.kind === 'error' ? styles.error : styles.hint}>
            {notice.text}
          </p>
        )}
      </section>

      {report && report.errors.length > 0 && (
        <ul className={styles.problems} aria-label="Problems with this dataset">
          {report.errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      {report && report.warnings.length > 0 && (
        <ul className={styles.warnings} aria-label="Dataset warnings">
          {report.warnings.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}

      {isLocal && localSummary.status === 'ready' && (
        <LocalDatasetEditor
          summary={localSummary.summary}
          readOnly={readOnly}
          busy={busy}
          webcam={webcam}
          onNotice={setNotice}
          onDeleted={() => onChange({ datasetId: 'builtin:shapes-target' })}
        />
      )}
      {isLocal && localSummary.status === 'missing' && !readOnly && (
        <p className={styles.hint}>Upload a folder or zip, start a new dataset, or choose another source above.</p>
      )}
      {isShared && shared.status === 'ready' && <SharedDatasetView manifest={shared.manifest} />}
      {isShared && shared.status === 'missing' && (
        <p role="alert" className={styles.error}>
          The images shared with this graph are not on this server (the graph may come from another Graft server). Choose or upload a
          dataset above.
        </p>
      )}
      {isShared && shared.status === 'error' && (
        <p role="alert" className={styles.error}>
          {shared.message}
        </p>
      )}
      {!isLocal && !isShared && content.status === 'ready' && content.content.exists && (
        <ServerDatasetView datasetId={datasetId} content={content.content} />
      )}

      {report && report.split.length > 0 && (
        <SplitSection
          report={report}
          testSplit={testSplit}
          validationSplit={validationSplit}
          trainNode={trainNode}
          readOnly={readOnly}
          onTestSplit={(v) => onChange({ testSplit: v })}
        />
      )}

      {isLocal && localSummary.status === 'ready' && (
        <SkippedFiles
          skipped={localSummary.summary.skipped}
          onClear={readOnly ? undefined : () => void clearSkipped(localSummary.summary.id)}
        />
      )}
      {datasetId.startsWith('dir:') && <DirSkippedFiles datasetId={datasetId} />}
    </div>
  );
}

// --- local dataset editing --------------------------------------------------------------------------------------

function LocalDatasetEditor({
  summary,
  readOnly,
  busy,
  webcam,
  onNotice,
  onDeleted,
}: {
  summary: LocalDatasetSummary;
  readOnly: boolean;
  busy: boolean;
  webcam: Webcam;
  onNotice(n: Notice): void;
  onDeleted(): void;
}) {
  const [name, setName] = useState(summary.name);
  const [newClass, setNewClass] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => setName(summary.name), [summary.name]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (e) {
      onNotice({ kind: 'error', text: (e as Error).message });
    }
  };

  const addClass = () =>
    act(async () => {
      const cls = await addLocalClass(summary.id, newClass.trim() || `Class ${summary.classes.length + 1}`);
      setNewClass('');
      onNotice({ kind: 'info', text: `Added class “${cls.name}”.` });
    });

  return (
    <section className={styles.section} aria-label="Classes">
      <label className={styles.hint} htmlFor={`dsname-${summary.id}`}>
        Dataset name
      </label>
      <input
        id={`dsname-${summary.id}`}
        className={styles.input}
        value={name}
        maxLength={120}
        readOnly={readOnly}
        onChange={(e) => setName(e.target.value)}
        onBlur={() => name.trim() && name !== summary.name && void act(() => renameLocalDataset(summary.id, name))}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      <p className={styles.hint}>
        {plural(summary.totalImages, 'image')} in {summary.classes.length === 1 ? '1 class' : `${summary.classes.length} classes`}, stored in
        this browser (kept after reloads; not uploaded anywhere).
      </p>
      {!readOnly && <WebcamPreview webcam={webcam} disabled={busy} />}
      <ul className={styles.classes}>
        {summary.classes.map((c) => (
          <ClassCard
            key={c.id}
            datasetId={summary.id}
            cls={c}
            version={summary.updatedAt}
            readOnly={readOnly}
            busy={busy}
            webcam={webcam}
            onNotice={onNotice}
          />
        ))}
      </ul>
      {!readOnly && (
        <>
          <div className={styles.rowWrap}>
            <input
              className={styles.input}
              aria-label="New class name"
              placeholder="New class name"
              value={newClass}
              maxLength={80}
              onChange={(e) => setNewClass(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && void addClass()}
            />
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void addClass()}>
              Add class
            </button>
          </div>
          {confirmDelete ? (
            <div className={styles.confirm} role="group" aria-label="Confirm deleting the dataset">
              <span>Delete “{summary.name}” and all {plural(summary.totalImages, 'image')} from this browser?</span>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() =>
                  void act(async () => {
                    await deleteLocalDataset(summary.id);
                    onDeleted();
                  })
                }
              >
                Delete dataset permanently
              </button>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </div>
          ) : (
            <div>
              <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => setConfirmDelete(true)}>
                Delete dataset
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function ClassCard({
  datasetId,
  cls,
  version,
  readOnly,
  busy,
  webcam,
  onNotice,
}: {
  datasetId: string;
  cls: { id: string; name: string; count: number };
  version: number;
  readOnly: boolean;
  busy: boolean;
  webcam: Webcam;
  onNotice(n: Notice): void;
}) {
  const [renaming, setRenaming] = useState(false);
  const [draft, setDraft] = useState(cls.name);
  const [confirming, setConfirming] = useState(false);
  const [dropping, setDropping] = useState(false);
  const [adding, setAdding] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const addFiles = async (files: Array<{ name: string; blob: Blob }>, how: string) => {
    if (files.length === 0) return;
    setAdding(true);
    try {
      const result = await addImagesToClass(datasetId, cls.id, files);
      onNotice({
        kind: result.added > 0 ? 'info' : 'error',
        text: `${how}: added ${plural(result.added, 'image')} to “${cls.name}”${result.skipped.length ? `; ${plural(result.skipped.length, 'file')} skipped (listed below)` : ''}.`,
      });
    } catch (e) {
      onNotice({ kind: 'error', text: (e as Error).message });
    } finally {
      setAdding(false);
    }
  };

  const saveRename = async () => {
    try {
      if (draft.trim() !== cls.name) await renameLocalClass(datasetId, cls.id, draft);
      setRenaming(false);
    } catch (e) {
      onNotice({ kind: 'error', text: (e as Error).message });
    }
  };

  const editable = !readOnly && !busy;
  return (
    <li
      className={`${styles.classCard}${dropping ? ` ${styles.dropping}` : ''}`}
      aria-label={`Class ${cls.name}`}
      onDragOver={(e) => {
        if (!editable || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        if (!editable) return;
        e.preventDefault();
        setDropping(false);
        const files = Array.from(e.dataTransfer.files).map((f) => ({ name: f.name, blob: f as Blob }));
        void addFiles(files, 'Dropped');
      }}
    >
      <div className={styles.classHeader}>
        {renaming ? (
          <>
            <input
              className={styles.input}
              aria-label={`New name for class ${cls.name}`}
              value={draft}
              maxLength={80}
              autoFocus
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void saveRename();
                if (e.key === 'Escape') setRenaming(false);
              }}
            />
            <button type="button" className="btn btn-small" onClick={() => void saveRename()}>
              Save
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <span className={styles.className}>{cls.name}</span>
            <span className={styles.count}>{plural(cls.count, 'image')}</span>
            <span className={styles.spacer} />
            {editable && (
              <>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-label={`Rename class ${cls.name}`}
                  onClick={() => {
                    setDraft(cls.name);
                    setRenaming(true);
                  }}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-label={`Delete class ${cls.name}`}
                  onClick={() => (cls.count === 0 ? void deleteLocalClass(datasetId, cls.id) : setConfirming(true))}
                >
                  Delete
                </button>
              </>
            )}
          </>
        )}
      </div>
      {confirming && (
        <div className={styles.confirm} role="group" aria-label={`Confirm deleting class ${cls.name}`}>
          <span>Delete “{cls.name}” and its {plural(cls.count, 'image')}?</span>
          <button
            type="button"
            className="btn btn-small btn-danger"
            aria-label={`Confirm delete class ${cls.name}`}
            onClick={() => {
              setConfirming(false);
              void deleteLocalClass(datasetId, cls.id).catch((e: Error) => onNotice({ kind: 'error', text: e.message }));
            }}
          >
            Delete
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      <LocalThumbnails datasetId={datasetId} classId={cls.id} className={cls.name} count={cls.count} version={version} />
      {editable && (
        <div className={styles.rowWrap}>
          <button type="button" className="btn btn-small" aria-label={`Add images to ${cls.name}`} disabled={adding} onClick={() => fileInput.current?.click()}>
            Add images
          </button>
          <RecordBurstButton
            webcam={webcam}
            className={cls.name}
            disabled={adding}
            onFrames={(frames) => {
              const stamp = new Date().toISOString().replace(/[:.]/g, '-');
              void addFiles(
                frames.map((blob, i) => ({ name: `webcam-${stamp}-${String(i + 1).padStart(3, '0')}.jpg`, blob })),
                'Webcam',
              );
            }}
          />
          <span className={styles.hint}>or drop images here</span>
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            multiple
            hidden
            aria-label={`Image files for ${cls.name}`}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []).map((f) => ({ name: f.name, blob: f as Blob }));
              e.target.value = '';
              void addFiles(files, 'Added');
            }}
          />
        </div>
      )}
    </li>
  );
}

// --- server datasets --------------------------------------------------------------------------------------------

function ServerDatasetView({ datasetId, content }: { datasetId: string; content: DatasetContentSummary }) {
  const listing = useDirListing(datasetId);
  const total = content.classes.reduce((s, c) => s + c.count, 0);
  return (
    <section className={styles.section} aria-label="Classes">
      <p className={styles.hint}>
        {plural(total, 'image')} in {content.classes.length} classes, provided by the server (read-only). Upload a folder or zip to
        use your own images.
      </p>
      <ul className={styles.classes}>
        {content.classes.map((c) => {
          const files = listing?.classes.find((l) => l.name === c.name)?.files ?? [];
          return (
            <li key={c.name} className={styles.classCard} aria-label={`Class ${c.name}`}>
              <div className={styles.classHeader}>
                <span className={styles.className}>{c.name}</span>
                <span className={styles.count}>{plural(c.count, 'image')}</span>
              </div>
              {listing && <ServerThumbnails datasetName={listing.name} className={c.name} files={files} count={c.count} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SharedDatasetView({ manifest }: { manifest: SharedManifest }) {
  const classes = sharedClasses(manifest);
  return (
    <section className={styles.section} aria-label="Classes">
      <p className={styles.hint} role="note">
        <strong>Shared with this graph</strong> — “{manifest.name}”: {plural(manifest.imageCount, 'image')} in{' '}
        {classes.length === 1 ? '1 class' : `${classes.length} classes`}, stored on the server with the shared link (read-only). Upload a
        folder or zip to use your own images instead.
      </p>
      <ul className={styles.classes}>
        {classes.map((c) => (
          <li key={c.name} className={styles.classCard} aria-label={`Class ${c.name}`}>
            <div className={styles.classHeader}>
              <span className={styles.className}>{c.name}</span>
              <span className={styles.count}>{plural(c.images.length, 'image')}</span>
            </div>
            <UrlThumbnails className={c.name} images={c.images.map((i) => ({ url: i.url, name: i.fileName }))} count={c.images.length} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function DirSkippedFiles({ datasetId }: { datasetId: string }) {
  const listing = useDirListing(datasetId);
  if (!listing || listing.skipped.length === 0) return null;
  return <SkippedFiles skipped={listing.skipped} />;
}

// --- split + skipped --------------------------------------------------------------------------------------------

function SplitSection({
  report,
  testSplit,
  validationSplit,
  trainNode,
  readOnly,
  onTestSplit,
}: {
  report: ReturnType<typeof datasetReport>;
  testSplit: number;
  validationSplit: number;
  trainNode: ReturnType<typeof downstreamTrainNode>;
  readOnly: boolean;
  onTestSplit(v: number): void;
}) {
  const updateNodeParams = useGraphStore((s) => s.updateNodeParams);
  const id = useId();
  const totals = report.split.reduce(
    (t, s) => ({ total: t.total + s.total, train: t.train + s.train, validation: t.validation + s.validation, test: t.test + s.test }),
    { total: 0, train: 0, validation: 0, test: 0 },
  );
  const [testText, setTestText] = useState(String(Math.round(testSplit * 100)));
  const [valText, setValText] = useState(String(Math.round(validationSplit * 100)));
  useEffect(() => setTestText(String(Math.round(testSplit * 100))), [testSplit]);
  useEffect(() => setValText(String(Math.round(validationSplit * 100))), [validationSplit]);

  const commitTest = (text: string) => {
    const v = Number(text) / 100;
    if (Number.isFinite(v) && v >= 0.05 && v <= 0.5) onTestSplit(Math.round(v * 100) / 100);
  };
  const commitValidation = (text: string) => {
    const v = Number(text) / 100;
    if (trainNode && Number.isFinite(v) && v >= 0 && v <= 0.5) updateNodeParams(trainNode.id, { validationSplit: Math.round(v * 100) / 100 });
  };

  return (
    <section className={styles.section} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className={styles.h}>
        Train / validation / test split
      </h3>
      <div className={styles.rowWrap}>
        <label htmlFor={`${id}-test`}>Test split (%)</label>
        <input
          id={`${id}-test`}
          className={styles.numberInput}
          type="number"
          min={5}
          max={50}
          step={5}
          value={testText}
          readOnly={readOnly}
          onChange={(e) => {
            setTestText(e.target.value);
            commitTest(e.target.value);
          }}
        />
        <label htmlFor={`${id}-val`}>Validation split (%)</label>
        <input
          id={`${id}-val`}
          className={styles.numberInput}
          type="number"
          min={0}
          max={50}
          step={5}
          value={valText}
          readOnly={readOnly || !trainNode}
          onChange={(e) => {
            setValText(e.target.value);
            commitValidation(e.target.value);
          }}
        />
      </div>
      <p className={styles.hint}>
        Test: {Math.round(testSplit * 100)}% of every class, never trained on. Validation: {Math.round(validationSplit * 100)}% of the rest
        {trainNode ? ` (set on the “${trainNode.label || 'Train'}” node).` : ' (default; connect a Train node to change it).'} Stratified and
        seeded: the same images land in the same split every run.
      </p>
      <table className={styles.table} aria-label="Split">
        <caption>Split</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Images</th>
            <th scope="col">Train</th>
            <th scope="col">Validation</th>
            <th scope="col">Test</th>
          </tr>
        </thead>
        <tbody>
          {report.split.map((s) => (
            <tr key={s.label}>
              <th scope="row">{s.name}</th>
              <td>{s.total}</td>
              <td>{s.train}</td>
              <td>{s.validation}</td>
              <td>{s.test}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>{totals.total}</td>
            <td>{totals.train}</td>
            <td>{totals.validation}</td>
            <td>{totals.test}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

const SKIPPED_SHOWN = 200;

function SkippedFiles({ skipped, onClear }: { skipped: SkippedFile[]; onClear?: () => void }) {
  const id = useId();
  const [showAll, setShowAll] = useState(false);
  if (skipped.length === 0) return null;
  const shown = showAll ? skipped : skipped.slice(0, SKIPPED_SHOWN);
  return (
    <section className={styles.section} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className={styles.h}>
        Skipped files ({skipped.length})
      </h3>
      <p className={styles.hint}>These files were not used. Nothing else is affected.</p>
      <ul className={styles.skipped} aria-label="Skipped files">
        {shown.map((s, i) => (
          <li key={`${s.name}-${i}`}>
            <span>{s.name}</span> — <span className={styles.reason}>{s.reason}</span>
          </li>
        ))}
      </ul>
      <div className={styles.rowWrap}>
        {skipped.length > shown.length && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setShowAll(true)}>
            Show all {skipped.length}
          </button>
        )}
        {onClear && (
          <button type="button" className="btn btn-small btn-ghost" onClick={onClear}>
            Clear skipped list
          </button>
        )}
      </div>
    </section>
  );
}
