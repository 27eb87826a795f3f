'use client';
/** One class of a browser-stored dataset: rename, delete, drop images, webcam bursts, thumbnails. */
import { useRef, useState } from 'react';
import { addImagesToClass, deleteLocalClass, renameLocalClass } from '../browser-store';
import { LocalThumbnails } from './Thumbnails';
import { RecordBurstButton, type Webcam } from './Webcam';
import { plural, type Notice } from './format';
import styles from './dataset.module.css';

export function ClassCard({
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
