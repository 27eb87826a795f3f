'use client';
/**
 * The run panel's "Seeing inside" card: heatmap controls (they apply to every image shown after the run), the
 * feature map, and the tensor count of the last view computed. The confusion drill-down lives in the evaluation
 * card and the data-efficiency curve next to "Compare with training from scratch".
 */
import { useEffect, useState } from 'react';
import type { RunResult } from '@/nodes/engine/types';
import { HeatmapControls } from './HeatmapControls';
import { FeatureMapPanel } from './FeatureMapPanel';
import { readSavedViews, saveViews, subscribeSavedViews, type SavedViews } from './viewHistory';
import { useViewsStore } from './viewsStore';
import { whenIdle } from '@/app/lib/whenIdle';
import styles from './views.module.css';

export function useSavedViews(runId: string | null): SavedViews | null {
  const [views, setViews] = useState<SavedViews | null>(null);
  useEffect(() => {
    if (!runId) return setViews(null);
    setViews(readSavedViews(runId));
    return subscribeSavedViews(() => setViews(readSavedViews(runId)));
  }, [runId]);
  return views;
}

/** Save the confusion matrix + per-image predictions of a finished run, once per run. Serialising thousands of
 * predictions into localStorage waits for an idle moment, so it is not part of the task that shows the results. */
export function useRememberEvaluation(runId: string | null, result: RunResult | null): void {
  useEffect(() => {
    if (!runId || !result || result.evaluation.testSize === 0) return;
    const save = () => {
      if (readSavedViews(runId)?.confusion) return;
      const ev = result.evaluation;
      saveViews(runId, ev.labels, {
        confusion: { matrix: ev.confusionMatrix, predictions: ev.predictions, accuracy: ev.accuracy, testSize: ev.testSize },
      });
    };
    // Not cancelled on unmount: a Run pressed right after this one must not lose this run's saved views.
    whenIdle(save);
  }, [runId, result]);
}

export function ViewTensorNote() {
  const t = useViewsStore((s) => s.lastTensors);
  if (!t) return null;
  return (
    <p role="status" aria-label="View tensor memory" className="muted" style={{ margin: 0, fontSize: 12 }}>
      Last view ({t.view}): tensors {t.before} before → {t.after} after{t.after > t.before ? ` — ${t.after - t.before} not freed` : ''}
    </p>
  );
}

export function SeeingInside({ runId, result }: { runId: string; result: RunResult }) {
  useRememberEvaluation(runId, result);
  const saved = useSavedViews(runId);
  return (
    <section className={styles.seeing} aria-label="Seeing inside">
      <h3 style={{ margin: 0, fontSize: 14 }}>Seeing inside the model</h3>
      <HeatmapControls />
      <FeatureMapPanel runId={runId} live labels={result.labels} saved={saved?.featureMap} />
      <ViewTensorNote />
    </section>
  );
}
