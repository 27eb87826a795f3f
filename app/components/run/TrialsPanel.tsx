'use client';
/**
 * Live trials table of a hyperparameter search: sortable columns, the best trial highlighted, a scatter plot of the
 * validation metric against each searched parameter (small multiples), and "Promote to Train node" which turns the
 * selected trial's configuration into the plain pipeline (one undoable graph edit).
 */
import { useId, useMemo, useState } from 'react';
import type { TrialRecord } from '@/nodes/engine/types';
import type { TuneDimension } from '@/nodes/core/plan';
import { useGraphStore } from '@/app/state/graphStore';
import { promoteTrialToTrain } from '@/nodes/hyperparameter-tune/dimensions';
import {
  bestTrialId as computeBestTrialId,
  formatConfig,
  formatDuration,
  formatMetric,
  formatParamValue,
  metricTitle,
  shortKey,
  sortTrials,
  type TrialSortKey,
} from '@/nodes/hyperparameter-tune/trials';
import type { TuneMetric } from '@/nodes/hyperparameter-tune/search';
import styles from './TrialsPanel.module.css';

export interface TrialsPanelProps {
  trials: readonly TrialRecord[];
  /** 'val_accuracy' (higher is better) or 'val_loss' (lower is better). */
  metric: string;
  /** From the run result when finished; computed from the trials while running. */
  bestTrialId?: number | null;
  /** The Hyperparameter Tune node the trials came from (needed to promote a trial). */
  tuneNodeId?: string | null;
  /** The searched dimensions (x-axis scale of the scatter plots). */
  dimensions?: readonly TuneDimension[];
  /** A search is still running: promotion waits until it ends. */
  running?: boolean;
}

const STATUS_TEXT: Record<TrialRecord['status'], string> = {
  pending: 'waiting',
  running: 'running…',
  done: 'done',
  stopped: 'stopped early',
  failed: 'failed',
};

const COLUMNS: Array<{ key: TrialSortKey; title: (metric: string) => string }> = [
  { key: 'id', title: () => 'Trial' },
  { key: 'config', title: () => 'Configuration' },
  { key: 'metric', title: (m) => metricTitle(m) },
  { key: 'status', title: () => 'Status' },
  { key: 'ms', title: () => 'Time' },
];

