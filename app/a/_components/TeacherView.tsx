'use client';
/**
 * /a/<id>/teach#token=…: every submission over time, the score distribution, the class's pipeline choices against
 * their scores, CSV export, and closing / reopening submissions. The token is read from the URL fragment (never
 * sent in a URL) and remembered in this browser.
 */
import { useCallback, useEffect, useState } from 'react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/router';
import { apiErrorInfo, trpc } from '@/app/lib/trpcClient';
import { downloadBlob } from '@/app/lib/download';
import { getTeacherToken, setTeacherToken, tokenFromFragment } from './localTokens';
import { graphVersionHref, metricName, pct } from './Leaderboard';
import { AssignmentSummary } from './AssignmentSummary';
import { ScoreDistribution, ScoresOverTime } from './ScoreCharts';
import { toCsv } from './csv';
import styles from './classroom.module.css';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

type View = inferRouterOutputs<AppRouter>['assignment']['teacherView'];
type Submission = View['submissions'][number];

const CHOICES: { key: keyof Submission['choices']; title: string; show(v: unknown): string }[] = [
  { key: 'model', title: 'Model', show: String },
  { key: 'freeze', title: 'Freeze mode', show: String },
  { key: 'augmentation', title: 'Augmentation', show: (v) => (v ? 'on' : 'off') },
  { key: 'tuned', title: 'Hyperparameter tuning', show: (v) => (v ? 'tuned' : 'not tuned') },
];

