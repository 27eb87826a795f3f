'use client';
/** Toolbar buttons: Run / Cancel (accessible names exactly "Run" and "Cancel"). */
import { useEffect, useState } from 'react';
import { compileGraph } from '@/nodes/compiler';
import { useRunStore } from '@/app/state/runStore';
import { useGraphStore } from '@/app/state/graphStore';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import { cancelRun, currentHistoryKey, startRun } from './controller';
import { estimateCost, withProbe, type CostEstimate } from './costEstimate';
import type { Plan } from '@/nodes/core/plan';
import { readHistory } from './history';
import { CostDialog } from './CostDialog';

/** Run, but ask first when the run trains conv layers (slow): cost before cost. */
function estimateBeforeRun(): { estimate: CostEstimate; plan: Plan } | null {
  const compiled = compileGraph(useGraphStore.getState().graph);
  if (!compiled.ok) return null;
  const estimate = estimateCost(compiled.plan, readHistory(currentHistoryKey()));
  return estimate ? { estimate, plan: compiled.plan } : null;
}
import styles from './run.module.css';

export function RunControls() {
  const running = useRunStore((s) => s.main?.status === 'running' || s.scratch?.status === 'running');
  const blocked = useRunStore((s) => s.blockedBy.length);
  const hasNodes = useGraphStore((s) => s.graph.nodes.length > 0);
  const [cost, setCost] = useState<CostEstimate | null>(null);

  // Start the worker (tfjs + backends load) while the user is still building the graph.
  useEffect(() => {
    const t = setTimeout(() => getEngineClient().warmUp(), 1500);
    return () => clearTimeout(t);
  }, []);

  return (
    <div className={styles.controls} role="group" aria-label="Run controls">
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => {
          const asked = estimateBeforeRun();
          if (!asked) return startRun('main');
          setCost({ ...asked.estimate, probing: true });
          // The engine measures the trainable part (the run that follows reuses Auto's measurement).
          getEngineClient()
            .request('probe-cost', { plan: asked.plan })
            .then((probe) => setCost((c) => (c ? withProbe(c, probe) : c)))
            .catch(() => setCost((c) => (c ? { ...c, probing: false } : c)));
        }}
        disabled={running || !hasNodes}
        title={hasNodes ? 'Compile the graph and train it in this browser' : 'Add nodes first'}
        aria-describedby={blocked ? 'run-blocked-note' : undefined}
      >
        Run
      </button>
      <button type="button" className="btn" onClick={cancelRun} disabled={!running} title="Stop the current run">
        Cancel
      </button>
      {cost && (
        <CostDialog
          estimate={cost}
          onClose={() => setCost(null)}
          onRun={() => {
            setCost(null);
            startRun('main');
          }}
          onFreeze={() => {
            if (cost.freezeNodeId) useGraphStore.getState().updateNodeParams(cost.freezeNodeId, { mode: 'all' });
            setCost(null);
            startRun('main');
          }}
        />
      )}
      {blocked > 0 && !running && (
        <span id="run-blocked-note" className={styles.blockedNote} role="status">
          {blocked} problem{blocked > 1 ? 's' : ''} — see run panel
        </span>
      )}
    </div>
  );
}

export default RunControls;
