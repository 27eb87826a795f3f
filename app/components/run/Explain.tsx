'use client';
/** "What does this mean?": the run's numbers in plain words, with a diagnosis that names the node to change. */
import type { RunResult } from '@/nodes/engine/types';
import { getNodeDefinition } from '@/nodes/registry';
import { useGraphStore } from '@/app/state/graphStore';
import { explainRun } from './explain';
import styles from './run.module.css';

export function Explain({ result }: { result: RunResult }) {
  const nodes = useGraphStore((s) => s.graph.nodes);
  const select = useGraphStore((s) => s.setSelection);
  if (result.evaluation.testSize === 0) return null;
  const e = explainRun(result, { hasAugment: nodes.some((n) => n.type === 'augment-data') });
  return (
    <section className={`${styles.card} ${styles.wide}`} aria-label="What does this mean?">
      <h3 className={styles.cardTitle}>What does this mean?</h3>
      <ul className={styles.explainList}>
        <li>{e.accuracy}</li>
        <li>{e.loss}</li>
        <li>{e.curves}</li>
      </ul>
      <h4 className={styles.subTitle}>Diagnosis</h4>
      <ul className={styles.explainList} aria-label="Diagnosis">
        {e.diagnoses.map((d) => {
          const target = d.nodeType ? nodes.find((n) => n.type === d.nodeType) : undefined;
          const title = d.nodeType ? (getNodeDefinition(d.nodeType)?.title ?? d.nodeType) : null;
          return (
            <li key={d.kind} className={d.kind === 'healthy' ? styles.diagOk : d.kind === 'uncertainty' ? undefined : styles.diagWarn}>
              <strong>{d.title}.</strong> {d.text} {d.nodeAdvice}{' '}
              {target && title && (
                <button type="button" className={`btn btn-small btn-ghost ${styles.nodeLink}`} onClick={() => select([target.id])}>
                  Show {title}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