export function TrialsPanel({ trials, metric: metricProp, bestTrialId, tuneNodeId, dimensions: dimensionsProp, running }: TrialsPanelProps) {
  // While a search runs there is no result yet: the tune node's own settings say what is optimised and searched.
  const tuneNode = useGraphStore((s) => (tuneNodeId ? s.graph.nodes.find((n) => n.id === tuneNodeId) : undefined));
  const nodeMetric = tuneNode?.params.metric === 'val_loss' || tuneNode?.params.metric === 'val_accuracy' ? tuneNode.params.metric : null;
  const metric = bestTrialId === undefined || bestTrialId === null ? (nodeMetric ?? metricProp) : metricProp;
  const dimensions =
    dimensionsProp ?? (Array.isArray(tuneNode?.params.dimensions) ? (tuneNode.params.dimensions as TuneDimension[]) : undefined);
  const tuneMetric: TuneMetric = metric === 'val_loss' ? 'val_loss' : 'val_accuracy';
  const best = bestTrialId !== undefined && bestTrialId !== null ? bestTrialId : computeBestTrialId(trials, tuneMetric);
  const [sort, setSort] = useState<{ key: TrialSortKey; direction: 'asc' | 'desc' }>({ key: 'id', direction: 'asc' });
  const [selected, setSelected] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const captionId = useId();
  const sorted = useMemo(() => sortTrials(trials, sort.key, sort.direction), [trials, sort]);
  const readOnly = useGraphStore((s) => s.readOnly);
  const selectedId = selected ?? best;
  const selectedTrial = trials.find((t) => t.id === selectedId) ?? null;
  const finishedCount = trials.filter((t) => t.status === 'done' || t.status === 'stopped' || t.status === 'failed').length;

  const toggleSort = (key: TrialSortKey) => {
    setSort((s) =>
      s.key === key
        ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' }
        : // Metrics read best "best first": high accuracy / low loss on top.
          { key, direction: key === 'metric' ? (tuneMetric === 'val_loss' ? 'asc' : 'desc') : 'asc' },
    );
  };

  const promote = () => {
    if (!selectedTrial || !tuneNodeId) return;
    const store = useGraphStore.getState();
    if (!store.graph.nodes.some((n) => n.id === tuneNodeId)) {
      setMessage('The Hyperparameter Tune node is no longer in the graph.');
      return;
    }
    try {
      store.setGraph(promoteTrialToTrain(store.graph, tuneNodeId, selectedTrial.config));
      setMessage(
        `Trial ${selectedTrial.id} promoted: the tune node is now a Train node with ${formatConfig(selectedTrial.config)}. Undo to go back.`,
      );
    } catch (e) {
      setMessage(`Could not promote trial ${selectedTrial.id}: ${(e as Error).message}`);
    }
  };

  if (trials.length === 0) {
    return (
      <section className={styles.root} aria-label="Trials">
        <p className={styles.empty}>{running ? 'Preparing the first trial…' : 'No trials yet.'}</p>
      </section>
    );
  }

  return (
    <section className={styles.root} aria-label="Trials">
      <div className={styles.header}>
        <h3 className={styles.heading}>Trials</h3>
        <span className={styles.progress} role="status">
          {finishedCount} of {trials.length} finished
          {best !== null && ` · best: trial ${best} (${formatMetric(metric, trials.find((t) => t.id === best)?.metric ?? null)})`}
        </span>
      </div>
      <div className={styles.tableWrap}>
        <table className={styles.table} aria-describedby={captionId}>
          <caption id={captionId} className={styles.caption}>
            One row per trial. Click a column header to sort. The best trial by {metricTitle(metric).toLowerCase()} is highlighted.
          </caption>
          <thead>
            <tr>
              <th scope="col" className={styles.selectCol}>
                <span className={styles.visuallyHidden}>Select</span>
              </th>
              {COLUMNS.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th key={c.key} scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <button type="button" className={styles.sortButton} onClick={() => toggleSort(c.key)}>
                      {c.title(metric)}
                      <span aria-hidden="true" className={styles.sortMark}>
                        {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((t) => {
              const isBest = t.id === best;
              return (
                <tr
                  key={t.id}
                  className={`${styles.row} ${isBest ? styles.best : ''} ${t.id === selectedId ? styles.selected : ''} ${styles[`status_${t.status}`] ?? ''}`}
                  aria-selected={t.id === selectedId}
                  onClick={() => setSelected(t.id)}
                >
                  <td className={styles.selectCol}>
                    <input
                      type="radio"
                      name={`${captionId}-select`}
                      checked={t.id === selectedId}
                      onChange={() => setSelected(t.id)}
                      aria-label={`Select trial ${t.id}`}
                    />
                  </td>
                  <td className={styles.num}>
                    {t.id}
                    {isBest && <span className={styles.bestBadge}> best</span>}
                  </td>
                  <td className={styles.config}>{formatConfig(t.config)}</td>
                  <td className={styles.num}>{formatMetric(metric, t.metric)}</td>
                  <td title={t.error}>
                    {t.status === 'stopped' && t.error?.startsWith('Not run') ? 'not run' : STATUS_TEXT[t.status]}
                    {t.status === 'stopped' && t.epochs > 0 && ` after ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}`}
                    {t.status === 'stopped' && t.error && !t.error.startsWith('Not run') && (
                      <span className={styles.errorText}> ({t.error})</span>
                    )}
                    {t.status === 'done' && t.epochs > 0 && ` (${t.epochs} epoch${t.epochs === 1 ? '' : 's'})`}
                    {t.status === 'failed' && t.error && <span className={styles.errorText}>: {t.error}</span>}
                  </td>
                  <td className={styles.num}>{t.ms > 0 ? formatDuration(t.ms) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className={styles.actions}>
        <button
          type="button"
          className={styles.promote}
          onClick={promote}
          disabled={readOnly || running || !tuneNodeId || !selectedTrial}
          aria-describedby={`${captionId}-promote-help`}
        >
          Promote to Train node
        </button>
        <span id={`${captionId}-promote-help`} className={styles.help}>
          {selectedTrial
            ? `Uses trial ${selectedTrial.id}: ${formatConfig(selectedTrial.config)}`
            : 'Select a trial to promote.'}
          {running ? ' (available when the search ends)' : ''}
        </span>
      </div>
      {message && (
        <p className={styles.message} role="status">
          {message}
        </p>
      )}
      <Scatter trials={trials} metric={metric} best={best} dimensions={dimensions ?? []} />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Scatter plots: metric vs each searched parameter.

const W = 220;
const H = 150;
const PAD = { left: 40, right: 10, top: 10, bottom: 34 };

function Scatter({
  trials,
  metric,
  best,
  dimensions,
}: {
  trials: readonly TrialRecord[];
  metric: string;
  best: number | null;
  dimensions: readonly TuneDimension[];
}) {
  const withMetric = trials.filter((t) => t.metric !== null && Number.isFinite(t.metric));
  const keys = useMemo(() => {
    const seen: string[] = [];
    for (const t of trials) for (const k of Object.keys(t.config)) if (!seen.includes(k)) seen.push(k);
    return seen;
  }, [trials]);
  if (keys.length === 0 || withMetric.length === 0) return null;
  const ys = withMetric.map((t) => t.metric!);
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  if (metric === 'val_accuracy') {
    yMin = Math.max(0, Math.floor(yMin * 10) / 10);
    yMax = Math.min(1, Math.ceil(yMax * 10) / 10);
  }
  if (yMax - yMin < 1e-9) {
    yMin -= 0.05;
    yMax += 0.05;
  }
  return (
    <div className={styles.scatterGrid}>
      {keys.map((key) => (
        <ScatterPlot
          key={key}
          label={shortKey(key, keys)}
          trials={withMetric}
          paramKey={key}
          metric={metric}
          best={best}
          yDomain={[yMin, yMax]}
          logHint={dimensions.find((d) => `${d.nodeId}.${d.param}` === key)?.range?.scale === 'log'}
        />
      ))}
    </div>
  );
}

function ScatterPlot({
  label,
  trials,
  paramKey,
  metric,
  best,
  yDomain,
  logHint,
}: {
  label: string;
  trials: readonly TrialRecord[];
  paramKey: string;
  metric: string;
  best: number | null;
  yDomain: [number, number];
  logHint: boolean;
}) {
  const values = trials.map((t) => t.config[paramKey]).filter((v) => v !== undefined);
  const numeric = values.every((v) => typeof v === 'number');
  const nums = numeric ? (values as number[]) : [];
  const categories = numeric ? [] : [...new Set(values.map(String))];
  const positive = nums.length > 0 && nums.every((v) => v > 0);
  const xMinRaw = nums.length ? Math.min(...nums) : 0;
  const xMaxRaw = nums.length ? Math.max(...nums) : 1;
  const log = numeric && positive && (logHint || xMaxRaw / xMinRaw >= 50);
  const tx = (v: number) => (log ? Math.log10(v) : v);
  let x0 = numeric ? tx(xMinRaw) : -0.5;
  let x1 = numeric ? tx(xMaxRaw) : categories.length - 0.5;
  if (x1 - x0 < 1e-12) {
    x0 -= 0.5;
    x1 += 0.5;
  }
  const px = (v: number | string | boolean) => {
    const x = numeric ? tx(v as number) : categories.indexOf(String(v));
    return PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  };
  const py = (m: number) => PAD.top + (1 - (m - yDomain[0]) / (yDomain[1] - yDomain[0])) * (H - PAD.top - PAD.bottom);
  const xTicks: Array<{ at: number; text: string }> = numeric
    ? [...new Set(nums)].length <= 4
      ? [...new Set(nums)].sort((a, b) => a - b).map((v) => ({ at: px(v), text: formatParamValue(v) }))
      : [xMinRaw, xMaxRaw].map((v) => ({ at: px(v), text: formatParamValue(v) }))
    : categories.map((c) => ({ at: px(c), text: c }));
  const yTicks = [yDomain[0], (yDomain[0] + yDomain[1]) / 2, yDomain[1]];
  const title = `${metricTitle(metric)} against ${label}`;
  const points = trials.filter((t) => t.config[paramKey] !== undefined);
  return (
    <figure className={styles.plot}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${title}: ${points.length} trials${log ? ', log scale' : ''}`}>
        <rect x={PAD.left} y={PAD.top} width={W - PAD.left - PAD.right} height={H - PAD.top - PAD.bottom} className={styles.plotBg} />
        {yTicks.map((y) => (
          <g key={y}>
            <line x1={PAD.left} x2={W - PAD.right} y1={py(y)} y2={py(y)} className={styles.grid} />
            <text x={PAD.left - 4} y={py(y) + 3} textAnchor="end" className={styles.tick}>
              {formatMetric(metric, y)}
            </text>
          </g>
        ))}
        {xTicks.map((t, i) => (
          <text key={i} x={t.at} y={H - PAD.bottom + 12} textAnchor="middle" className={styles.tick}>
            {t.text}
          </text>
        ))}
        <text x={(PAD.left + W - PAD.right) / 2} y={H - 4} textAnchor="middle" className={styles.axisLabel}>
          {label}
          {log ? ' (log)' : ''}
        </text>
        {points.map((t) => {
          const isBest = t.id === best;
          return (
            <circle
              key={t.id}
              cx={px(t.config[paramKey]!)}
              cy={py(t.metric!)}
              r={isBest ? 5 : 3.5}
              className={`${styles.point} ${isBest ? styles.pointBest : ''} ${t.status === 'stopped' ? styles.pointStopped : ''}`}
            >
              <title>{`Trial ${t.id}: ${label}=${formatParamValue(t.config[paramKey]!)}, ${formatMetric(metric, t.metric)}${t.status === 'stopped' ? ' (stopped early)' : ''}`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption className={styles.visuallyHidden}>{title}</figcaption>
    </figure>
  );
}

export default TrialsPanel;
