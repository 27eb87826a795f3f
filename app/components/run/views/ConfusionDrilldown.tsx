'use client';
/**
 * Confusion matrix whose every cell is a button ("heart predicted as semicircle: 2 images"); choosing one shows
 * those test images beside the matrix with their predicted probabilities (and heatmaps when switched on).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Evaluation, TestPrediction } from '@/nodes/engine/types';
import { TestImageHeatmap } from './HeatmapOverlay';
import { requestThumbnail, useViewsStore } from './viewsStore';
import { ViewExplanation } from './ViewExplanation';
import { saveGalleryAsPng } from './png';
import styles from './views.module.css';

export const CONFUSION_EXPLANATION =
  'Each row is the true class of the test images, each column what the model predicted. The diagonal counts the ' +
  'images it got right; everything else is a mistake, and which cell it lands in tells you which classes the model ' +
  'confuses. Click a cell to see its images: often the mistakes are understandable (a blurry photo, two objects, a ' +
  'mislabelled file), and sometimes they reveal that the model relies on the wrong clue.';

const MAX_SHOWN = 48;

export function cellName(trueLabel: string, predictedLabel: string, count: number): string {
  return `${trueLabel} predicted as ${predictedLabel}: ${count} image${count === 1 ? '' : 's'}`;
}

export function ConfusionDrilldown({ evaluation, runId, live }: { evaluation: Evaluation; runId: string; live: boolean }) {
  const { labels, confusionMatrix: matrix } = evaluation;
  // Runs saved before per-image predictions existed have none.
  const predictions = evaluation.predictions?.length ? evaluation.predictions : null;
  const [cell, setCell] = useState<{ t: number; p: number } | null>(null);
  const galleryRef = useRef<HTMLDivElement>(null);

  const shown: TestPrediction[] = useMemo(() => {
    if (!cell || !predictions) return [];
    return predictions
      .filter((x) => x.trueClass === cell.t && x.predictedClass === cell.p)
      .sort((a, b) => b.probabilities[b.predictedClass] - a.probabilities[a.predictedClass]);
  }, [cell, predictions]);

  return (
    <div className={styles.drill} role="region" aria-label="Confusion matrix drill-down">
      <table className={styles.confusion} aria-label="Confusion matrix">
        <caption className="muted" style={{ captionSide: 'top', textAlign: 'left', fontSize: 12 }}>
          Confusion matrix (rows: true class, columns: predicted) — click a cell to see its images
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">True class</span>
            </th>
            {labels.map((l) => (
              <th scope="col" key={l} title={`predicted ${l}`}>
                {l}
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
                  // Capped so the dark count stays readable (≥ 4.5:1) on the strongest shade.
                  const bg =
                    count === 0 ? 'transparent' : i === j ? `rgba(47, 158, 68, ${0.12 + 0.48 * share})` : `rgba(224, 49, 49, ${0.12 + 0.48 * share})`;
                  const selected = cell?.t === i && cell?.p === j;
                  return (
                    <td key={predLabel} style={{ background: bg }}>
                      <button
                        type="button"
                        className={`${styles.cellButton} ${selected ? styles.cellSelected : ''}`}
                        aria-label={cellName(trueLabel, predLabel, count)}
                        aria-pressed={selected}
                        title={cellName(trueLabel, predLabel, count)}
                        onClick={() => setCell(selected ? null : { t: i, p: j })}
                      >
                        {count}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className={styles.cellGallery} ref={galleryRef}>
        {cell ? (
          <>
            <div className={styles.row}>
              <h4 style={{ margin: 0, fontSize: 13 }}>{cellName(labels[cell.t], labels[cell.p], matrix[cell.t]?.[cell.p] ?? 0)}</h4>
              {shown.length > 0 && (
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  onClick={() => galleryRef.current && void saveGalleryAsPng(galleryRef.current, 'graft-confusion-cell.png', cellName(labels[cell.t], labels[cell.p], shown.length))}
                >
                  Save images as PNG
                </button>
              )}
            </div>
            {!predictions ? (
              <p className="muted">This run did not keep per-image predictions.</p>
            ) : shown.length === 0 ? (
              <p className="muted">No test image landed in this cell.</p>
            ) : (
              <ul className={styles.gallery} aria-label={`Images: ${labels[cell.t]} predicted as ${labels[cell.p]}`}>
                {shown.slice(0, MAX_SHOWN).map((x) => (
                  <CellImage key={x.index} prediction={x} labels={labels} runId={runId} live={live} />
                ))}
              </ul>
            )}
            {shown.length > MAX_SHOWN && <p className="muted">Showing the {MAX_SHOWN} most confident of {shown.length}.</p>}
          </>
        ) : (
          <p className="muted">Choose a cell of the matrix to see which test images it holds.</p>
        )}
        <ViewExplanation title="How to read the confusion matrix" text={CONFUSION_EXPLANATION} />
      </div>
    </div>
  );
}

function CellImage({ prediction, labels, runId, live }: { prediction: TestPrediction; labels: string[]; runId: string; live: boolean }) {
  const key = `${runId}:t${prediction.index}`;
  const thumb = useViewsStore((s) => s.thumbnails[key]);
  useEffect(() => {
    if (live) requestThumbnail(runId, { testIndex: prediction.index });
  }, [live, runId, prediction.index]);
  const ranked = prediction.probabilities
    .map((p, c) => ({ c, p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, 3);
  const caption = `${prediction.id.split('/').pop()}\n${ranked.map((r) => `${labels[r.c]} ${(r.p * 100).toFixed(0)}%`).join(', ')}`;
  return (
    <li className={styles.galleryItem} data-png-tile data-caption={caption} data-testid="drilldown-image">
      <div className={styles.thumbWrap}>
        {thumb ? (
          // eslint-disable-next-line @next/next/no-img-element -- data URL thumbnails from the worker
          <img src={thumb} alt={`Test image ${prediction.id}: true ${labels[prediction.trueClass]}, predicted ${labels[prediction.predictedClass]}`} />
        ) : (
          <div className="muted" style={{ width: 88, height: 88, display: 'grid', placeItems: 'center', background: '#f1f3f5', borderRadius: 6 }} aria-hidden="true">
            {live ? '…' : '?'}
          </div>
        )}
        {live && <TestImageHeatmap runId={runId} testIndex={prediction.index} labels={labels} size={88} />}
      </div>
      <ul className={styles.probs} aria-label={`Predicted probabilities for ${prediction.id}`}>
        {ranked.map((r) => (
          <li key={r.c} className={styles.probRow} aria-label={`${labels[r.c]}: ${(r.p * 100).toFixed(1)}%`}>
            <span>{labels[r.c]}</span>
            <span>{(r.p * 100).toFixed(0)}%</span>
            <span className={styles.probBar} aria-hidden="true">
              <span className={`${styles.probFill} ${r.c !== prediction.trueClass ? styles.probWrong : ''}`} style={{ width: `${Math.max(1, r.p * 100)}%` }} />
            </span>
          </li>
        ))}
      </ul>
    </li>
  );
}
