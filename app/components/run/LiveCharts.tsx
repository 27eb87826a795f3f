'use client';
/** Live loss / accuracy curves per epoch (train + validation) with uPlot. `data-points` = plotted epochs. */
import { useEffect, useRef } from 'react';
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

  const data: uPlot.AlignedData = [
    epochs.map((e) => e.epoch),
    epochs.map((e) => finiteOrNull(train(e))),
    epochs.map((e) => finiteOrNull(validation(e))),
  ];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(240, el.clientWidth || 320);
    const fmt = (v: number | null) => (v === null ? '—' : percent ? `${(v * 100).toFixed(0)}%` : v.toFixed(2));
    const u = new uPlot(
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
      data,
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(240, el.clientWidth);
      if (Math.abs(w - u.width) > 4) u.setSize({ width: w, height: 170 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Created once per mount; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [percent]);

  useEffect(() => {
    plot.current?.setData(data);
  });

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

function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

function fmtValue(v: number | null, percent?: boolean): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

export function LiveCharts({ epochs }: { epochs: EpochLog[] }) {
  return (
    <div className={styles.charts}>
      <MetricChart title="Loss" testId="loss-chart" epochs={epochs} train={(e) => e.loss} validation={(e) => e.valLoss} />
      <MetricChart title="Accuracy" testId="accuracy-chart" epochs={epochs} train={(e) => e.accuracy} validation={(e) => e.valAccuracy} percent />
    </div>
  );
}
