'use client';
/**
 * "Create assignment" (editor toolbar): the current graph, as saved now, becomes the starter every student forks.
 * The teacher picks the training set students train on and a hidden test set (generated or uploaded), and gets
 * a student link and a teacher link (the teacher token travels in the fragment, never to the server's logs).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { ensureSaved, usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { apiErrorInfo, trpc } from '@/app/lib/trpcClient';
import { SYNTHETIC_DATASETS } from '@/nodes/dataset/synthetic';
import { generateSyntheticTestSet, readTestFolder, uploadTestSet, type TestImage } from './testSetSources';
import { setTeacherToken } from './localTokens';
import styles from './classroom.module.css';

type Created = { id: string; studentLink: string; teacherLink: string; testCount: number };

function graphDatasetId(): string {
  const node = useGraphStore.getState().graph.nodes.find((n) => n.type === 'dataset');
  const id = node?.params.datasetId;
  return typeof id === 'string' && id ? id : 'builtin:shapes-target';
}

export function CreateAssignmentButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)} title="Turn this graph into a class assignment with a hidden test set">
        Create assignment
      </button>
      {open && <CreateAssignmentDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function CreateAssignmentDialog({ onClose }: { onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const [title, setTitle] = useState(() => useGraphStore.getState().graph.name || 'Assignment');
  const [instructions, setInstructions] = useState('');
  const [trainingSet, setTrainingSet] = useState(graphDatasetId);
  const [source, setSource] = useState<'generate' | 'folder'>('generate');
  const [builtin, setBuiltin] = useState(() => (SYNTHETIC_DATASETS.some((d) => d.id === graphDatasetId()) ? graphDatasetId() : SYNTHETIC_DATASETS[0]!.id));
  const [perClass, setPerClass] = useState(10);
  const [files, setFiles] = useState<File[]>([]);
  const [deadline, setDeadline] = useState('');
  const [dailyLimit, setDailyLimit] = useState(10);
  const [metric, setMetric] = useState<'accuracy' | 'macroF1'>('accuracy');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  const create = async () => {
    setError(null);
    setBusy(true);
    try {
      setProgress('Saving the starter graph…');
      const graphId = await ensureSaved();
      const version = usePersistenceStore.getState().version;
      if (!graphId || !version) throw new Error('The graph could not be saved, so it cannot be the starter. Check the save status.');

      setProgress('Preparing the test images…');
      let images: TestImage[];
      if (source === 'generate') {
        images = await generateSyntheticTestSet(builtin, perClass, (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0);
      } else {
        if (!files.length) throw new Error('Choose a folder of test images (one sub-folder per class).');
        images = (await readTestFolder(files, (d, t) => setProgress(`Reading test images ${d}/${t}…`))).images;
      }
      if (new Set(images.map((i) => i.label)).size < 2) throw new Error('The test set needs images of at least 2 classes.');

      const draft = await trpc.assignment.create.mutate({
        title,
        instructions,
        starterGraphId: graphId,
        starterVersion: version,
        trainingDatasetId: trainingSet.trim(),
        dailyLimit,
        deadline: deadline ? new Date(deadline).toISOString() : null,
        metric,
      });
      setTeacherToken(draft.id, draft.teacherToken);
      await uploadTestSet(draft.id, draft.teacherToken, images, (sent) => setProgress(`Uploading the hidden test set ${sent}/${images.length}…`));
      await trpc.assignment.publish.mutate({ id: draft.id, teacherToken: draft.teacherToken });
      const origin = window.location.origin;
      setCreated({
        id: draft.id,
        studentLink: `${origin}/a/${draft.id}`,
        teacherLink: `${origin}/a/${draft.id}/teach#token=${draft.teacherToken}`,
        testCount: images.length,
      });
      setProgress(null);
    } catch (e) {
      setProgress(null);
      setError(apiErrorInfo(e).message);
    } finally {
      setBusy(false);
    }
  };

  const field = (name: string) => `${uid}-${name}`;
  return (
    <dialog ref={ref} className={`code-dialog ${styles.dialog}`} aria-labelledby={field('title-h')} onClose={onClose} onCancel={onClose}>
      <header className="dialog-header">
        <h2 id={field('title-h')}>Create assignment</h2>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {created ? (
        <div className={styles.dialogBody}>
          <p role="status">Assignment created with a hidden test set of {created.testCount} images. Submissions are open.</p>
          <CopyField label="Student link" value={created.studentLink} />
          <CopyField label="Teacher link" value={created.teacherLink} />
          <p className="muted">Keep the teacher link private: it manages the assignment and shows every submission.</p>
          <p>
            <a href={created.teacherLink} target="_blank" rel="noopener">
              Open teacher view
            </a>
          </p>
        </div>
      ) : (
        <form
          className={styles.dialogBody}
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy) void create();
          }}
        >
          <p className="muted">
            Students fork this graph (as saved now), train on the training set and submit predictions for test images whose labels stay on the
            server.
          </p>
          <label htmlFor={field('title')}>Title</label>
          <input id={field('title')} value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
          <label htmlFor={field('instructions')}>Instructions</label>
          <textarea id={field('instructions')} rows={3} maxLength={10000} value={instructions} onChange={(e) => setInstructions(e.target.value)} />
          <label htmlFor={field('train')}>Training set</label>
          <input id={field('train')} value={trainingSet} maxLength={300} required onChange={(e) => setTrainingSet(e.target.value)} aria-describedby={field('train-help')} />
          <small id={field('train-help')} className="muted">
            A dataset id students can load: builtin:…, dir:… (on this server) or shared:… (shared from a Dataset node).
          </small>
          <label htmlFor={field('source')}>Test set</label>
          <select id={field('source')} value={source} onChange={(e) => setSource(e.target.value as 'generate' | 'folder')}>
            <option value="generate">Generate new images of a built-in dataset</option>
            <option value="folder">Upload a folder (one sub-folder per class)</option>
          </select>
          {source === 'generate' ? (
            <div className={styles.row}>
              <label htmlFor={field('builtin')}>Built-in dataset</label>
              <select id={field('builtin')} value={builtin} onChange={(e) => setBuiltin(e.target.value)}>
                {SYNTHETIC_DATASETS.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
              </select>
              <label htmlFor={field('per-class')}>Test images per class</label>
              <input id={field('per-class')} type="number" min={2} max={30} value={perClass} onChange={(e) => setPerClass(Number(e.target.value) || 10)} />
            </div>
          ) : (
            <>
              <label htmlFor={field('folder')}>Test images folder</label>
              <input
                id={field('folder')}
                type="file"
                multiple
                {...({ webkitdirectory: '' } as Record<string, string>)}
                onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
              />
              {files.length > 0 && <small className="muted">{files.length} files chosen.</small>}
            </>
          )}
          <div className={styles.row}>
            <label htmlFor={field('deadline')}>Deadline (optional)</label>
            <input id={field('deadline')} type="datetime-local" value={deadline} onChange={(e) => setDeadline(e.target.value)} />
            <label htmlFor={field('limit')}>Submissions per student per day</label>
            <input id={field('limit')} type="number" min={1} max={1000} value={dailyLimit} onChange={(e) => setDailyLimit(Math.max(1, Number(e.target.value) || 10))} />
            <label htmlFor={field('metric')}>Ranking metric</label>
            <select id={field('metric')} value={metric} onChange={(e) => setMetric(e.target.value as 'accuracy' | 'macroF1')}>
              <option value="accuracy">Accuracy</option>
              <option value="macroF1">Macro-F1</option>
            </select>
          </div>
          {progress && <p role="status">{progress}</p>}
          {error && (
            <p role="alert" className={styles.error}>
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create'}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className={styles.copyField}>
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />
      <button
        type="button"
        className="btn btn-small"
        aria-label={`Copy ${label.toLowerCase()}`}
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => undefined);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
