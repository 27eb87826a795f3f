'use client';
/**
 * Two runs from the history compared the honest way: image by image on the same test set (agreement table,
 * McNemar's exact p, bootstrap 95% CI of the accuracy difference), seed by seed for repeats, and a refusal with
 * `Re-run B on A's split` when the test sets differ.
 */
import { useMemo, useState } from 'react';
import { compareEntries, type Comparison } from '@/nodes/engine/stats/compare';
import { formatP, formatPoints } from '@/nodes/engine/stats/verdict';
import type { RunHistoryEntry } from '@/app/state/runStore';
import { comparableOf, graphOf } from './trustHistory';
import { rerunOnSplit } from './repeatController';
import { pct } from './format';
import styles from './run.module.css';

export function RunComparison({ a, b, onRerun }: { a: RunHistoryEntry; b: RunHistoryEntry; onRerun(entry: RunHistoryEntry): void }) {
  const comparison = useMemo(() => compareEntries(comparableOf('A', a), comparableOf('B', b)), [a, b]);
  const [rerun, setRerun] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const bGraph = graphOf(b.trust);
  const canRerun = Boolean(bGraph && a.trust);

  const rerunB = async () => {
    if (!bGraph || !a.trust) return;
    setRerun({ busy: true, error: null });
    const result = await rerunOnSplit(bGraph, { splitSeed: a.trust.splitSeed, dataset: a.trust.datasetId, trainSeed: b.trust?.trainSeed });
    if (typeof result === 'string') setRerun({ busy: false, error: result });
    else {
      setRerun({ busy: false, error: null });
      onRerun(result);
    }
  };

  return (
    <section className={`${styles.card} ${styles.wide}`} aria-label="Run comparison">
      <h3 className={styles.cardTitle}>
        A ({describe(a)}) vs B ({describe(b)})
      </h3>
      <ComparisonBody comparison={comparison} />
      {comparison.kind === 'different-test-sets' && (
        <div className={styles.exportRow}>
          <button type="button" className="btn btn-accent-soft" disabled={!canRerun || rerun.busy} onClick={() => void rerunB()}>
            Re-run B on A&apos;s split
          </button>
          {!canRerun && <span className="muted">B was recorded before Graft kept its graph; re-run it by hand with A&apos;s split seed.</span>}
          {rerun.busy && <span role="status">Re-running B on A&apos;s split…</span>}
          {rerun.error && <span className={styles.errorText} role="alert">{rerun.error}</span>}
        </div>
      )}
    </section>
  );
}

function describe(e: RunHistoryEntry): string {
  const reps = e.trust?.repeats?.length ?? 0;
  return `${pct(e.accuracy)}${reps > 1 ? ` mean of ${reps} seeds` : ''}, ${new Date(e.date).toLocaleTimeString()}`;
}

export function ComparisonBody({ comparison, nameA = 'A', nameB = 'B' }: { comparison: Comparison; nameA?: string; nameB?: string }) {
  if (comparison.kind === 'not-comparable' || comparison.kind === 'different-test-sets') {
    return (
      <p role="status" data-testid="compare-verdict">
        {comparison.kind === 'different-test-sets' ? 'Different test sets: ' : ''}
        {comparison.reason}
      </p>
    );
  }
  if (comparison.kind === 'paired') {
    const t = comparison.agreement;
    const ci = comparison.interval;
    return (
      <>
        <div className={styles.evalGrid}>
          <table className={styles.table} aria-label="Agreement per test image">
            <caption className={styles.caption}>Per test image ({comparison.testSize} shared test images)</caption>
            <tbody>
              <tr>
                <th scope="row">Both right</th>
                <td>{t.bothRight}</td>
              </tr>
              <tr>
                <th scope="row">Only {nameA} right</th>
                <td>{t.onlyA}</td>
              </tr>
              <tr>
                <th scope="row">Only {nameB} right</th>
                <td>{t.onlyB}</td>
              </tr>
              <tr>
                <th scope="row">Both wrong</th>
                <td>{t.bothWrong}</td>
              </tr>
            </tbody>
          </table>
          <dl className={styles.statList}>
            <dt>McNemar exact test</dt>
            <dd data-testid="compare-p">{formatP(comparison.p)}</dd>
            <dt>Accuracy difference ({nameB} − {nameA})</dt>
            <dd>
              {formatPoints(ci.estimate)}, 95% CI {formatPoints(ci.low)} to {formatPoints(ci.high)} (bootstrap)
            </dd>
          </dl>
        </div>
        <p className={styles.takeaway} data-testid="compare-verdict">
          {comparison.verdict}
        </p>
      </>
    );
  }
  const p = comparison.paired;
  return (
    <>
      <dl className={styles.statList}>
        <dt>{nameA}</dt>
        <dd>
          {pct(comparison.a.mean)} ± {(comparison.a.sd * 100).toFixed(1)} over {comparison.a.n} seeds
        </dd>
        <dt>{nameB}</dt>
        <dd>
          {pct(comparison.b.mean)} ± {(comparison.b.sd * 100).toFixed(1)} over {comparison.b.n} seeds
        </dd>
        <dt>Paired by seed ({comparison.seeds.length} split seeds in common), t-test</dt>
        <dd data-testid="compare-p">{formatP(p.p)}</dd>
        <dt>Mean difference ({nameB} − {nameA})</dt>
        <dd>
          {formatPoints(p.meanDifference)}, 95% CI {formatPoints(p.low)} to {formatPoints(p.high)}
        </dd>
      </dl>
      <p className={styles.takeaway} data-testid="compare-verdict">
        {comparison.verdict}
      </p>
    </>
  );
}
