'use client';
/**
 * /a/<id>: a student enters a display name, gets a per-browser student token and an own fork of the starter graph,
 * then works in the normal editor with the assignment bar (Submit, score, leaderboard) on top.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { GraftEditor } from '@/app/components/canvas/Editor';
import { loadServerGraph } from '@/app/components/persistence/persistenceStore';
import { setEditToken } from '@/app/components/persistence/editTokens';
import { apiErrorInfo, trpc } from '@/app/lib/trpcClient';
import { getStudentRecord, setStudentRecord, type StudentRecord } from './localTokens';
import { Leaderboard, type AssignmentInfo } from './Leaderboard';
import { AssignmentSummary } from './AssignmentSummary';
import { AssignmentBar } from './AssignmentBar';
import styles from './classroom.module.css';

type State =
  | { kind: 'loading' }
  | { kind: 'error'; message: string; notFound: boolean }
  | { kind: 'join'; info: AssignmentInfo }
  | { kind: 'editor'; info: AssignmentInfo; record: StudentRecord };

export function AssignmentPage({ id }: { id: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const info = await trpc.assignment.get.query({ id });
      const record = getStudentRecord(id);
      if (record) {
        try {
          await trpc.assignment.me.query({ id, studentToken: record.studentToken });
          await loadServerGraph(record.graphId);
          if (!cancelled) setState({ kind: 'editor', info, record });
          return;
        } catch (err) {
          const code = apiErrorInfo(err).code;
          if (code !== 'FORBIDDEN' && code !== 'NOT_FOUND') throw err;
          setStudentRecord(id, null); // this browser's token is no longer valid here: join again
        }
      }
      if (!cancelled) setState({ kind: 'join', info });
    })().catch((err) => {
      if (cancelled) return;
      const info = apiErrorInfo(err);
      setState({ kind: 'error', message: info.message, notFound: info.code === 'NOT_FOUND' || info.code === 'BAD_REQUEST' });
    });
    return () => {
      cancelled = true;
    };
  }, [id]);

  const refreshInfo = useCallback(async () => {
    const info = await trpc.assignment.get.query({ id });
    setState((s) => (s.kind === 'editor' || s.kind === 'join' ? { ...s, info } : s));
    return info;
  }, [id]);

  if (state.kind === 'loading') {
    return (
      <main className={styles.page}>
        <p role="status">Loading assignment…</p>
      </main>
    );
  }
  if (state.kind === 'error') {
    return (
      <main className={styles.page}>
        <h1>{state.notFound ? 'Assignment not found' : 'Could not load this assignment'}</h1>
        <p role="alert">{state.notFound ? `There is no assignment with the id “${id}”. Check the link.` : state.message}</p>
      </main>
    );
  }
  if (state.kind === 'join') {
    return (
      <JoinScreen
        info={state.info}
        onJoined={(record) => setState({ kind: 'editor', info: state.info, record })}
      />
    );
  }
  return (
    <div className={styles.layout}>
      <AssignmentBar info={state.info} record={state.record} refreshInfo={refreshInfo} />
      <div className={styles.editorHost}>
        <GraftEditor />
      </div>
    </div>
  );
}

function JoinScreen({ info, onJoined }: { info: AssignmentInfo; onJoined(record: StudentRecord): void }) {
  const inputId = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await trpc.assignment.join.mutate({ id: info.id, displayName: name });
      setEditToken(res.graphId, res.editToken);
      const record: StudentRecord = { studentToken: res.studentToken, studentId: res.studentId, displayName: res.displayName, graphId: res.graphId };
      setStudentRecord(info.id, record);
      await loadServerGraph(res.graphId);
      onJoined(record);
    } catch (err) {
      setError(apiErrorInfo(err).message);
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <h1>{info.title}</h1>
      <section className={styles.card} aria-label="About this assignment">
        <AssignmentSummary info={info} />
      </section>
      <section className={styles.card} aria-labelledby={`${inputId}-h`}>
        <h2 id={`${inputId}-h`}>Join</h2>
        <p className="muted">No account needed: your name is shown on the leaderboard, and this browser keeps your copy of the pipeline.</p>
        <form
          className={styles.joinForm}
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy && name.trim()) void join();
          }}
        >
          <label htmlFor={inputId}>Display name</label>
          <input id={inputId} value={name} maxLength={60} required autoComplete="nickname" onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
            {busy ? 'Joining…' : 'Join'}
          </button>
        </form>
        {error && (
          <p role="alert" className={styles.error}>
            {error}
          </p>
        )}
      </section>
      <section className={styles.card} aria-label="Leaderboard section">
        <h2>Leaderboard</h2>
        <Leaderboard info={info} />
      </section>
    </main>
  );
}
