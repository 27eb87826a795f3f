'use client';
/**
 * Live loss / accuracy curves per epoch (train + validation) with uPlot. `data-points` = plotted epochs.
 * Memoised and redrawn only when the epochs change: the run panel re-renders on every progress event, and a uPlot
 * redraw (axes, layout) on each of them was most of the main thread's work while training.
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochLog } from '@/nodes/engine/types';
import styles from './run.module.css';

interface ChartProps {
  title: string;
  epochs: EpochLog[];
  train: (e: EpochLog) => number | null;
  validation: (e: EpochLog) => number | null;
  percent?: boolean;
  testId: string;
}

function MetricChart({ title, epochs, train, validation, percent, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  // `train`/`validation` are fixed per chart (LiveCharts passes module-level accessors), so epochs decide the data.
  const data = useMemo<uPlot.AlignedData>(
    () => [epochs.map((e) => e.epoch), epochs.map((e) => finiteOrNull(train(e))), epochs.map((e) => finiteOrNull(validation(e)))],
    [epochs, train, validation],
  );

  const latest = useRef(data);
  useEffect(() => {
    latest.current = data;
  }, [data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Built in a task of its own: the charts mount when Run is pressed, and building two uPlots in the click's task
    // made it one long task together with compiling and rendering the run panel.
    let u: uPlot | null = null;
    let ro: ResizeObserver | null = null;
    const timer = setTimeout(() => {
      u = createChart(el, latest.current, percent);
      plot.current = u;
      const chart = u;
      ro = new ResizeObserver(() => {
        const w = Math.max(240, el.clientWidth);
        if (Math.abs(w - chart.width) > 4) chart.setSize({ width: w, height: 170 });
      });
      ro.observe(el);
    }, 0);
    return () => {
      clearTimeout(timer);
      ro?.disconnect();
      u?.destroy();
      plot.current = null;
    };
    // Created once per mount (from the latest data); data updates go through setData below.
  }, [percent]);

  useEffect(() => {
    if (plot.current && plot.current.data !== data) plot.current.setData(data);
  }, [data]);

  const last = epochs[epochs.length - 1];
  const summary = last
    ? `${title} after epoch ${last.epoch}: train ${fmtValue(train(last), percent)}, validation ${fmtValue(validation(last), percent)}`
    : `${title}: no epochs yet`;
  return (
    <figure className={styles.chart} aria-label={`${title} chart`}>
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <div ref={box} className={styles.chartBox} data-points={epochs.length} data-testid={testId} role="img" aria-label={summary} />
    </figure>
  );
}

function createChart(el: HTMLDivElement, initial: uPlot.AlignedData, percent: boolean | undefined): uPlot {
  const width = Math.max(240, el.clientWidth || 320);
  const fmt = (v: number | null) => (v === null ? '—' : percent ? `${(v * 100).toFixed(0)}%` : v.toFixed(2));
  return new uPlot(
    {
      width,
      height: 170,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: percent ? { range: [0, 1] } : { auto: true } },
      axes: [
        { label: 'epoch', size: 32, incrs: [1, 2, 5, 10, 20, 50, 100] },
        { size: 52, values: (_u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [
        { label: 'epoch' },
        { label: 'train', stroke: '#4c6ef5', width: 2, points: { show: true, size: 5 }, value: (_u, v) => fmt(v) },
        { label: 'validation', stroke: '#e8590c', width: 2, dash: [6, 3], points: { show: true, size: 5 }, value: (_u, v) => fmt(v) },
      ],
    },
    initial,
    el,
  );
}

function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

function fmtValue(v: number | null, percent?: boolean): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

const trainLoss = (e: EpochLog) => e.loss;
const validationLoss = (e: EpochLog) => e.valLoss;
const trainAccuracy = (e: EpochLog) => e.accuracy;
const validationAccuracy = (e: EpochLog) => e.valAccuracy;

export const LiveCharts = memo(function LiveCharts({ epochs }: { epochs: EpochLog[] }) {
  return (
    <div className={styles.charts}>
      <MetricChart title="Loss" testId="loss-chart" epochs={epochs} train={trainLoss} validation={validationLoss} />
      <MetricChart title="Accuracy" testId="accuracy-chart" epochs={epochs} train={trainAccuracy} validation={validationAccuracy} percent />
    </div>
  );
});
