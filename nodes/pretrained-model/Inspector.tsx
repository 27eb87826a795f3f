'use client';
/**
 * Pretrained Model inspector: pick a model (catalog, models folder, uploads, URL), upload one (model.json + weights,
 * or a zip such as Graft's "Export model" or a Teachable Machine export), and choose where to cut it from a layer table.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import type { InspectorProps } from '../ui/types';
import type { ModelSource } from '../core/plan';
import type { pretrainedModelParams } from './index';
import { parseModelUpload } from '../engine/host-browser/model-upload';
import { deleteUploadedModel, listUploadedModels, saveUploadedModel } from '../engine/host-browser/model-store';
import { useEngineRequest } from '../ui/useEngineRequest';
import styles from '../engine/host-browser/inspectors.module.css';

type Params = z.infer<typeof pretrainedModelParams>;

interface ListedModel {
  id: string;
  title: string;
  description: string;
  source: 'local' | 'official' | 'builtin';
  defaultTruncation?: string;
  sizeMB?: number;
  inCatalog?: boolean;
}

type Upload = Awaited<ReturnType<typeof listUploadedModels>>[number];

function useModelList(): { models: ListedModel[]; error: string | null } {
  const [models, setModels] = useState<ListedModel[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    fetch('/api/models')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((list: ListedModel[]) => alive && setModels(list))
      .catch((e: Error) => alive && setError(`Could not list models (${e.message}).`));
    return () => {
      alive = false;
    };
  }, []);
  return { models, error };
}

function useUploads(): { uploads: Upload[]; reload(): void } {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const reload = useCallback(() => {
    listUploadedModels()
      .then(setUploads)
      .catch(() => setUploads([]));
  }, []);
  useEffect(reload, [reload]);
  return { uploads, reload };
}

const SOURCE_NOTE: Record<ListedModel['source'], string> = {
  local: 'models folder',
  builtin: 'built in',
  official: 'downloads from the publisher',
};

export default function PretrainedModelInspector({ params, onChange, readOnly, services }: InspectorProps<Params>) {
  const { models, error: listError } = useModelList();
  const { uploads, reload } = useUploads();
  const [uploadState, setUploadState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });
  const [urlDraft, setUrlDraft] = useState(params.url);
  useEffect(() => setUrlDraft(params.url), [params.url]);

  const pickerValue =
    params.source === 'catalog' ? `catalog:${params.catalogId}` : params.source === 'upload' ? `upload:${params.uploadId}` : 'url:';

  const source: ModelSource | null =
    params.source === 'catalog' && params.catalogId
      ? { kind: 'catalog', id: params.catalogId }
      : params.source === 'upload' && params.uploadId
        ? { kind: 'upload', id: params.uploadId }
        : params.source === 'url' && /^(https?:\/\/|\/).+\.json/i.test(params.url.trim())
          ? { kind: 'url', url: params.url.trim() }
          : null;

  const inspection = useEngineRequest(
    services.requestEngine,
    'inspect-model',
    source ? { source, truncateAt: params.truncateAt, freeze: { mode: 'all' } } : null,
    300,
  );
  const info = inspection.data;

  const onPick = (value: string) => {
    const [kind, ...rest] = value.split(':');
    const id = rest.join(':');
    if (kind === 'catalog') onChange({ source: 'catalog', catalogId: id, truncateAt: '' });
    else if (kind === 'upload') onChange({ source: 'upload', uploadId: id, truncateAt: '' });
    else onChange({ source: 'url', truncateAt: '' });
  };

  const onUpload = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setUploadState({ busy: true, message: 'Reading files…', error: false });
    try {
      const read = await Promise.all(Array.from(files).map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })));
      const parsed = parseModelUpload(read);
      if (!parsed.ok) {
        setUploadState({ busy: false, message: parsed.error, error: true });
        return;
      }
      const stored = await saveUploadedModel(parsed.model);
      reload();
      onChange({ source: 'upload', uploadId: stored.id, truncateAt: '' });
      const labels = stored.meta.labels?.length ? `, ${stored.meta.labels.length} labels` : '';
      setUploadState({
        busy: false,
        message: `Uploaded “${stored.name}” (${(stored.sizeBytes / 1e6).toFixed(1)} MB${labels}${stored.meta.source ? `, ${stored.meta.source}` : ''}). It is stored in this browser.`,
        error: false,
      });
    } catch (e) {
      setUploadState({ busy: false, message: `Upload failed: ${(e as Error).message}`, error: true });
    }
  };

  const catalog = models.filter((m) => m.inCatalog !== false);
  const folder = models.filter((m) => m.inCatalog === false);
  const selectedListed = params.source === 'catalog' ? models.find((m) => m.id === params.catalogId) : undefined;
  const unknownCatalog = params.source === 'catalog' && models.length > 0 && !selectedListed;
  const trunkLayers = useMemo(() => info?.layers.filter((l) => l.className !== 'InputLayer') ?? [], [info]);

  return (
    <div className={styles.root}>
      <label className={styles.label} htmlFor="pm-picker">
        Pretrained model
      </label>
      <select id="pm-picker" className={styles.select} value={pickerValue} disabled={readOnly} onChange={(e) => onPick(e.target.value)}>
        {unknownCatalog && <option value={pickerValue}>{params.catalogId} (not available here)</option>}
        <optgroup label="Catalog">
          {catalog.map((m) => (
            <option key={m.id} value={`catalog:${m.id}`}>
              {m.title} — {SOURCE_NOTE[m.source]}
            </option>
          ))}
        </optgroup>
        {folder.length > 0 && (
          <optgroup label="Models folder">
            {folder.map((m) => (
              <option key={m.id} value={`catalog:${m.id}`}>
                {m.title}
              </option>
            ))}
          </optgroup>
        )}
        {uploads.length > 0 && (
          <optgroup label="Uploaded in this browser">
            {uploads.map((u) => (
              <option key={u.id} value={`upload:${u.id}`}>
                {u.name}
              </option>
            ))}
          </optgroup>
        )}
        {params.source === 'upload' && !uploads.some((u) => u.id === params.uploadId) && (
          <option value={pickerValue}>{params.uploadId ? 'Uploaded model (not in this browser)' : 'Upload a model below'}</option>
        )}
        <option value="url:">From a URL…</option>
      </select>
      {listError && <p className={styles.error}>{listError}</p>}
      {selectedListed && <p className={styles.hint}>{selectedListed.description}</p>}

      {params.source === 'url' && (
        <>
          <label className={styles.label} htmlFor="pm-url">
            Model URL
          </label>
          <input
            id="pm-url"
            className={styles.input}
            type="url"
            placeholder="https://…/model.json"
            value={urlDraft}
            readOnly={readOnly}
            onChange={(e) => setUrlDraft(e.target.value)}
            onBlur={() => urlDraft !== params.url && onChange({ url: urlDraft.trim(), truncateAt: '' })}
            onKeyDown={(e) => e.key === 'Enter' && onChange({ url: urlDraft.trim(), truncateAt: '' })}
          />
        </>
      )}

      {!readOnly && (
        <div className={styles.uploadRow}>
          <label className="btn btn-small">
            {uploadState.busy ? 'Uploading…' : 'Upload model…'}
            <input
              type="file"
              multiple
              accept=".json,.bin,.zip,application/json,application/zip,application/octet-stream"
              className="sr-only"
              aria-label="Upload model files"
              disabled={uploadState.busy}
              onChange={(e) => {
                void onUpload(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
          <span className={styles.hint}>model.json + weight files, or one .zip (Graft export, Teachable Machine)</span>
          {params.source === 'upload' && params.uploadId && uploads.some((u) => u.id === params.uploadId) && (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={async () => {
                await deleteUploadedModel(params.uploadId);
                reload();
                onChange({ source: 'catalog', uploadId: '' });
              }}
            >
              Delete upload
            </button>
          )}
        </div>
      )}
      {uploadState.message && (
        <p className={uploadState.error ? styles.error : styles.hint} role={uploadState.error ? 'alert' : 'status'}>
          {uploadState.message}
        </p>
      )}

      <label className={styles.label} htmlFor="pm-cut">
        Cut at layer
      </label>
      <select
        id="pm-cut"
        className={styles.select}
        value={params.truncateAt}
        disabled={readOnly || !info}
        onChange={(e) => onChange({ truncateAt: e.target.value })}
      >
        <option value="">Default{info?.defaultTruncation ? ` (${info.defaultTruncation})` : ''}</option>
        {params.truncateAt && !info?.layers.some((l) => l.name === params.truncateAt) && (
          <option value={params.truncateAt}>{params.truncateAt} (not in this model)</option>
        )}
        {trunkLayers.map((l) => (
          <option key={l.name} value={l.name}>
            {l.name} · {l.className} → {l.outputShape}
          </option>
        ))}
      </select>
      <p className={styles.hint}>
        The output of this layer becomes the image features; the layers after it (the old classifier) are removed.
      </p>

      {inspection.loading && !info && <p className={styles.hint} role="status">Loading the model to list its layers…</p>}
      {inspection.error && (
        <p className={styles.error} role="alert">
          {inspection.error}
        </p>
      )}
      {info && (
        <>
          {info.problem && <p className={styles.error} role="alert">{info.problem}</p>}
          <p className={styles.summary}>
            <strong>{info.modelName}</strong>: input {info.inputShape}, {info.layers.length} layers. Kept trunk:{' '}
            {info.trunkParams.toLocaleString()} parameters up to <code>{info.truncateAt}</code>.
          </p>
          <div className={styles.tableWrap}>
            <table className={styles.table} aria-label="Model layers">
              <thead>
                <tr>
                  <th scope="col">Layer</th>
                  <th scope="col">Type</th>
                  <th scope="col">Output shape</th>
                  <th scope="col">Params</th>
                </tr>
              </thead>
              <tbody>
                {info.layers.map((l) => (
                  <tr
                    key={l.name}
                    className={`${l.inTrunk ? '' : styles.removed} ${l.name === info.truncateAt ? styles.cutRow : ''}`}
                    onClick={() => !readOnly && l.inTrunk !== undefined && l.className !== 'InputLayer' && onChange({ truncateAt: l.name === info.defaultTruncation ? '' : l.name })}
                    title={l.inTrunk ? 'Kept (trunk). Click to cut here.' : 'Removed. Click to cut here instead.'}
                  >
                    <th scope="row">{l.name}{l.name === info.truncateAt ? ' ✂' : ''}</th>
                    <td>{l.className}</td>
                    <td>{l.outputShape}</td>
                    <td>{l.params.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
