'use client';
/** The finished run, node by node in run order: each line as the node's definition words it (`runSummary`). */
import type { RunSummaryLine } from '@/nodes/run-summary';
import styles from './run.module.css';

export function RunSummaryCard({ lines }: { lines: RunSummaryLine[] }) {
  if (lines.length === 0) return null;
  return (
    <section className={styles.card} aria-label="Run summary">
      <h3 className={styles.cardTitle}>What ran</h3>
      <ol className={styles.summaryList}>
        {lines.map((line) => (
          <li key={line.nodeId}>
            <strong>{line.title}</strong>
            {line.text ? ` — ${line.text}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
