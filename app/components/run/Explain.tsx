'use client';
/** "What does this mean?": the run's numbers in plain words, with a diagnosis that names the node to change. */
import type { RunResult } from '@/nodes/engine/types';
import { getNodeDefinition } from '@/nodes/registry';
import { useGraphStore } from '@/app/state/graphStore';
import { nodeForRole } from '@/app/lib/nodeRoles';
import { explainRun } from './explain';
import styles from './run.module.css';

export function Explain({ result }: { result: RunResult }) {
  const graph = useGraphStore((s) => s.graph);
  const select = useGraphStore((s) => s.setSelection);
  if (result.evaluation.testSize === 0) return null;
  const e = explainRun(result, { hasAugment: nodeForRole(graph, 'augment') !== null });
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
          const target = d.node ? nodeForRole(graph, d.node) : null;
          const title = target ? (getNodeDefinition(target.type)?.title ?? target.type) : null;
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
