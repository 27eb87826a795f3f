'use client';
/** "Export web demo": index.html + tf.min.js + the trained model, classifying webcam/file images on any static host. */
import { useState } from 'react';
import { downloadBlob } from '@/app/lib/download';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import { buildWebDemoZip } from '@/nodes/engine/share/web-demo';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import styles from './run.module.css';

export function WebDemoButton() {
  const hasModel = useRunStore((s) => s.hasTrainedModel);
  const graphName = useGraphStore((s) => s.graph.name);
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });

  const exportDemo = async () => {
    setState({ busy: true, message: 'Building the web demo…', error: false });
    try {
      const client = getEngineClient();
      const [info, exported, script] = await Promise.all([
        client.request('trained-model-info', {}),
        client.request('export-model', { name: graphName || 'graft-model' }),
        fetch('/api/web-demo/tfjs').then(async (r) => {
          if (!r.ok) throw new Error('Could not fetch the TensorFlow.js bundle from this server.');
          return new Uint8Array(await r.arrayBuffer());
        }),
      ]);
      if (!info) throw new Error('Run the pipeline first.');
      const zip = buildWebDemoZip({
        name: graphName || 'Graft model',
        modelZip: exported.zip,
        tfjsScript: script,
        labels: info.labels,
        inputSize: info.inputSize,
        inputScaling: info.inputScaling ?? 'zero1',
      });
      const fileName = exported.fileName.replace(/\.zip$/, '') + '-web-demo.zip';
      downloadBlob(new Blob([zip as BlobPart], { type: 'application/zip' }), fileName);
      setState({ busy: false, message: `Saved ${fileName} (${(zip.byteLength / 1e6).toFixed(1)} MB): unzip it on any static host and open index.html.`, error: false });
    } catch (e) {
      setState({ busy: false, message: (e as Error).message, error: true });
    }
  };

  return (
    <div className={styles.exportRow}>
      <button type="button" className="btn" onClick={() => void exportDemo()} disabled={!hasModel || state.busy}>
        Export web demo
      </button>
      {state.message && (
        <span className={state.error ? styles.errorText : 'muted'} role={state.error ? 'alert' : 'status'}>
          {state.message}
        </span>
      )}
    </div>
  );
}
