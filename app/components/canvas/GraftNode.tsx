'use client';
/** The node as drawn on the canvas: typed handles, key params, validity and run state. */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode } from '@/nodes/core/graph';
import { PORT_TYPES, type PortDef } from '@/nodes/core/types';
import { getNodeDefinition } from '@/nodes/registry';
import { nodePercent, useRunStore, type NodeRunInfo } from '@/app/state/runStore';
import { CATEGORY_STYLE, displayName, handleLabel, paramSummary, textColorOf } from '@/app/lib/nodeStyle';
import { modelName, useDatasetName, useUploadedModelName } from '@/app/lib/valueNames';
import { isSourceOf } from '@/app/lib/nodeRoles';
import { useCompiled } from './CompileContext';

export type GraftFlowNode = Node<{ node: GraphNode; readOnly: boolean }, 'graft'>;

function PortRow({ port, side, nodeName, connectable }: { port: PortDef; side: 'input' | 'output'; nodeName: string; connectable: boolean }) {
  const color = PORT_TYPES[port.type].color;
  return (
    <div className={`gn-port gn-port-${side}`}>
      <Handle
        type={side === 'input' ? 'target' : 'source'}
        position={side === 'input' ? Position.Left : Position.Right}
        id={port.id}
        isConnectable={connectable}
        className="gn-handle"
        style={{ ['--port' as string]: color }}
        role="button"
        aria-label={handleLabel(nodeName, side, port)}
        title={`${port.label}: ${PORT_TYPES[port.type].label}, ${PORT_TYPES[port.type].description}${port.optional ? ' (optional)' : ''}`}
      />
      <span className="gn-port-label">
        {port.label}
        <span className="gn-port-type" style={{ color: textColorOf(color) }}>
          {PORT_TYPES[port.type].label}
        </span>
      </span>
    </div>
  );
}

function RunBadge({ run, name, pct }: { run: NodeRunInfo; name: string; pct: number | null }) {
  return (
    <div className={`gn-run gn-run-${run.state}`}>
      <div className="gn-run-line">
        <span className="gn-run-icon" aria-hidden="true">
          {run.state === 'waiting' ? '◷' : run.state === 'running' ? '' : run.state === 'done' ? '✓' : run.state === 'error' ? '!' : '■'}
        </span>
        <span className="gn-run-text" title={run.message}>
          {run.state === 'waiting' && 'Waiting'}
          {run.state === 'running' && `Running${pct !== null ? ` · ${pct}%` : '…'}`}
          {run.state === 'done' && 'Done'}
          {run.state === 'cancelled' && 'Cancelled'}
          {run.state === 'error' && 'Failed'}
          {run.message && run.state !== 'error' ? ` — ${run.message}` : ''}
        </span>
      </div>
      {run.state === 'running' && (
        <div
          className={`gn-progress${pct === null ? ' gn-progress-indeterminate' : ''}`}
          role="progressbar"
          aria-label={`${name} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct ?? undefined}
        >
          <div className="gn-progress-bar" style={{ transform: pct === null ? undefined : `scaleX(${pct / 100})` }} />
        </div>
      )}
      {run.state === 'error' && run.message && <p className="gn-run-error">{run.message}</p>}
    </div>
  );
}

function GraftNodeView({ id, data, selected }: NodeProps<GraftFlowNode>) {
  const { node, readOnly } = data;
  const def = getNodeDefinition(node.type);
  const { errorsByNode, warningsByNode } = useCompiled();
  const run = useRunStore((s) => s.nodeStates[id]);
  // The trainer node prints the run panel's percent (one value, see runStore.nodePercent).
  const runPct = useRunStore((s) => nodePercent(s, id));
  const errors = errorsByNode.get(id) ?? [];
  const warnings = warningsByNode.get(id) ?? [];
  const name = displayName(node, def);
  const cat = def ? CATEGORY_STYLE[def.category] : { color: '#868e96', text: '#495057', soft: '#f1f3f5', label: 'Unknown' };
  // A node that brings images in names its dataset (asked of the definition, not by type name).
  const datasetId = isSourceOf(def, 'dataset') && typeof node.params.datasetId === 'string' ? node.params.datasetId : null;
  const datasetName = useDatasetName(datasetId);
  const uploadId = isSourceOf(def, 'model') && node.params.source === 'upload' && typeof node.params.uploadId === 'string' ? node.params.uploadId : null;
  const uploadName = useUploadedModelName(uploadId);
  const summary = paramSummary(node, def, 3, (key, value) => {
    if (key === 'datasetId') return datasetName ?? (typeof value === 'string' && value.startsWith('local:') ? 'Your dataset' : null);
    if (key === 'catalogId' && typeof value === 'string') return modelName(value);
    if (key === 'uploadId') return uploadName ?? 'Uploaded model';
    return null;
  });

  return (
    <div
      className={`gn${selected ? ' gn-selected' : ''}${errors.length ? ' gn-invalid' : ''}${run ? ` gn-state-${run.state}` : ''}`}
      style={{ ['--cat' as string]: cat.color, ['--cat-text' as string]: cat.text, ['--cat-soft' as string]: cat.soft }}
    >
      <header className="gn-header">
        <span className="gn-cat" aria-hidden="true" />
        <div className="gn-titles">
          <span className="gn-title">{name}</span>
          <span className="gn-subtitle">{node.label?.trim() && def ? `${def.title} · ${cat.label}` : cat.label}</span>
        </div>
        {errors.length > 0 ? (
          <span className="gn-valid gn-valid-bad" title={`${errors.length} problem${errors.length > 1 ? 's' : ''}`} aria-label={`${errors.length} problem${errors.length > 1 ? 's' : ''}`} role="img">
            !
          </span>
        ) : (
          <span className="gn-valid gn-valid-ok" title="Valid" aria-label="Valid" role="img">
            ✓
          </span>
        )}
      </header>
      {def ? (
        <div className="gn-ports">
          <div className="gn-col">
            {def.inputs.map((p) => (
              <PortRow key={p.id} port={p} side="input" nodeName={name} connectable={!readOnly} />
            ))}
          </div>
          <div className="gn-col gn-col-out">
            {def.outputs.map((p) => (
              <PortRow key={p.id} port={p} side="output" nodeName={name} connectable={!readOnly} />
            ))}
          </div>
        </div>
      ) : (
        <p className="gn-msg gn-msg-error">Unknown node type “{node.type}”.</p>
      )}
      {summary && <div className="gn-summary" title={summary}>{summary}</div>}
      {run && <RunBadge run={run} name={name} pct={runPct} />}
      {errors.length > 0 && (
        <ul className="gn-errors" aria-label={`${name} problems`}>
          {errors.slice(0, 3).map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
          {errors.length > 3 && <li>…and {errors.length - 3} more</li>}
        </ul>
      )}
      {warnings.length > 0 && errors.length === 0 && (
        <ul className="gn-warnings" aria-label={`${name} warnings`}>
          {warnings.slice(0, 2).map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const GraftNode = memo(GraftNodeView);
