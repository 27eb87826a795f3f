'use client';
/**
 * "Include trained model" in the Share popover: uploads the weights that differ from the pretrained base (the head;
 * for a fine-tuned trunk also the changed layers), labels, preprocessing and the run record, so whoever opens the
 * link can try the model at once and check the result. Unchecking removes it from the server.
 */
import { useEffect, useId, useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { getLastTrainedPlan } from '@/app/components/run/controller';
import { useRepeatStore } from '@/app/components/run/repeatStore';
import {
  deleteTrainedModel,
  fetchTrainedModelInfo,
  runRecordOf,
  uploadTrainedModel,
  type TrainedModelInfo,
} from '@/app/components/run/trainedModelApi';
import { getEditToken } from './editTokens';
import { formatBytes } from './shareDataset';
import { usePersistenceStore } from './persistenceStore';
import styles from './persistence.module.css';

export function IncludeTrainedModel() {
  const graphId = usePersistenceStore((s) => s.graphId);
  const version = usePersistenceStore((s) => s.version);
  const readOnly = useGraphStore((s) => s.readOnly);
  const hasModel = useRunStore((s) => s.hasTrainedModel);
  const result = useRunStore((s) => s.main?.result ?? null);
  const [info, setInfo] = useState<TrainedModelInfo | null>(null);
  const [phase, setPhase] = useState<{ kind: 'idle' | 'busy' | 'done' | 'error'; text: string | null; turningOn?: boolean }>({ kind: 'idle', text: null });
  const id = useId();

  useEffect(() => {
    if (!graphId) return;
    let alive = true;
    fetchTrainedModelInfo(graphId)
      .then((i) => alive && setInfo(i))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [graphId]);

  if (readOnly || !graphId) return null;
  const token = getEditToken(graphId);
  const busy = phase.kind === 'busy';

  const include = async () => {
    const plan = getLastTrainedPlan();
    if (!token || !result || !plan) return;
    setPhase({ kind: 'busy', text: 'Packing the trained weights…', turningOn: true });
    try {
      const record = runRecordOf(result, plan, useRepeatStore.getState().runs);
      const packed = await getEngineClient().request('pack-trained-model', { run: record });
      setPhase({ kind: 'busy', text: `Uploading ${formatBytes(packed.bytes.byteLength)}…`, turningOn: true });
      const saved = await uploadTrainedModel(graphId, token, version, packed.bytes);
      setInfo(saved);
      setPhase({
        kind: 'done',
        text:
          `Included the trained model (${formatBytes(saved.sizeBytes)}: ${packed.storedWeights} weight tensors stored` +
          `${packed.fromBase > 0 ? `, ${packed.fromBase} taken unchanged from the pretrained model` : ''}). Visitors can try it without training.`,
      });
    } catch (e) {
      setPhase({ kind: 'error', text: `Could not include the trained model: ${(e as Error).message}` });
    }
  };

  const remove = async () => {
    if (!token) return;
    setPhase({ kind: 'busy', text: 'Removing the trained model…', turningOn: false });
    try {
      await deleteTrainedModel(graphId, token);
      setInfo(null);
      setPhase({ kind: 'done', text: 'The link no longer carries a trained model.' });
    } catch (e) {
      setPhase({ kind: 'error', text: (e as Error).message });
    }
  };

  const describe = info
    ? `The link carries a trained model (${formatBytes(info.sizeBytes)}, ${pctText(info.meta.run.accuracy)} test accuracy). ${hasModel ? 'Uncheck and check again to replace it with the last run.' : ''}`
    : hasModel
      ? 'Uploads the trained head (and any fine-tuned layers), labels, preprocessing and this run’s seeds and metrics, so visitors can try the model at once and re-run it to check your result.'
      : 'Run the pipeline first: then the link can carry the trained model.';

  return (
    <div className={styles.datasetOption}>
      <div className={styles.checkRow}>
        <input
          id={id}
          type="checkbox"
          checked={busy ? phase.turningOn === true : info !== null}
          disabled={busy || !token || (!info && (!hasModel || !result))}
          aria-describedby={`${id}-desc`}
          onChange={(e) => void (e.target.checked ? include() : remove())}
        />
        <label htmlFor={id}>Include trained model</label>
      </div>
      <p id={`${id}-desc`} className={styles.small}>
        {describe}
      </p>
      {phase.text && (
        <p role={phase.kind === 'error' ? 'alert' : 'status'} className={phase.kind === 'error' ? styles.errorBlock : styles.small}>
          {phase.text}
        </p>
      )}
    </div>
  );
}

const pctText = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
