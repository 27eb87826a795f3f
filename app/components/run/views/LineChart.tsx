'use client';
/** A small SVG line chart with one marked point per value (accuracy vs depth, accuracy vs images per class):
 * every point is in the DOM (countable, titled), and SVG rasterises cleanly for "Save as PNG". */
import { forwardRef } from 'react';

export interface ChartPoint {
  x: number;
  y: number;
  /** Tooltip / accessible text. */
  label: string;
  marked?: boolean;
}

export interface ChartSeries {
  name: string;
  colour: string;
  points: ChartPoint[];
  dashed?: boolean;
}

interface Props {
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  /** Tick labels for x positions (default: the x values). */
  xTicks?: Array<{ x: number; label: string }>;
  logX?: boolean;
  /** x of a vertical marker line (e.g. the current cut). */
  markerX?: number | null;
  markerLabel?: string;
  ariaLabel: string;
  testId?: string;
}

const W = 520;
const H = 260;
const M = { left: 46, right: 14, top: 14, bottom: 46 };

export const LineChart = forwardRef<SVGSVGElement, Props>(function LineChart(
  { series, xLabel, yLabel, xTicks, logX, markerX, markerLabel, ariaLabel, testId },
  ref,
) {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const tx = (x: number) => (logX ? Math.log(Math.max(1e-9, x)) : x);
  const minX = Math.min(...xs.map(tx));
  const maxX = Math.max(...xs.map(tx));
  const sx = (x: number) => M.left + ((tx(x) - minX) / Math.max(1e-9, maxX - minX)) * (W - M.left - M.right);
  const sy = (y: number) => M.top + (1 - Math.min(1, Math.max(0, y))) * (H - M.top - M.bottom);
  const ticks = xTicks ?? [...new Set(xs)].map((x) => ({ x, label: String(x) }));
  return (
    <svg ref={ref} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={ariaLabel} data-testid={testId} style={{ width: '100%', maxWidth: W, height: 'auto' }}>
      <rect x={0} y={0} width={W} height={H} fill="#fff" />
      {[0, 0.25, 0.5, 0.75, 1].map((v) => (
        <g key={v}>
          <line x1={M.left} x2={W - M.right} y1={sy(v)} y2={sy(v)} stroke="#e9ecef" />
          <text x={M.left - 6} y={sy(v) + 4} fontSize={11} textAnchor="end" fill="#495057">
            {Math.round(v * 100)}%
          </text>
        </g>
      ))}
      {ticks.map((t) => (
        <text key={t.x} x={sx(t.x)} y={H - M.bottom + 16} fontSize={10.5} textAnchor="middle" fill="#495057">
          {t.label}
        </text>
      ))}
      <text x={(M.left + W - M.right) / 2} y={H - 8} fontSize={12} textAnchor="middle" fill="#212529">
        {xLabel}
      </text>
      <text x={12} y={(M.top + H - M.bottom) / 2} fontSize={12} textAnchor="middle" fill="#212529" transform={`rotate(-90 12 ${(M.top + H - M.bottom) / 2})`}>
        {yLabel}
      </text>
      {markerX !== undefined && markerX !== null && (
        <g>
          <line x1={sx(markerX)} x2={sx(markerX)} y1={M.top} y2={H - M.bottom} stroke="#7950f2" strokeDasharray="4 3" />
          {markerLabel && (
            <text x={sx(markerX) + 4} y={M.top + 10} fontSize={11} fill="#7950f2">
              {markerLabel}
            </text>
          )}
        </g>
      )}
      {series.map((s) => (
        <g key={s.name}>
          <polyline
            fill="none"
            stroke={s.colour}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '6 4' : undefined}
            points={s.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}
          />
          {s.points.map((p, k) => (
            <circle
              key={k}
              cx={sx(p.x)}
              cy={sy(p.y)}
              r={p.marked ? 6.5 : 4.5}
              fill={p.marked ? '#7950f2' : s.colour}
              stroke="#fff"
              strokeWidth={1.5}
              data-testid="chart-point"
              data-series={s.name}
            >
              <title>{p.label}</title>
            </circle>
          ))}
        </g>
      ))}
      {series.length > 1 &&
        series.map((s, k) => (
          <g key={s.name} transform={`translate(${M.left + 10 + k * 170}, ${M.top + 6})`}>
            <line x1={0} x2={18} y1={0} y2={0} stroke={s.colour} strokeWidth={2} strokeDasharray={s.dashed ? '6 4' : undefined} />
            <text x={22} y={4} fontSize={11} fill="#212529">
              {s.name}
            </text>
          </g>
        ))}
    </svg>
  );
});
