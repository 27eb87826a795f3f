'use client';
/** The image being classified in "Try it", with its Grad-CAM heatmap on top when "Show heatmaps" is on. */
import { useEffect, useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { Heatmap } from '@/nodes/engine/host-browser/views-protocol';
import { HeatmapCanvas } from './HeatmapOverlay';
import { useViewsStore } from './viewsStore';
import styles from './views.module.css';

export function TryItImage({ preview, className }: { preview: string; className?: string }) {
  const show = useViewsStore((s) => s.showHeatmaps);
  const which = useViewsStore((s) => s.heatmapClass);
  const noteTensors = useViewsStore((s) => s.noteTensors);
  const [result, setResult] = useState<{ preview: string; heatmap: Heatmap; labels: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!show || result?.preview === preview) return;
    let alive = true;
    (async () => {
      try {
        const bitmap = await createImageBitmap(await (await fetch(preview)).blob());
        // A dropped image has no true class: the map always explains the predicted one.
        const reply = await getEngineClient().request('view-image-heatmap', { image: bitmap, classIndex: null }, [bitmap]);
        noteTensors('Try it heatmap', reply.tensors);
        if (alive) setResult({ preview, heatmap: reply.heatmap, labels: reply.labels });
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
    })();
    return () => {
      alive = false;
    };
  }, [show, preview, result?.preview, noteTensors]);

  return (
    <div className={styles.tryOverlay}>
      {/* eslint-disable-next-line @next/next/no-img-element -- local object URL */}
      <img src={preview} alt="Image being classified" className={className} />
      {show && result?.preview === preview && (
        <HeatmapCanvas map={result.heatmap} size={96} label={`Heatmap: where the model sees ${result.labels[result.heatmap.classIndex] ?? 'the class'}`} />
      )}
      {show && error && (
        <span className={styles.errorText} role="alert" title={error}>
          {which === 'true' ? 'No true class for a dropped image; ' : ''}heatmap unavailable
        </span>
      )}
    </div>
  );
}
