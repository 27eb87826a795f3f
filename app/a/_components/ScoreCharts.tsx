'use client';
/** Teacher charts (uPlot): distribution of each student's best score, and every submission's score over time. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const BINS = 10;

/** Counts of scores in [0,0.1), …, [0.9,1.0]. */
export function histogram(scores: readonly number[]): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (const s of scores) counts[Math.min(BINS - 1, Math.max(0, Math.floor(s * BINS)))]! += 1;
  return counts;
}

function useUplot(make: (width: number) => { opts: uPlot.Options; data: uPlot.AlignedData }, deps: unknown[]) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(260, el.clientWidth || 360);
    const { opts, data } = make(width);
    const plot = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => {
      const w = Math.max(260, el.clientWidth);
      if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: opts.height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a custom hook: the caller lists what `make` reads
  }, deps);
  return box;
}

export function ScoreDistribution({ bestScores, label }: { bestScores: number[]; label: string }) {
  const counts = histogram(bestScores);
  const key = counts.join(',');
  const box = useUplot(
    (width) => ({
      opts: {
        width,
        height: 200,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, range: [0, 1] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          { label: `best ${label} per student`, values: (_u, vals) => vals.map((v) => `${Math.round(v * 100)}%`) },
          { label: 'students', size: 44, incrs: [1, 2, 5, 10, 20, 50] },
        ],
        series: [{}, { label: 'students', fill: 'rgba(76,110,245,0.35)', stroke: '#4c6ef5', points: { show: false }, paths: uPlot.paths.bars!({ size: [0.9, 80], align: 1 }) }],
      },
      data: [counts.map((_, i) => i / BINS), counts],
    }),
    [key, label],
  );
  return (
    <figure aria-label="Score distribution chart" data-students={bestScores.length}>
      <div ref={box} />
      <figcaption className="muted">
        Score distribution: {bestScores.length} students, best {label} each (bins of 10 %).
      </figcaption>
    </figure>
  );
}

export function ScoresOverTime({ points, label }: { points: { t: number; score: number }[]; label: string }) {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const key = sorted.map((p) => `${p.t}:${p.score}`).join(',');
  const box = useUplot(
    (width) => ({
      opts: {
        width,
        height: 200,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: [0, 1] } },
        axes: [{}, { label, size: 52, values: (_u, vals) => vals.map((v) => `${Math.round(v * 100)}%`) }],
        series: [{}, { label, stroke: '#e8590c', width: 0, points: { show: true, size: 7, fill: '#e8590c' } }],
      },
      data: [sorted.map((p) => p.t / 1000), sorted.map((p) => p.score)],
    }),
    [key, label],
  );
  return (
    <figure aria-label="Submissions over time chart" data-points={sorted.length}>
      <div ref={box} />
      <figcaption className="muted">Every submission’s {label} over time ({sorted.length} submissions).</figcaption>
    </figure>
  );
}
