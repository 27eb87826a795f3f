'use client';
/**
 * "Which layer to cut?" in the Pretrained Model inspector: a linear probe per candidate cut layer on the current
 * dataset (one forward pass, all layers at once, in the worker), as accuracy vs depth with the current cut marked,
 * and "Use this layer" to cut there. Self-contained: gets the graph's compiled plan and the node's update callback.
 */
import { useRef, useState } from 'react';
import type { Plan } from '@/nodes/core/plan';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { LayerSweepResult } from '@/nodes/engine/host-browser/views-protocol';
import { LineChart } from './LineChart';
import { ViewExplanation } from './ViewExplanation';
import { saveSvgAsPng } from './png';
import { useViewsStore } from './viewsStore';
import { saveViews } from './viewHistory';
import { useRunStore } from '@/app/state/runStore';
import styles from './views.module.css';

export const LAYER_SWEEP_EXPLANATION =
  'A pretrained network builds up its understanding layer by layer: early layers respond to edges and colours, ' +
  'middle layers to textures and parts, the last layers to the objects of the task it was trained on. Cutting ' +
  'later is not always better — if your images differ from that original task, a middle layer can carry more ' +
  'useful, more general features. For each candidate layer Graft averages its activations over the image, fits ' +
  'the simplest possible classifier on top (a linear probe) with your training images, and scores it on your ' +
  'validation images. The highest point is a good place to cut.';

type Sweep = LayerSweepResult & { ms: number; cached?: boolean };

export function LayerSweepPanel({ plan, planError, readOnly, onUseLayer }: { plan: Plan | null; planError: string | null; readOnly: boolean; onUseLayer(layer: string): void }) {
  const [result, setResult] = useState<Sweep | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number; message?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const noteTensors = useViewsStore((s) => s.noteTensors);
  const main = useRunStore((s) => s.main);

  const run = async () => {
    if (!plan) return;
    setError(null);
    setProgress({ done: 0, total: 1, message: 'Starting' });
    const controller = new AbortController();
    abort.current = controller;
    try {
      const reply = await getEngineClient().request('layer-sweep', { plan }, [], {
        signal: controller.signal,
        onProgress: (done, total, message) => setProgress({ done, total, message }),
      });
      noteTensors('layer sweep', reply.tensors);
      const { tensors: _t, ...value } = reply;
      setResult(value);
      setChosen(value.best);
      // Kept with the latest run's views, so the run history shows it too.
      if (main?.status === 'done' && main.result) saveViews(main.runId, main.result.labels, { layerSweep: value });
    } catch (e) {
      setError(controller.signal.aborted ? 'Layer sweep cancelled.' : (e as Error).message);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const current = result?.layers.find((l) => l.name === result.currentCut);
  return (
    <div className={styles.sweepBox} role="region" aria-label="Layer sweep">
      <div className={styles.row}>
        <button type="button" className="btn btn-small" onClick={() => void run()} disabled={!plan || progress !== null}>
          Which layer to cut?
        </button>
        {progress && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => abort.current?.abort()}>
            Cancel layer sweep
          </button>
        )}
      </div>
      {!plan && planError && <p className="muted">{planError}</p>}
      {progress && (
        <div>
          <progress className={styles.progress} aria-label="Layer sweep progress" max={progress.total} value={progress.done} />
          <span className="muted" style={{ fontSize: 12 }}>
            {' '}
            {progress.message}
          </span>
        </div>
      )}
      {error && <p className={styles.errorText} role="alert">{error}</p>}
      {result && (
        <>
          <LineChart
            ref={svg}
            testId="layer-sweep-chart"
            ariaLabel={`Validation accuracy of a linear probe per cut layer: ${result.layers.map((l) => `${l.name} ${(l.accuracy * 100).toFixed(0)}%`).join(', ')}`}
            xLabel="depth (layer number)"
            yLabel="validation accuracy"
            xTicks={result.layers.map((l) => ({ x: l.depth, label: String(l.depth) }))}
            markerX={current?.depth ?? null}
            markerLabel={current ? `current cut: ${current.name}` : undefined}
            series={[
              {
                name: 'linear probe',
                colour: '#4c6ef5',
                points: result.layers.map((l) => ({ x: l.depth, y: l.accuracy, label: `${l.name} (layer ${l.depth}, ${l.shape}): ${(l.accuracy * 100).toFixed(1)}%`, marked: l.name === result.currentCut })),
              },
            ]}
          />
          <p className={styles.takeaway}>
            Best: {result.best} ({((result.layers.find((l) => l.name === result.best)?.accuracy ?? 0) * 100).toFixed(0)}%).{' '}
            {result.deepestIsNotBest ? 'Here the deepest layer is not the best one.' : 'Here the deepest layers work best.'}
          </p>
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="muted" style={{ fontSize: 12 }}>
              Candidate layers ({result.trainCount} training images, scored on {result.validationCount} {result.scoredOn} · {(result.ms / 1000).toFixed(1)} s
              {result.cached ? ', activations cached' : ''})
            </legend>
            <table className={styles.table} aria-label="Layer sweep results">
              <thead>
                <tr>
                  <th scope="col">Layer</th>
                  <th scope="col">Depth</th>
                  <th scope="col">Shape</th>
                  <th scope="col">Accuracy</th>
                </tr>
              </thead>
              <tbody>
                {result.layers.map((l) => (
                  <tr key={l.name} data-testid="sweep-row">
                    <th scope="row">
                      <label className={styles.inline}>
                        <input type="radio" name="sweep-layer" checked={chosen === l.name} onChange={() => setChosen(l.name)} aria-label={`${l.name}: ${(l.accuracy * 100).toFixed(0)}%`} />
                        {l.name}
                        {l.name === result.currentCut ? ' (current)' : ''}
                      </label>
                    </th>
                    <td>{l.depth}</td>
                    <td>{l.shape}</td>
                    <td>{(l.accuracy * 100).toFixed(0)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
          <div className={styles.row}>
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={readOnly || !chosen || chosen === result.currentCut}
              onClick={() => {
                if (!chosen) return;
                onUseLayer(chosen);
                setResult({ ...result, currentCut: chosen });
              }}
            >
              Use this layer
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => svg.current && void saveSvgAsPng(svg.current, 'graft-layer-sweep.png', 'Which layer to cut? Linear-probe accuracy per layer')}>
              Save layer sweep as PNG
            </button>
          </div>
        </>
      )}
      <ViewExplanation title="Why try other layers?" text={LAYER_SWEEP_EXPLANATION} />
    </div>
  );
}