export function TeacherView({ id }: { id: string }) {
  const [token, setToken] = useState<string | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const fromHash = tokenFromFragment(window.location.hash);
    if (fromHash) setTeacherToken(id, fromHash);
    const t = fromHash ?? getTeacherToken(id);
    if (!t) setError('This link has no teacher token. Open the teacher link you got when you created the assignment.');
    setToken(t);
  }, [id]);

  const load = useCallback(async () => {
    if (!token) return;
    try {
      setView(await trpc.assignment.teacherView.query({ id, teacherToken: token }));
      setError(null);
    } catch (err) {
      setError(apiErrorInfo(err).message);
    }
  }, [id, token]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 15_000);
    return () => clearInterval(timer);
  }, [load]);

  const setOpen = async (open: boolean) => {
    if (!token) return;
    setBusy(true);
    try {
      if (view?.status === 'draft') await trpc.assignment.publish.mutate({ id, teacherToken: token });
      else await trpc.assignment.setOpen.mutate({ id, teacherToken: token, open });
      await load();
    } catch (err) {
      setError(apiErrorInfo(err).message);
    } finally {
      setBusy(false);
    }
  };

  if (!view) {
    return (
      <main className={styles.page}>
        <h1>Teacher view</h1>
        {error ? <p role="alert" className={styles.error}>{error}</p> : <p role="status">Loading…</p>}
      </main>
    );
  }

  const score = (s: Submission) => (view.metric === 'macroF1' ? s.macroF1 : s.accuracy);
  const best = new Map<string, number>();
  for (const s of view.submissions) best.set(s.studentId, Math.max(best.get(s.studentId) ?? 0, score(s)));
  const label = metricName(view.metric).toLowerCase();
  const studentLink = `${window.location.origin}/a/${view.id}`;

  const downloadCsv = () => {
    const rows = [
      ['submitted_at', 'student', 'accuracy', 'macro_f1', 'score', 'model', 'freeze', 'augmentation', 'tuned', 'graph_version_url'],
      ...view.submissions.map((s) => [
        s.submittedAt,
        s.displayName,
        s.accuracy,
        s.macroF1,
        score(s),
        s.choices.model,
        s.choices.freeze,
        s.choices.augmentation,
        s.choices.tuned,
        `${window.location.origin}${graphVersionHref(s.graphId, s.version)}`,
      ]),
    ];
    const safe = view.title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'assignment';
    downloadBlob(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }), `${safe}-submissions.csv`);
  };

  return (
    <main className={styles.page}>
      <div className={styles.actions}>
        <h1>{view.title}</h1>
        <span className={`${styles.status} ${view.status === 'open' ? '' : styles.statusClosed}`}>{view.status}</span>
      </div>
      <section className={styles.card} aria-label="Assignment settings">
        <AssignmentSummary info={view} />
        <p>
          Student link: <a href={studentLink}>{studentLink}</a>
        </p>
        <div className={styles.actions}>
          {view.status === 'open' ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void setOpen(false)}>
              Close submissions
            </button>
          ) : (
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void setOpen(true)}>
              {view.status === 'draft' ? 'Publish' : 'Reopen submissions'}
            </button>
          )}
          <button type="button" className="btn" onClick={downloadCsv} disabled={view.submissions.length === 0}>
            Download CSV
          </button>
          <button type="button" className="btn" onClick={() => void load()}>
            Refresh
          </button>
          <span className="muted">
            {plural(view.students.length, 'student')} · {plural(view.submissions.length, 'submission')}
          </span>
        </div>
        {error && <p role="alert" className={styles.error}>{error}</p>}
      </section>

      <section className={`${styles.card} ${styles.charts}`} aria-label="Charts">
        <ScoreDistribution bestScores={[...best.values()]} label={label} />
        <ScoresOverTime points={view.submissions.map((s) => ({ t: Date.parse(s.submittedAt), score: score(s) }))} label={label} />
      </section>

      <section className={styles.card} aria-labelledby="choices-h">
        <h2 id="choices-h">Pipeline choices and scores</h2>
        {view.submissions.length === 0 && <p className="muted">No submissions yet.</p>}
        <table hidden={view.submissions.length === 0} className={styles.table} aria-label="Pipeline choices and scores">
          <thead>
            <tr>
              <th>Choice</th>
              <th>Value</th>
              <th className={styles.num}>Submissions</th>
              <th className={styles.num}>Students</th>
              <th className={styles.num}>Mean {label}</th>
              <th className={styles.num}>Best {label}</th>
            </tr>
          </thead>
          <tbody>
            {CHOICES.flatMap((c) => {
              const groups = new Map<string, Submission[]>();
              for (const s of view.submissions) {
                const v = c.show(s.choices[c.key]);
                groups.set(v, [...(groups.get(v) ?? []), s]);
              }
              return [...groups.entries()].map(([value, subs]) => (
                <tr key={`${c.key}:${value}`}>
                  <td>{c.title}</td>
                  <td>{value}</td>
                  <td className={styles.num}>{subs.length}</td>
                  <td className={styles.num}>{new Set(subs.map((s) => s.studentId)).size}</td>
                  <td className={styles.num}>{pct(subs.reduce((a, s) => a + score(s), 0) / subs.length)}</td>
                  <td className={styles.num}>{pct(Math.max(...subs.map(score)))}</td>
                </tr>
              ));
            })}
          </tbody>
        </table>
      </section>

      <section className={styles.card} aria-labelledby="subs-h">
        <h2 id="subs-h">All submissions</h2>
        {view.submissions.length === 0 ? (
          <p className="muted">No submissions yet.</p>
        ) : (
          <table className={styles.table} aria-label="All submissions">
            <thead>
              <tr>
                <th>Time</th>
                <th>Student</th>
                <th className={styles.num}>Accuracy</th>
                <th className={styles.num}>Macro-F1</th>
                <th>Model</th>
                <th>Freeze</th>
                <th>Augmentation</th>
                <th>Tuned</th>
                <th>Graph</th>
              </tr>
            </thead>
            <tbody>
              {[...view.submissions].reverse().map((s) => (
                <tr key={s.id}>
                  <td>{new Date(s.submittedAt).toLocaleString()}</td>
                  <td>{s.displayName}</td>
                  <td className={styles.num}>{pct(s.accuracy)}</td>
                  <td className={styles.num}>{pct(s.macroF1)}</td>
                  <td>{s.choices.model}</td>
                  <td>{s.choices.freeze}</td>
                  <td>{s.choices.augmentation ? 'on' : 'off'}</td>
                  <td>{s.choices.tuned ? 'yes' : 'no'}</td>
                  <td>
                    <a href={graphVersionHref(s.graphId, s.version)} target="_blank" rel="noopener">
                      version {s.version}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
