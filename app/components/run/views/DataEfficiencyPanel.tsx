'use client';
/**
 * "How much data do I need?": test accuracy against training images per class, for the pretrained trunk and for the
 * same head on a random frozen trunk. Computed on cached features in the worker, all heads trained at once.
 */
import { useRef, useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { DataEfficiencyView } from '@/nodes/engine/host-browser/views-protocol';
import { LineChart } from './LineChart';
import { ViewExplanation } from './ViewExplanation';
import { saveSvgAsPng } from './png';
import { saveViews, type SavedViews } from './viewHistory';
import { useViewsStore } from './viewsStore';
import styles from './views.module.css';

export const DATA_EFFICIENCY_EXPLANATION =
  'This is the signature plot of transfer learning. Graft trains the same head again with only 5, 10, 20, 40 or ' +
  'all training images per class, once on the pretrained trunk’s features and once on a trunk with random ' +
  'weights, and measures each on the same test images. A pretrained trunk usually reaches good accuracy with very ' +
  'few images, because it already knows how to see edges, textures and shapes; a random trunk needs far more data ' +
  'to get anywhere. Where the curves flatten, more images of the same kind would help little.';

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export function takeawayOf(points: DataEfficiencyView['points']): string | null {
  if (points.length === 0) return null;
  const all = points[points.length - 1];
  const first = points[0];
  const reach = points.find((p) => p.pretrained >= all.random - 1e-9);
  const parts = [
    `With ${first.all ? 'all' : first.perClass} images per class the pretrained trunk reaches ${pct(first.pretrained)} (random trunk: ${pct(first.random)}).`,
  ];
  if (reach && !reach.all && all.random > 0) {
    parts.push(`It matches what the random trunk achieves with all ${all.images} images using only ${reach.perClass} per class.`);
  }
  return parts.join(' ');
}

export function DataEfficiencyPanel({ runId, live, saved, labels }: { runId: string; live: boolean; labels: string[]; saved: SavedViews['dataEfficiency'] | undefined }) {
  const [computed, setComputed] = useState<DataEfficiencyView | null>(null);
  const [busy, setBusy] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const noteTensors = useViewsStore((s) => s.noteTensors);
  const view = computed ?? saved ?? null;

  const compute = async () => {
    setError(null);
    setBusy({ done: 0, total: 100 });
    try {
      const reply = await getEngineClient().request('view-data-efficiency', { runId }, [], {
        onProgress: (done, total) => setBusy({ done, total }),
      });
      noteTensors('data efficiency', reply.tensors);
      const { tensors: _t, ...value } = reply;
      setComputed(value);
      saveViews(runId, labels, { dataEfficiency: value });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const ticks = view?.points.map((p) => ({ x: p.perClass, label: p.all ? `all (${p.perClass})` : String(p.perClass) }));
  const sentence = view ? takeawayOf(view.points) : null;
  return (
    <section className="card-like" aria-label="How much data do I need?">
      <div className={styles.row}>
        <h3 style={{ margin: 0, fontSize: 14 }}>How much data do I need?</h3>
        {live && (
          <button type="button" className="btn btn-small btn-accent-soft" onClick={() => void compute()} disabled={busy !== null}>
            How much data do I need?
          </button>
        )}
        {view && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => svg.current && void saveSvgAsPng(svg.current, 'graft-data-efficiency.png', 'Test accuracy vs training images per class')}
          >
            Save data-efficiency curve as PNG
          </button>
        )}
      </div>
      {busy && <progress className={styles.progress} aria-label="Data-efficiency progress" max={busy.total} value={busy.done} />}
      {error && <p className={styles.errorText} role="alert">{error}</p>}
      {view && (
        <>
          <LineChart
            ref={svg}
            testId="data-efficiency-chart"
            ariaLabel={`Test accuracy against training images per class: ${view.points.map((p) => `${p.all ? 'all' : p.perClass}: pretrained ${pct(p.pretrained)}, random ${pct(p.random)}`).join('; ')}`}
            xLabel="training images per class (log scale)"
            yLabel="test accuracy"
            logX
            xTicks={ticks}
            series={[
              { name: 'pretrained trunk', colour: '#4c6ef5', points: view.points.map((p) => ({ x: p.perClass, y: p.pretrained, label: `${p.all ? 'all' : p.perClass} per class: ${pct(p.pretrained)}` })) },
              { name: 'random trunk', colour: '#e8590c', dashed: true, points: view.points.map((p) => ({ x: p.perClass, y: p.random, label: `${p.all ? 'all' : p.perClass} per class: ${pct(p.random)}` })) },
            ]}
          />
          {sentence && <p className={styles.takeaway}>{sentence}</p>}
          <p className="muted" style={{ margin: 0, fontSize: 12 }}>
            {view.testImages} test images · computed in {(view.ms / 1000).toFixed(1)} s on cached features
          </p>
        </>
      )}
      <ViewExplanation title="What does this curve show?" text={DATA_EFFICIENCY_EXPLANATION} />
    </section>
  );
}
