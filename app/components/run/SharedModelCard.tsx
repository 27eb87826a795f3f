'use client';
/**
 * A graph shared with its trained model: the author's metrics and run record, `Try it` at once (the package is
 * rebuilt in the engine worker, no training), and `Re-run and check` (retrain here with the author's seeds and tell
 * whether the result matches within noise — only meaningful on the same test images, so the split fingerprint must
 * match).
 */
import { useEffect, useState } from 'react';
import { compileGraph } from '@/nodes/compiler';
import { applyRunOverrides } from '@/nodes/engine/repeat';
import { comparePair, correctnessString, type Comparison } from '@/nodes/engine/stats/compare';
import { formatP } from '@/nodes/engine/stats/verdict';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { RunRecord } from '@/nodes/engine/share/package-format';
import type { RunResult } from '@/nodes/engine/types';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { downloadTrainedModel, fetchTrainedModelInfo, onTrainedModelChanged, type TrainedModelInfo } from './trainedModelApi';
import { isRunning, launchRun } from './controller';
import { TryIt } from './TryIt';
import { pct } from './format';
import styles from './run.module.css';

type Check = { kind: 'idle' } | { kind: 'running' } | { kind: 'result'; ok: boolean | null; text: string };

export function checkAgainstAuthor(author: RunRecord, mine: RunResult): { ok: boolean | null; text: string } {
  const e = mine.evaluation;
  const myFp = mine.splitFingerprint ?? null;
  if (!author.splitFingerprint || !myFp || author.splitFingerprint !== myFp) {
    return {
      ok: null,
      text:
        `Can’t check: your test split is not the author’s (${e.testSize} vs ${author.testSize} test images` +
        `${e.testSize === author.testSize ? ', different files' : ''}). The dataset here differs from the one the author trained on` +
        ' (other images or files), so the two accuracies are not comparable.',
    };
  }
  const comparison: Comparison = comparePair(
    { accuracy: author.accuracy, testSize: author.testSize, splitFingerprint: author.splitFingerprint, correct: author.correct, splitSeed: author.splitSeed, trainSeed: author.trainSeed },
    { accuracy: e.accuracy, testSize: e.testSize, splitFingerprint: myFp, correct: e.predictions ? correctnessString(e.predictions) : null, splitSeed: author.splitSeed, trainSeed: author.trainSeed },
  );
  if (comparison.kind !== 'paired') {
    return { ok: null, text: `Can’t check image by image: ${'reason' in comparison ? comparison.reason : ''}` };
  }
  const both = `you got ${pct(e.accuracy)}, the author ${pct(author.accuracy)} on the same ${e.testSize} test images`;
  return comparison.significant
    ? { ok: false, text: `Does not match: ${both} — a difference beyond noise (${formatP(comparison.p)}). Check the backend and tfjs version.` }
    : { ok: true, text: `Matches the author’s result within noise: ${both} (${formatP(comparison.p)}).` };
}

export function SharedModelCard() {
  const graphId = usePersistenceStore((s) => s.graphId);
  const [info, setInfo] = useState<TrainedModelInfo | null>(null);
  const [load, setLoad] = useState<{ kind: 'idle' | 'busy' | 'ready' | 'error'; text: string | null }>({ kind: 'idle', text: null });
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const running = useRunStore((s) => s.main?.status === 'running' || s.scratch?.status === 'running');

  useEffect(() => {
    if (!graphId) {
      setInfo(null);
      return;
    }
    let alive = true;
    const refresh = () =>
      fetchTrainedModelInfo(graphId)
        .then((i) => alive && setInfo(i))
        .catch(() => alive && setInfo(null));
    void refresh();
    const off = onTrainedModelChanged((id) => id === graphId && void refresh());
    return () => {
      alive = false;
      off();
    };
  }, [graphId]);

  if (!info || !graphId) return null;
  const run = info.meta.run;

  const tryIt = async () => {
    setLoad({ kind: 'busy', text: 'Loading the author’s trained model…' });
    try {
      const bytes = await downloadTrainedModel(graphId);
      await getEngineClient().request('load-trained-model', { bytes }, [bytes.buffer]);
      useRunStore.getState().setHasTrainedModel(true);
      setLoad({ kind: 'ready', text: 'The author’s model is loaded (no training): classify a photo or the webcam below.' });
    } catch (e) {
      setLoad({ kind: 'error', text: `Could not load the trained model: ${(e as Error).message}` });
    }
  };

  const rerun = async () => {
    if (isRunning()) return;
    const compiled = compileGraph(useGraphStore.getState().graph);
    if (!compiled.ok) {
      setCheck({ kind: 'result', ok: null, text: `The graph does not compile here: ${compiled.errors[0]?.message ?? 'unknown problem'}.` });
      return;
    }
    const overrides = { splitSeed: run.splitSeed, trainSeed: run.trainSeed, dataset: run.datasetId };
    const plan = applyRunOverrides(compiled.plan, overrides);
    setCheck({ kind: 'running' });
    const launched = launchRun('main', { plan, overrides, reuseFeatures: true, summarySuffix: ' · re-run to check the author’s result' });
    if (!launched) {
      setCheck({ kind: 'idle' });
      return;
    }
    const outcome = await launched;
    if (outcome.final.type !== 'done') {
      setCheck({ kind: 'result', ok: null, text: `The re-run did not finish${outcome.final.type === 'error' ? `: ${outcome.final.message}` : '.'}` });
      return;
    }
    setCheck({ kind: 'result', ...checkAgainstAuthor(run, outcome.final.result) });
  };

  return (
    <section className={`${styles.card} ${styles.wide}`} aria-label="Shared trained model">
      <h3 className={styles.cardTitle}>Trained model shared with this graph</h3>
      <p data-testid="author-metrics">
        Author’s result: <strong>{pct(run.accuracy)}</strong> test accuracy on {run.testSize} test images
        {run.repeats ? ` (${Math.round(run.repeats.mean * 100)}% ± ${Math.round(run.repeats.sd * 100)} over ${run.repeats.n} splits)` : ''}.
      </p>
      <p className="muted">
        Split seed {run.splitSeed}, training seed {run.trainSeed}, {run.epochs} epochs, backend {run.backend}, TensorFlow.js {run.tfjsVersion}, dataset{' '}
        {run.datasetId}, trained {new Date(run.trainedAt).toLocaleString()} · classes: {info.meta.labels.join(', ')} · {(info.sizeBytes / 1e6).toFixed(2)} MB
      </p>
      <div className={styles.exportRow}>
        <button type="button" className="btn btn-primary" disabled={load.kind === 'busy' || running} onClick={() => void tryIt()}>
          Try it
        </button>
        <button type="button" className="btn" disabled={running} onClick={() => void rerun()}>
          Re-run and check
        </button>
        {load.text && (
          <span role={load.kind === 'error' ? 'alert' : 'status'} className={load.kind === 'error' ? styles.errorText : 'muted'}>
            {load.text}
          </span>
        )}
      </div>
      {check.kind === 'running' && <p role="status">Re-training with the author’s seeds to check the result…</p>}
      {check.kind === 'result' && (
        <p className={check.ok === false ? styles.errorText : styles.takeaway} role="status" data-testid="rerun-check">
          {check.text}
        </p>
      )}
      {load.kind === 'ready' && <TryIt />}
    </section>
  );
}
