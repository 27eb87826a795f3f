'use client';
/**
 * The assignment bar above the student's editor: instructions, Submit (the model from the last run classifies the
 * hidden test images in the worker; only the predicted classes go to the server), the score, and the leaderboard.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/router';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { saveNow, usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { getEditToken } from '@/app/components/persistence/editTokens';
import { apiErrorInfo, trpc } from '@/app/lib/trpcClient';
import { predictTestSet, runRelevantJson } from './submitPredictions';
import type { StudentRecord } from './localTokens';
import { Leaderboard, metricName, pct, type AssignmentInfo } from './Leaderboard';
import { AssignmentSummary } from './AssignmentSummary';
import styles from './classroom.module.css';

type Me = inferRouterOutputs<AppRouter>['assignment']['me'];
type SubmitResult = inferRouterOutputs<AppRouter>['assignment']['submit'];

interface Props {
  info: AssignmentInfo;
  record: StudentRecord;
  refreshInfo(): Promise<AssignmentInfo>;
}

export function AssignmentBar({ info, record, refreshInfo }: Props) {
  const [me, setMe] = useState<Me | null>(null);
  const [panel, setPanel] = useState<'none' | 'instructions' | 'leaderboard'>('none');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<SubmitResult | null>(null);
  /** The pipeline as it was when the last main run started: a submission must come from that exact graph. */
  const ranGraph = useRef<string | null>(null);
  const hasModel = useRunStore((s) => s.hasTrainedModel);

  const refreshMe = useCallback(async () => {
    setMe(await trpc.assignment.me.query({ id: info.id, studentToken: record.studentToken }));
  }, [info.id, record.studentToken]);

  useEffect(() => {
    void refreshMe().catch(() => undefined);
  }, [refreshMe]);

  useEffect(
    () =>
      useRunStore.subscribe((s, prev) => {
        if (s.main && s.main.runId !== prev.main?.runId) ranGraph.current = runRelevantJson(useGraphStore.getState().graph);
      }),
    [],
  );

  const submit = async () => {
    setError(null);
    setResult(null);
    const main = useRunStore.getState().main;
    if (!useRunStore.getState().hasTrainedModel || main?.status !== 'done' || !ranGraph.current) {
      setError('Run the pipeline first: Submit uses the model your last run trained.');
      return;
    }
    if (ranGraph.current !== runRelevantJson(useGraphStore.getState().graph)) {
      setError('You changed the pipeline after your last run. Run it again, then submit.');
      return;
    }
    setBusy(true);
    try {
      setProgress('Saving your graph…');
      await saveNow();
      const { graphId, version, status } = usePersistenceStore.getState();
      if (graphId !== record.graphId) throw new Error('This is not your copy of the assignment graph. Reload the assignment link.');
      if (!version || status !== 'saved') throw new Error('Your graph is not saved yet. Wait for “Saved”, then submit again.');
      const editToken = getEditToken(graphId);
      if (!editToken) throw new Error('This browser lost the edit token of your graph.');
      const predictions = await predictTestSet(info.id, info.testCount, info.classes, setProgress);
      setProgress('Scoring…');
      const res = await trpc.assignment.submit.mutate({ id: info.id, studentToken: record.studentToken, graphId, editToken, version, predictions });
      setResult(res);
      await Promise.all([refreshMe(), refreshInfo()]).catch(() => undefined);
    } catch (err) {
      setError(apiErrorInfo(err).message);
    } finally {
      setProgress(null);
      setBusy(false);
    }
  };

  const best = me?.submissions.reduce<number | null>((b, s) => {
    const v = info.metric === 'macroF1' ? s.macroF1 : s.accuracy;
    return b === null || v > b ? v : b;
  }, null);
  const toggle = (p: 'instructions' | 'leaderboard') => {
    setPanel((cur) => (cur === p ? 'none' : p));
    if (p === 'leaderboard') void refreshInfo().catch(() => undefined);
  };

  return (
    <section className={styles.bar} aria-label="Assignment">
      <h1>{info.title}</h1>
      <span className="muted">as {record.displayName}</span>
      <button type="button" className="btn btn-small" aria-expanded={panel === 'instructions'} onClick={() => toggle('instructions')}>
        Instructions
      </button>
      <button type="button" className="btn btn-small" aria-expanded={panel === 'leaderboard'} onClick={() => toggle('leaderboard')}>
        Leaderboard
      </button>
      <span className={styles.barSpacer} />
      {progress && <span role="status">{progress}</span>}
      {result && (
        <span role="status" className={styles.score}>
          Score: {pct(result.score)} {metricName(result.metric).toLowerCase()} (accuracy {pct(result.accuracy)}, macro-F1 {pct(result.macroF1)})
        </span>
      )}
      {error && (
        <span role="alert" className={styles.error}>
          {error}
        </span>
      )}
      {me && (
        <span className="muted">
          {best !== null && best !== undefined ? `Best ${pct(best)} · ` : ''}
          {me.remainingToday} of {info.dailyLimit} submissions left today
        </span>
      )}
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void submit()}
        disabled={busy || !info.acceptingSubmissions}
        title={!info.acceptingSubmissions ? 'Submissions are closed' : hasModel ? 'Score your trained model on the hidden test set' : 'Run the pipeline first'}
      >
        {busy ? 'Submitting…' : 'Submit'}
      </button>
      {panel !== 'none' && (
        <div className={styles.panel} role="region" aria-label={panel === 'leaderboard' ? 'Leaderboard panel' : 'Instructions panel'}>
          {panel === 'leaderboard' ? <Leaderboard info={info} highlight={record.displayName} /> : <AssignmentSummary info={info} />}
        </div>
      )}
    </section>
  );
}
