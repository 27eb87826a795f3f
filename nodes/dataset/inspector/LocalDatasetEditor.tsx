'use client';
/** Editing a dataset stored in this browser: rename/delete it, add classes; each class is a `ClassCard`. */
import { useEffect, useState } from 'react';
import { addLocalClass, deleteLocalDataset, renameLocalDataset, type LocalDatasetSummary } from '../browser-store';
import { ClassCard } from './ClassCard';
import { WebcamPreview, type Webcam } from './Webcam';
import { plural, type Notice } from './format';
import styles from './dataset.module.css';

export function LocalDatasetEditor({
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

