'use client';
/**
 * Freeze Layers inspector: trainable vs frozen parameter counts of the trunk for the current setting (computed on
 * the real model in the engine worker) and a layer picker for "freeze up to".
 */
import type { z } from 'zod';
import type { InspectorProps } from '../ui/types';
import type { FreezePlan, ModelSource } from '../core/plan';
import type { freezeLayersParams } from './index';
import { pretrainedModelParams } from '../pretrained-model/index';
import { findUpstream } from '../core/upstream';
import { useEngineRequest } from '../ui/useEngineRequest';
import styles from '../engine/host-browser/inspectors.module.css';

type Params = z.infer<typeof freezeLayersParams>;

export default function FreezeLayersInspector({ node, params, onChange, graph, readOnly, services }: InspectorProps<Params>) {
  const modelNode = findUpstream(graph, node.id, 'pretrained-model');
  const parsedModel = modelNode ? pretrainedModelParams.safeParse(modelNode.params) : null;
  const mp = parsedModel?.success ? parsedModel.data : null;
  const source: ModelSource | null = !mp
    ? null
    : mp.source === 'catalog'
      ? { kind: 'catalog', id: mp.catalogId }
      : mp.source === 'upload'
        ? mp.uploadId ? { kind: 'upload', id: mp.uploadId } : null
        : mp.url.trim() ? { kind: 'url', url: mp.url.trim() } : null;
  const freeze: FreezePlan =
    params.mode === 'firstN'
      ? { mode: 'firstN', count: params.count }
      : params.mode === 'upTo'
        ? { mode: 'upTo', layer: params.upToLayer }
        : { mode: params.mode };
  const inspection = useEngineRequest(services.requestEngine, 'inspect-model', source && mp ? { source, truncateAt: mp.truncateAt, freeze } : null, 250);
  const info = inspection.data;
  const trunk = info?.layers.filter((l) => l.inTrunk && l.className !== 'InputLayer') ?? [];
  const total = info ? info.trunkParams : 0;
  const frozenShare = info && total > 0 ? info.frozenParams / total : 0;

  if (!modelNode) {
    return <p className={styles.hint}>Connect a Pretrained Model to see which layers and how many parameters are frozen.</p>;
  }
  return (
    <div className={styles.root}>
      {inspection.loading && !info && <p className={styles.hint} role="status">Loading the model…</p>}
      {inspection.error && <p className={styles.error} role="alert">{inspection.error}</p>}
      {info && (
        <div className={styles.counts} aria-label="Parameter counts" role="group">
          <div className={styles.countBar} aria-hidden="true">
            <span className={styles.countFrozen} style={{ width: `${frozenShare * 100}%` }} />
            <span className={styles.countTrainable} style={{ width: `${(1 - frozenShare) * 100}%` }} />
          </div>
          <div className={styles.legend}>
            <span data-testid="frozen-params">
              <span className={styles.swatch} style={{ background: '#74c0fc' }} />
              Frozen: {info.frozenParams.toLocaleString()} parameters
            </span>
            <span data-testid="trainable-params">
              <span className={styles.swatch} style={{ background: '#f76707' }} />
              Trainable: {info.trainableParams.toLocaleString()} parameters
            </span>
          </div>
          <p className={styles.hint}>
            In the trunk ({trunk.length} layers up to <code>{info.truncateAt}</code>). The new head is always trainable.
            {info.trainableParams > 0 ? ' Trainable trunk layers mean full forward/backward passes every epoch (slower than training only the head).' : ' A fully frozen trunk lets Graft compute features once (fast).'}
          </p>
          {info.problem && <p className={styles.error} role="alert">{info.problem}</p>}
        </div>
      )}
      <label className={styles.label} htmlFor={`fz-upto-${node.id}`}>
        Freeze up to layer
      </label>
      <select
        id={`fz-upto-${node.id}`}
        className={styles.select}
        disabled={readOnly || !info}
        value={params.mode === 'upTo' ? params.upToLayer : ''}
        onChange={(e) => (e.target.value ? onChange({ mode: 'upTo', upToLayer: e.target.value }) : onChange({ mode: 'all' }))}
      >
        <option value="">{params.mode === 'upTo' ? 'Choose a layer…' : `(mode: ${params.mode})`}</option>
        {params.mode === 'upTo' && params.upToLayer && !trunk.some((l) => l.name === params.upToLayer) && (
          <option value={params.upToLayer}>{params.upToLayer} (not in the trunk)</option>
        )}
        {trunk.map((l, i) => (
          <option key={l.name} value={l.name}>
            {i + 1}. {l.name} ({l.className}, {l.params.toLocaleString()} params)
          </option>
        ))}
      </select>
      <p className={styles.hint}>Every layer up to and including this one stays fixed; later layers are fine-tuned.</p>
      {info && (
        <div className={styles.tableWrap}>
          <table className={styles.table} aria-label="Trunk layers">
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">Type</th>
                <th scope="col">Params</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {trunk.map((l) => (
                <tr key={l.name} className={l.frozen ? styles.frozen : ''} onClick={() => !readOnly && onChange({ mode: 'upTo', upToLayer: l.name })}>
                  <th scope="row">{l.name}</th>
                  <td>{l.className}</td>
                  <td>{l.params.toLocaleString()}</td>
                  <td>{l.frozen ? 'frozen' : 'trainable'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
