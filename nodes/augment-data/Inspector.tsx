'use client';
/** Augment Data inspector: a seeded preview grid of augmented samples of the connected dataset. */
import { useState } from 'react';
import type { z } from 'zod';
import type { InspectorProps } from '../ui/types';
import type { AugmentPlan } from '../core/plan';
import type { augmentDataParams } from './index';
import { describeAugment } from './augment';
import { datasetParams } from '../dataset/index';
import { findUpstream } from '../core/upstream';
import { useEngineRequest } from '../ui/useEngineRequest';
import styles from '../engine/host-browser/inspectors.module.css';

type Params = z.infer<typeof augmentDataParams>;

export default function AugmentDataInspector({ node, params, graph, services }: InspectorProps<Params>) {
  const [extraSeed, setExtraSeed] = useState(0);
  const datasetNode = findUpstream(graph, node.id, 'dataset');
  const ds = datasetNode ? datasetParams.safeParse(datasetNode.params) : null;
  const datasetId = ds?.success ? ds.data.datasetId : null;
  const augment: AugmentPlan = { ...params, seed: params.seed + extraSeed };
  const preview = useEngineRequest(
    services.requestEngine,
    'augment-preview',
    datasetId ? { datasetId, augment, samples: 4, views: 5 } : null,
    400,
  );

  return (
    <div className={styles.root} role="region" aria-label="Augmentation preview">
      <p className={styles.hint}>Per image: {describeAugment(augment)}.</p>
      {!datasetId && <p className={styles.hint}>Connect a Dataset to preview augmented images.</p>}
      {datasetId && (
        <>
          <button type="button" className="btn btn-small" onClick={() => setExtraSeed((s) => s + 1)} disabled={preview.loading}>
            Refresh preview
          </button>
          {preview.loading && <p className={styles.hint} role="status">Rendering preview…</p>}
          {preview.error && <p className={styles.error} role="alert">{preview.error}</p>}
          {preview.data && (
            <div className={styles.previewGrid} data-testid="augment-preview">
              {preview.data.samples.map((s, i) => (
                <div key={i} className={styles.previewRow}>
                  <span className={styles.previewLabel}>{s.label}: original, then augmented</span>
                  {/* eslint-disable-next-line @next/next/no-img-element -- data URLs from the worker */}
                  <img src={s.original} alt={`${s.label} original`} className={styles.original} />
                  {s.augmented.map((src, j) => (
                    // eslint-disable-next-line @next/next/no-img-element -- data URLs from the worker
                    <img key={j} src={src} alt={`${s.label} augmented ${j + 1}`} />
                  ))}
                </div>
              ))}
            </div>
          )}
        </>
      )}
    </div>
  );
}
