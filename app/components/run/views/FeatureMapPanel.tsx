'use client';
/**
 * Feature map: one dot per training/test image, coloured by class, mistakes ringed, hover shows the image. Two
 * panels — the frozen trunk's features and the head's last hidden layer after training — so a student sees how
 * training pulled the classes apart.
 */
import { useRef, useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { FeatureMapView, Projection } from '@/nodes/engine/host-browser/views-protocol';
import { classColour } from './palette';
import { requestThumbnail, useViewsStore } from './viewsStore';
import { ViewExplanation } from './ViewExplanation';
import { saveSvgsAsPng } from './png';
import { saveViews, type SavedViews } from './viewHistory';
import styles from './views.module.css';

export const FEATURE_MAP_EXPLANATION =
  'Every image becomes a long list of numbers inside the network (its features). This map squeezes those lists ' +
  'down to two dimensions (PCA keeps the directions along which the images differ most; UMAP keeps neighbours ' +
  'together) so each image is one dot, coloured by its true class. Left: the features of the frozen pretrained ' +
  'trunk — if the colours already form groups, the pretrained network "sees" your classes. Right: the head’s last ' +
  'layer after training — the classes should now be pulled apart. Ringed dots are images the model gets wrong.';

type FeatureMapData = NonNullable<SavedViews['featureMap']> | FeatureMapView;

const SIZE = 300;

function Panel({
  title,
  points,
  map,
  labels,
  runId,
  live,
  svgRef,
}: {
  title: string;
  points: FeatureMapData['trunk'];
  map: FeatureMapData;
  labels: string[];
  runId: string;
  live: boolean;
  svgRef: (el: SVGSVGElement | null) => void;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const thumbKey = hover !== null ? `${runId}:i${map.items[hover].item}` : null;
  const thumb = useViewsStore((s) => (thumbKey ? s.thumbnails[thumbKey] : undefined));
  const px = (x: number) => SIZE / 2 + x * (SIZE / 2 - 12);
  const py = (y: number) => SIZE / 2 - y * (SIZE / 2 - 12);
  return (
    <figure className={styles.panel} aria-label={title}>
      <figcaption>{title}</figcaption>
      <svg ref={svgRef} viewBox={`0 0 ${SIZE} ${SIZE}`} className={styles.mapSvg} role="img" aria-label={`${title}: ${points.length} images`}>
        <rect x={0} y={0} width={SIZE} height={SIZE} fill="#fbfbfd" />
        {points.map((p, i) => {
          const it = map.items[i];
          const wrong = it.predicted !== it.label;
          return (
            <circle
              key={i}
              cx={px(p.x)}
              cy={py(p.y)}
              r={it.split === 'test' ? 4.2 : 3.4}
              fill={classColour(it.label)}
              fillOpacity={it.split === 'test' ? 0.95 : 0.6}
              stroke={wrong ? '#000' : it.split === 'test' ? '#fff' : 'none'}
              strokeWidth={wrong ? 1.8 : 1}
              data-testid="feature-dot"
              data-split={it.split}
              data-wrong={wrong ? 'true' : undefined}
              onMouseEnter={() => {
                setHover(i);
                if (live) requestThumbnail(runId, { item: it.item });
              }}
              onMouseLeave={() => setHover((h) => (h === i ? null : h))}
            >
              <title>{`${it.split} image, ${labels[it.label]}${wrong ? `, predicted ${labels[it.predicted]}` : ''}`}</title>
            </circle>
          );
        })}
      </svg>
      {hover !== null && (
        <div
          className={styles.tooltip}
          style={{ left: Math.min(px(points[hover].x) + 10, SIZE - 80), top: py(points[hover].y) + 18 }}
          role="tooltip"
        >
          {thumb ? (
            // eslint-disable-next-line @next/next/no-img-element -- data URL thumbnail
            <img src={thumb} alt="" />
          ) : null}
          <span>
            {map.items[hover].split}: {labels[map.items[hover].label]}
            {map.items[hover].predicted !== map.items[hover].label ? ` → ${labels[map.items[hover].predicted]}` : ''}
          </span>
        </div>
      )}
    </figure>
  );
}

export function FeatureMapPanel({ runId, live, labels, saved }: { runId: string; live: boolean; labels: string[]; saved: SavedViews['featureMap'] | undefined }) {
  const [method, setMethod] = useState<Projection>(saved?.method ?? 'pca');
  const [computed, setComputed] = useState<FeatureMapView | null>(null);
  const [busy, setBusy] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const svgs = useRef<Array<SVGSVGElement | null>>([null, null]);
  const noteTensors = useViewsStore((s) => s.noteTensors);
  const map: FeatureMapData | null = computed ?? saved ?? null;

  const compute = async () => {
    setError(null);
    setBusy({ done: 0, total: 1 });
    try {
      const reply = await getEngineClient().request('view-feature-map', { runId, method }, [], {
        onProgress: (done, total) => setBusy({ done, total }),
      });
      noteTensors('feature map', reply.tensors);
      const { tensors: _t, ...view } = reply;
      setComputed(view);
      saveViews(runId, labels, { featureMap: view });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card-like" aria-label="Feature map">
      <div className={styles.row}>
        <h3 style={{ margin: 0, fontSize: 14 }}>Feature map</h3>
        <label className={styles.inline}>
          Projection
          <select aria-label="Projection" value={method} onChange={(e) => setMethod(e.target.value as Projection)}>
            <option value="pca">PCA</option>
            <option value="umap">UMAP</option>
          </select>
        </label>
        {live && (
          <button type="button" className="btn btn-small" onClick={() => void compute()} disabled={busy !== null}>
            Show feature map
          </button>
        )}
        {map && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() =>
              void saveSvgsAsPng(
                svgs.current.filter((s): s is SVGSVGElement => s !== null),
                ['Frozen trunk features', `Head: ${map.hiddenWhat} after training`],
                'graft-feature-map.png',
                `Feature map (${map.method.toUpperCase()}), ${map.items.length} images`,
              )
            }
          >
            Save feature map as PNG
          </button>
        )}
      </div>
      {busy && <progress className={styles.progress} aria-label="Feature map progress" max={busy.total} value={busy.done} />}
      {error && <p className={styles.errorText} role="alert">{error}</p>}
      {!map && !busy && !live && <p className="muted">No feature map was computed for this run.</p>}
      {map && (
        <>
          <div className={styles.legend}>
            {labels.map((l, c) => (
              <span key={l}>
                <span className={styles.swatch} style={{ background: classColour(c) }} />
                {l}
              </span>
            ))}
            <span className="muted">large dots: test images · ringed: misclassified</span>
          </div>
          <div className={styles.panels}>
            <Panel title="Frozen trunk features" points={map.trunk} map={map} labels={labels} runId={runId} live={live} svgRef={(el) => (svgs.current[0] = el)} />
            <Panel
              title={`Head: ${map.hiddenWhat} after training`}
              points={map.hidden}
              map={map}
              labels={labels}
              runId={runId}
              live={live}
              svgRef={(el) => (svgs.current[1] = el)}
            />
          </div>
          <p className="muted" style={{ margin: 0, fontSize: 12 }}>
            Class separation (between-class distance ÷ within-class spread): {map.separation.trunk.toFixed(2)} in the trunk →{' '}
            {map.separation.hidden.toFixed(2)} after the head.
          </p>
        </>
      )}
      <ViewExplanation title="What does the feature map show?" text={FEATURE_MAP_EXPLANATION} />
    </section>
  );
}
