'use client';
/** The data-efficiency curve as a run-panel card (mounted next to "Compare with training from scratch"). */
import type { RunResult } from '@/nodes/engine/types';
import { DataEfficiencyPanel } from './DataEfficiencyPanel';
import { useSavedViews } from './SeeingInside';
import styles from '../run.module.css';

export function DataEfficiencyCard({ runId, result }: { runId: string; result: RunResult }) {
  const saved = useSavedViews(runId);
  return (
    <section className={styles.card} aria-label="Data efficiency">
      <DataEfficiencyPanel runId={runId} live labels={result.labels} saved={saved?.dataEfficiency} />
    </section>
  );
}
