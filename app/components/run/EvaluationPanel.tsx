'use client';
/** Evaluation on the held-out test split: headline numbers, per-class table, confusion matrix, worst mistakes. */
import type { RunResult } from '@/nodes/engine/types';
import { useRunStore } from '@/app/state/runStore';
import { ConfusionDrilldown } from './views/ConfusionDrilldown';
import { TestImageHeatmap } from './views/HeatmapOverlay';
import { num, pct } from './format';
import styles from './run.module.css';
import { RepeatHeadline } from './RepeatPanel';

export function EvaluationPanel({ result }: { result: RunResult }) {
  const ev = result.evaluation;
  const main = useRunStore((s) => s.main);
  const runId = main?.result === result ? main.runId : null;
  if (ev.testSize === 0) {
    return (
      <section className={styles.card} aria-label="Evaluation">
        <h3 className={styles.cardTitle}>Evaluation</h3>
        <p className="muted">No test images were evaluated (add an Evaluate node, or give the Dataset a test split).</p>
      </section>
    );
  }
  const chance = ev.labels.length > 0 ? 1 / ev.labels.length : 0;
  return (
    <section className={`${styles.card} ${styles.wide}`} aria-label="Evaluation">
      <h3 className={styles.cardTitle}>Evaluation on {ev.testSize} held-out test images</h3>
      <div className={styles.headline}>
        <RepeatHeadline />
        <div className={styles.stat}>
          <span className={styles.statValue} data-testid="test-accuracy">{pct(ev.accuracy)}</span>
          <span className={styles.statLabel}>test accuracy</span>
        </div>
        <div className={styles.stat}>
          <span className={styles.statValue}>{num(ev.loss)}</span>
          <span className={styles.statLabel}>test loss</span>
        </div>
        <div className={styles.stat}>
          <span className={styles.statValue}>{pct(chance, 0)}</span>
          <span className={styles.statLabel}>chance level ({ev.labels.length} classes)</span>
        </div>
        <div className={styles.stat}>
          <span className={styles.statValue}>
            {result.splitSizes.train}/{result.splitSizes.validation}/{result.splitSizes.test}
          </span>
          <span className={styles.statLabel}>train / validation / test images</span>
        </div>
        <div className={styles.stat}>
          <span className={styles.statValue} data-testid="split-fingerprint">
            <code>{result.splitFingerprint}</code>
          </span>
          <span className={styles.statLabel}>test set fingerprint (same value = same test images)</span>
        </div>
      </div>
      <div className={styles.evalGrid}>
        <PerClassTable result={result} />
        {runId ? (
          <ConfusionDrilldown evaluation={ev} runId={runId} live={main?.status === 'done' && !main.restored} />
        ) : (
          <ConfusionMatrix labels={ev.labels} matrix={ev.confusionMatrix} />
        )}
      </div>
      <MisclassifiedGallery result={result} runId={runId} />
    </section>
  );
}

function PerClassTable({ result }: { result: RunResult }) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label="Per-class metrics">
        <caption className={styles.caption}>Per-class precision, recall and F1</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">F1</th>
            <th scope="col">Support</th>
          </tr>
        </thead>
        <tbody>
          {result.evaluation.perClass.map((c) => (
            <tr key={c.label}>
              <th scope="row">{c.label}</th>
              <td>{pct(c.precision, 0)}</td>
              <td>{pct(c.recall, 0)}</td>
              <td>{pct(c.f1, 0)}</td>
              <td>{c.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ConfusionMatrix({ labels, matrix }: { labels: string[]; matrix: number[][] }) {
  return (
    <div className={styles.tableWrap}>
      <table className={`${styles.table} ${styles.confusion}`} aria-label="Confusion matrix">
        <caption className={styles.caption}>Confusion matrix (rows: true class, columns: predicted)</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">True class</span>
            </th>
            {labels.map((l) => (
              <th scope="col" key={l} title={`predicted ${l}`}>
                <span className={styles.rotated}>{l}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((trueLabel, i) => {
            const row = matrix[i] ?? [];
            const rowTotal = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={trueLabel}>
                <th scope="row">{trueLabel}</th>
                {labels.map((predLabel, j) => {
                  const count = row[j] ?? 0;
                  const share = rowTotal > 0 ? count / rowTotal : 0;
                  const correct = i === j;
                  // Diagonal in green, mistakes in red; intensity = share of the true class.
                  // Capped so the dark count stays readable (≥ 4.5:1) on the strongest shade.
                  const bg = count === 0 ? 'transparent' : correct ? `rgba(47, 158, 68, ${0.12 + 0.48 * share})` : `rgba(224, 49, 49, ${0.12 + 0.48 * share})`;
                  return (
                    <td
                      key={predLabel}
                      className={styles.cell}
                      style={{ background: bg }}
                      aria-label={`True ${trueLabel}, predicted ${predLabel}: ${count} of ${rowTotal}`}
                      title={`True ${trueLabel}, predicted ${predLabel}: ${count} of ${rowTotal}`}
                    >
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function MisclassifiedGallery({ result, runId }: { result: RunResult; runId: string | null }) {
  const items = result.evaluation.misclassified;
  return (
    <div aria-label="Most confident mistakes" role="region">
      <h4 className={styles.subTitle}>Most confident mistakes</h4>
      {items.length === 0 ? (
        <p className="muted">No test image was misclassified.</p>
      ) : (
        <ul className={styles.gallery}>
          {items.map((m) => (
            <li key={m.index} className={styles.galleryItem}>
              <div style={{ position: 'relative', width: 88, height: 88 }}>
                {m.thumbnail ? (
                  // eslint-disable-next-line @next/next/no-img-element -- data URL thumbnails from the worker
                  <img src={m.thumbnail} alt={`Test image ${m.index}: true ${m.trueLabel}, predicted ${m.predictedLabel}`} width={88} height={88} />
                ) : (
                  <div className={styles.noThumb} aria-hidden="true">?</div>
                )}
                {runId && <TestImageHeatmap runId={runId} testIndex={m.index} labels={result.evaluation.labels} size={88} />}
              </div>
              <span className={styles.galleryText}>
                <span>true: <strong>{m.trueLabel}</strong></span>
                <span className={styles.wrong}>predicted: <strong>{m.predictedLabel}</strong> ({pct(m.confidence, 0)})</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
