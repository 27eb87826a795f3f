'use client';
/** Asks before an expensive run (conv layers train), with the estimate and the cheaper alternatives. */
import { useEffect, useRef } from 'react';
import type { CostEstimate } from './costEstimate';
import { duration } from './format';

export function CostDialog({
  estimate,
  onRun,
  onFreeze,
  onClose,
}: {
  estimate: CostEstimate;
  onRun(): void;
  onFreeze(): void;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="code-dialog cost-dialog" aria-labelledby="cost-title" onClose={onClose}>
      <div className="dialog-header">
        <h2 id="cost-title">This run will be slow</h2>
      </div>
      <div className="cost-body">
        <p>{estimate.reason}</p>
        <p role="status" aria-live="polite">
          {estimate.probe
            ? `Estimated training time: about ${duration(estimate.estimateMs ?? 0)} (${estimate.probe.trainImages} images × ${estimate.probe.epochs} epochs at ${Math.round(estimate.probe.msPerBatch)} ms per batch of ${estimate.probe.batchImages} images on ${estimate.probe.backend.toUpperCase()}, measured just now by a short probe).`
            : estimate.probing
              ? 'Measuring how fast this machine trains it (two batches on each backend)…'
              : ''}
        </p>
        {estimate.probe && (
          <details>
            <summary>What was measured</summary>
            <p>{estimate.probe.summary}</p>
          </details>
        )}
        {!estimate.probe && <p>
          {estimate.estimateMs !== null
            ? `Estimated training time: about ${duration(estimate.estimateMs)} (${estimate.trainImages} images × epochs at ${estimate.imagesPerSecond?.toFixed(1)} images/s, measured in this browser on an earlier fine-tuning run).`
            : 'Graft has not measured a fine-tuning run in this browser yet, so it cannot say how long this takes; it is often 10–100× slower than training only the head. The ETA appears after the first batches, and Cancel stops the run at any time.'}
        </p>}
        <p>Cheaper: freeze the whole trunk (Freeze Layers → All), train fewer epochs on Train, or use fewer images per class on Dataset.</p>
      </div>
      <div className="dialog-actions cost-actions">
        <button type="button" className="btn btn-primary" onClick={onRun}>
          Run anyway
        </button>
        {estimate.freezeNodeId && (
          <button type="button" className="btn" onClick={onFreeze}>
            Freeze the trunk and run
          </button>
        )}
        <button type="button" className="btn" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
