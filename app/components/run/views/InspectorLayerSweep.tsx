'use client';
/** Mounts "Which layer to cut?" under the Pretrained Model inspector, with the graph's compiled plan. */
import { useCompiled } from '@/app/components/canvas/CompileContext';
import { useGraphStore } from '@/app/state/graphStore';
import { LayerSweepPanel } from './LayerSweepPanel';

export function InspectorLayerSweep({ nodeId, readOnly }: { nodeId: string; readOnly: boolean }) {
  const { result } = useCompiled();
  const updateNodeParams = useGraphStore((s) => s.updateNodeParams);
  const plan = result.ok && result.plan.nodeIds.model === nodeId ? result.plan : null;
  const planError = !result.ok
    ? 'Fix the problems in the graph first: the sweep needs this model wired to a Dataset through a Train node.'
    : plan
      ? null
      : 'This model is not the one the pipeline trains.';
  return (
    <section className="insp-section" aria-label="Which layer to cut">
      <h3 className="insp-h">Which layer to cut?</h3>
      <LayerSweepPanel plan={plan} planError={planError} readOnly={readOnly} onUseLayer={(layer) => updateNodeParams(nodeId, { truncateAt: layer })} />
    </section>
  );
}
