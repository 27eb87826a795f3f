'use client';
/** The toggle, opacity slider and class choice for the Grad-CAM overlays on every image shown after a run. */
import { useViewsStore, type HeatmapClass } from './viewsStore';
import { ViewExplanation } from './ViewExplanation';
import styles from './views.module.css';

export const HEATMAP_EXPLANATION =
  'A heatmap shows which parts of an image pushed the model towards a class. Graft takes the feature map at the ' +
  'layer where the pretrained network was cut, asks how much each of its channels would raise the class’s score ' +
  '(the gradient through your trained head), and adds the channels up weighted by that. Warm colours mark the ' +
  'evidence. If the warm spot sits on the object, the model learned the right thing; if it sits on the background ' +
  'or a watermark, it found a shortcut — and will fail on new photos.';

export function HeatmapControls() {
  const show = useViewsStore((s) => s.showHeatmaps);
  const opacity = useViewsStore((s) => s.opacity);
  const which = useViewsStore((s) => s.heatmapClass);
  const error = useViewsStore((s) => s.heatmapError);
  const set = useViewsStore.getState();
  return (
    <div className={styles.heatmapControls} role="group" aria-label="Heatmaps">
      <label className={styles.inline}>
        <input type="checkbox" checked={show} onChange={(e) => set.setShowHeatmaps(e.target.checked)} />
        Show heatmaps
      </label>
      <label className={styles.inline}>
        Opacity
        <input
          type="range"
          min={0.1}
          max={1}
          step={0.05}
          value={opacity}
          aria-label="Heatmap opacity"
          disabled={!show}
          onChange={(e) => set.setOpacity(Number(e.target.value))}
        />
      </label>
      <label className={styles.inline}>
        Explain
        <select
          aria-label="Heatmap class"
          value={which}
          disabled={!show}
          onChange={(e) => set.setHeatmapClass(e.target.value as HeatmapClass)}
        >
          <option value="predicted">the predicted class</option>
          <option value="true">the true class</option>
        </select>
      </label>
      {error && show && (
        <span className={styles.errorText} role="alert">
          {error}
        </span>
      )}
      <ViewExplanation title="What is a heatmap?" text={HEATMAP_EXPLANATION} />
    </div>
  );
}
