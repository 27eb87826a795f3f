'use client';
/** An earlier run's views, re-opened from the run history: shown from what was saved, recomputed only when that
 * run's model is still the one in the worker (then images and heatmaps come back too). */
import { useRef } from 'react';
import { useRunStore } from '@/app/state/runStore';
import { ConfusionDrilldown } from './ConfusionDrilldown';
import { FeatureMapPanel } from './FeatureMapPanel';
import { DataEfficiencyPanel } from './DataEfficiencyPanel';
import { LineChart } from './LineChart';
import { saveSvgAsPng } from './png';
import { useSavedViews } from './SeeingInside';
import styles from './views.module.css';

export function SavedViewsPanel({ runId, onClose }: { runId: string; onClose(): void }) {
  const saved = useSavedViews(runId);
  const main = useRunStore((s) => s.main);
  const live = main?.runId === runId && main.status === 'done';
  const svg = useRef<SVGSVGElement>(null);
  return (
    <section className={styles.seeing} aria-label="Saved views of this run">
      <div className={styles.row}>
        <h4 style={{ margin: 0, fontSize: 13 }}>Views of this run{live ? ' (its model is still loaded)' : ' (as saved)'}</h4>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>
          Close views
        </button>
      </div>
      {!saved ? (
        <p className="muted">No views were saved for this run.</p>
      ) : (
        <>
          {saved.confusion && (
            <ConfusionDrilldown
              evaluation={{
                accuracy: saved.confusion.accuracy,
                loss: NaN,
                labels: saved.labels,
                perClass: [],
                confusionMatrix: saved.confusion.matrix,
                testSize: saved.confusion.testSize,
                misclassified: [],
                predictions: saved.confusion.predictions ?? [],
              }}
              runId={runId}
              live={live}
            />
          )}
          {saved.featureMap && <FeatureMapPanel runId={runId} live={live} labels={saved.labels} saved={saved.featureMap} />}
          {saved.dataEfficiency && <DataEfficiencyPanel runId={runId} live={live} labels={saved.labels} saved={saved.dataEfficiency} />}
          {saved.layerSweep && (
            <div>
              <h4 style={{ margin: 0, fontSize: 13 }}>Which layer to cut? (best: {saved.layerSweep.best})</h4>
              <LineChart
                ref={svg}
                ariaLabel={`Saved layer sweep: ${saved.layerSweep.layers.map((l) => `${l.name} ${(l.accuracy * 100).toFixed(0)}%`).join(', ')}`}
                xLabel="depth (layer number)"
                yLabel="validation accuracy"
                xTicks={saved.layerSweep.layers.map((l) => ({ x: l.depth, label: String(l.depth) }))}
                series={[
                  {
                    name: 'linear probe',
                    colour: '#4c6ef5',
                    points: saved.layerSweep.layers.map((l) => ({ x: l.depth, y: l.accuracy, label: `${l.name}: ${(l.accuracy * 100).toFixed(1)}%`, marked: l.name === saved.layerSweep!.currentCut })),
                  },
                ]}
              />
              <button type="button" className="btn btn-small btn-ghost" onClick={() => svg.current && void saveSvgAsPng(svg.current, 'graft-layer-sweep.png', 'Which layer to cut?')}>
                Save layer sweep as PNG
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
