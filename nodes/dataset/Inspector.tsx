'use client';
/**
 * Custom inspector of the Dataset node: pick a server dataset or one stored in this browser, upload a folder or
 * a zip of class folders, manage classes (add, rename, delete, drop images, webcam bursts), and see what the run
 * will get: per-class counts and thumbnails, the stratified train/validation/test split, skipped files and
 * problems to fix.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { InspectorProps } from '../ui/types';
import {
  addLocalClass,
  clearSkipped,
  createLocalDataset,
  deleteLocalClass,
  getLocalDatasetSummary,
  importIntoLocalDataset,
  isLocalDatasetId,
  localDatasetExists,
} from './browser-store';
import type { SkippedFile, SourceEntry } from './import';
import { datasetReport, DEFAULT_VALIDATION_SPLIT } from './issues';
import { zipEntries } from './zip';
import { isSharedDatasetId } from './shared';
import {
  useDatasetContent,
  useLocalDatasets,
  useLocalDatasetSummary,
  useServerDatasets,
  useSharedDataset,
} from './inspector/useDatasetContent';
import { useWebcam } from './inspector/Webcam';
import { importMessage, placeholderClasses, plural, type Notice, type Progress } from './inspector/format';
import { LocalDatasetEditor } from './inspector/LocalDatasetEditor';
import { DirSkippedFiles, ServerDatasetView, SharedDatasetView } from './inspector/ReadOnlyDatasetViews';
import { SplitSection } from './inspector/SplitSection';
import { SkippedFiles } from './inspector/SkippedFiles';
import styles from './inspector/dataset.module.css';

export interface DatasetInspectorParams {
  datasetId: string;
  testSplit: number;
  validationSplit: number;
  splitSeed: number;
  maxImagesPerClass: number;
}

export default function DatasetInspector({ params, onChange, readOnly }: InspectorProps<DatasetInspectorParams>) {
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
      const before = (await getLocalDatasetSummary(target))?.classes ?? [];
      const summary = await importIntoLocalDataset(target, entries, {
        extraSkipped,
        onProgress: (done, total) => setProgress({ label: `Importing ${name}`, done, total }),
      });
      // New dataset's empty "Class 1"/"Class 2" would stay behind as errors: the upload's classes replace them.
      const after = (await getLocalDatasetSummary(target))?.classes ?? [];
      for (const classId of placeholderClasses(before, after)) await deleteLocalClass(target, classId);
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

  // Split preview: this node's test and validation fractions.
  const validationSplit = typeof params.validationSplit === 'number' ? params.validationSplit : DEFAULT_VALIDATION_SPLIT;
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
          readOnly={readOnly}
          onTestSplit={(v) => onChange({ testSplit: v })}
          onValidationSplit={(v) => onChange({ validationSplit: v })}
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

