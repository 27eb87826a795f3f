'use client';
/** "Export model": one zip (model.json + weights.bin + labels.json) that loads back as a Pretrained Model upload. */
import { downloadBlob } from '@/app/lib/download';
import { useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import styles from './run.module.css';

export function ExportButton() {
  const hasModel = useRunStore((s) => s.hasTrainedModel);
  const graphName = useGraphStore((s) => s.graph.name);
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });

  const exportNow = async () => {
    setState({ busy: true, message: null, error: false });
    try {
      const { fileName, zip } = await getEngineClient().request('export-model', { name: graphName || 'graft-model' });
      downloadBlob(new Blob([zip as BlobPart], { type: 'application/zip' }), fileName);
      setState({ busy: false, message: `Saved ${fileName} (${(zip.byteLength / 1e6).toFixed(1)} MB). Load it back with Pretrained Model → Upload.`, error: false });
    } catch (e) {
      setState({ busy: false, message: (e as Error).message, error: true });
    }
  };

  return (
    <div className={styles.exportRow}>
      <button type="button" className="btn" onClick={exportNow} disabled={!hasModel || state.busy}>
        Export model
      </button>
      {state.message && (
        <span className={state.error ? styles.errorText : 'muted'} role={state.error ? 'alert' : 'status'}>
          {state.message}
        </span>
      )}
    </div>
  );
}
