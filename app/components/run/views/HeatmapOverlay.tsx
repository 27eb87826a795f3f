'use client';
/** A Grad-CAM heatmap drawn over an image (absolutely positioned canvas), when "Show heatmaps" is on. */
import { useEffect, useRef } from 'react';
import type { Heatmap } from '@/nodes/engine/host-browser/views-protocol';
import { drawHeatmap } from './heatmap-colors';
import { heatmapKey, requestHeatmap, useViewsStore } from './viewsStore';
import styles from './views.module.css';

export function HeatmapCanvas({ map, size, label }: { map: Heatmap; size: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const opacity = useViewsStore((s) => s.opacity);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawHeatmap(ctx, map, 0, 0, canvas.width, canvas.height, opacity);
  }, [map, opacity]);
  return (
    <canvas
      ref={ref}
      width={size}
      height={size}
      className={styles.overlay}
      role="img"
      aria-label={label}
      data-testid="heatmap-overlay"
      data-opacity={opacity}
    />
  );
}

/** Overlay for a test image of a run (by its position in the test split). Renders nothing while off. */
export function TestImageHeatmap({ runId, testIndex, labels, size }: { runId: string; testIndex: number; labels: string[]; size: number }) {
  const show = useViewsStore((s) => s.showHeatmaps);
  const which = useViewsStore((s) => s.heatmapClass);
  const key = heatmapKey(runId, which, testIndex);
  const map = useViewsStore((s) => s.heatmaps[key]);
  useEffect(() => {
    if (show) requestHeatmap(runId, which, testIndex);
  }, [show, runId, which, testIndex]);
  if (!show || !map) return null;
  return <HeatmapCanvas map={map} size={size} label={`Heatmap: where the model sees ${labels[map.classIndex] ?? 'the class'}`} />;
}
