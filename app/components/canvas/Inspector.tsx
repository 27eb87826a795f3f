'use client';
/** Side panel for the selected node: explanation, label, input wiring, custom inspector and the generated form. */
import { Component, lazy, Suspense, useMemo, useState, useEffect, type ReactNode } from 'react';
import type { GraftGraph, GraphNode } from '@/nodes/core/graph';
import { PORT_TYPES, type NodeDefinition } from '@/nodes/core/types';
import type { InspectorComponent } from '@/nodes/ui/types';
import { inspectorLoader } from '@/nodes/ui/registry';
import { useInspectorServices } from '@/app/state/inspectorServices';
import { getNodeDefinition } from '@/nodes/registry';
import { paramFields, parseNodeParams, defaultParams } from '@/nodes/core/params';
import { useGraphStore } from '@/app/state/graphStore';
import { showToast } from '@/app/lib/toastStore';
import { CATEGORY_STYLE, displayName, handleLabel } from '@/app/lib/nodeStyle';
import { ParamForm } from './ParamForm';
import { useCompiled } from './CompileContext';
import { InspectorLayerSweep } from '@/app/components/run/views/InspectorLayerSweep';
import { isSourceOf } from '@/app/lib/nodeRoles';

type LazyInspector = InspectorComponent;
const lazyCache = new Map<string, LazyInspector>();

function lazyInspectorFor(def: NodeDefinition): LazyInspector | null {
  const load = inspectorLoader(def.type);
  if (!load) return null;
  let c = lazyCache.get(def.type);
  if (!c) {
    c = lazy(load as () => Promise<{ default: LazyInspector }>);
    lazyCache.set(def.type, c);
  }
  return c;
}

/** A broken custom inspector must not take the whole editor down. */
class InspectorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  state = { error: null as Error | null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  render() {
    if (this.state.error) return <p className="field-error">This node’s custom settings failed to load: {this.state.error.message}</p>;
    return this.props.children;
  }
}

function InputWiring({ node, def, graph, readOnly }: { node: GraphNode; def: NodeDefinition; graph: GraftGraph; readOnly: boolean }) {
  const setInputSource = useGraphStore((s) => s.setInputSource);
  if (def.inputs.length === 0) return null;
  const name = displayName(node, def);
  return (
    <section className="insp-section" aria-labelledby={`wiring-${node.id}`}>
      <h3 id={`wiring-${node.id}`} className="insp-h">Inputs</h3>
      {def.inputs.map((port) => {
        const current = graph.edges.find((e) => e.target === node.id && e.targetHandle === port.id);
        const candidates: Array<{ value: string; label: string }> = [];
        for (const other of graph.nodes) {
          if (other.id === node.id) continue;
          const odef = getNodeDefinition(other.type);
          for (const out of odef?.outputs ?? []) {
            if (out.type !== port.type) continue;
            candidates.push({ value: `${other.id}\u0000${out.id}`, label: `${displayName(other, odef)} → ${out.label}` });
          }
        }
        const value = current ? `${current.source}\u0000${current.sourceHandle}` : '';
        return (
          <div className="field" key={port.id}>
            <label className="field-label" htmlFor={`wire-${node.id}-${port.id}`}>
              <span className="port-dot" style={{ background: PORT_TYPES[port.type].color }} aria-hidden="true" />
              {port.label} <span className="muted">({PORT_TYPES[port.type].label})</span>
            </label>
            <select
              id={`wire-${node.id}-${port.id}`}
              className="field-input"
              value={value}
              disabled={readOnly}
              aria-label={`${handleLabel(name, 'input', port)} source`}
              onChange={(e) => {
                const [src, handle] = e.target.value.split('\u0000');
                const reason = setInputSource(node.id, port.id, src ? { node: src, handle } : null);
                if (reason) showToast(`Can’t connect: ${reason}`, 'error');
              }}
            >
              <option value="">{port.optional ? '— not connected (optional) —' : '— not connected —'}</option>
              {candidates.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </section>
  );
}

function LabelField({ node, def, readOnly }: { node: GraphNode; def: NodeDefinition | undefined; readOnly: boolean }) {
  const setNodeLabel = useGraphStore((s) => s.setNodeLabel);
  const breakCoalescing = useGraphStore((s) => s.breakCoalescing);
  const [text, setText] = useState(node.label ?? '');
  useEffect(() => setText(node.label ?? ''), [node.label, node.id]);
  return (
    <div className="field">
      <label className="field-label" htmlFor={`label-${node.id}`}>
        Node label
      </label>
      <input
        id={`label-${node.id}`}
        className="field-input"
        value={text}
        maxLength={120}
        placeholder={def?.title ?? node.type}
        readOnly={readOnly}
        onChange={(e) => {
          setText(e.target.value);
          setNodeLabel(node.id, e.target.value);
        }}
        onBlur={breakCoalescing}
      />
    </div>
  );
}

export function Inspector({ nodeId }: { nodeId: string }) {
  const graph = useGraphStore((s) => s.graph);
  const readOnly = useGraphStore((s) => s.readOnly);
  const updateNodeParams = useGraphStore((s) => s.updateNodeParams);
  const breakCoalescing = useGraphStore((s) => s.breakCoalescing);
  const services = useInspectorServices();
  const { errorsByNode, warningsByNode } = useCompiled();
  const node = graph.nodes.find((n) => n.id === nodeId);
  const def = node ? getNodeDefinition(node.type) : undefined;
  const fields = useMemo(() => (def ? paramFields(def).filter((f) => !f.hidden && !(def.hiddenParams ?? []).includes(f.key)) : []), [def]);
  if (!node) return null;
  const name = displayName(node, def);
  const CustomInspector = def ? lazyInspectorFor(def) : null;
  const parsed = def ? parseNodeParams(def, node.params) : null;
  // Errors that belong to the node but not to a form field (ports, graph shape) are listed at the top.
  const nodeErrors = (errorsByNode.get(node.id) ?? []).filter((e) => !e.param || !fields.some((f) => f.key === e.param));
  const warnings = warningsByNode.get(node.id) ?? [];
  const cat = def ? CATEGORY_STYLE[def.category] : null;
  // Fields irrelevant to the current settings (e.g. SGD momentum while using Adam) are hidden, unless invalid.
  const shownFields =
    def?.paramApplies && parsed
      ? fields.filter((f) => def.paramApplies!(f.key, parsed.params) || parsed.errors.some((e) => e.param === f.key))
      : fields;

  return (
    <section className="inspector" aria-label={`Inspector: ${name}`}>
      <header className="insp-header" style={{ ['--cat' as string]: cat?.color ?? '#868e96', ['--cat-text' as string]: cat?.text ?? '#495057' }}>
        <span className="insp-cat">{cat?.label ?? 'Unknown'}</span>
        <h2 className="insp-title">{name}</h2>
        {node.label && def && <p className="muted insp-type">{def.title}</p>}
      </header>
      {def ? <p className="insp-explanation">{def.explanation}</p> : <p className="field-error">Graft does not know the node type “{node.type}”. Delete it or replace it.</p>}
      {nodeErrors.length > 0 && (
        <ul className="insp-errors" aria-label="Node problems">
          {nodeErrors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      {warnings.length > 0 && (
        <ul className="insp-warnings" aria-label="Node warnings">
          {warnings.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      <LabelField node={node} def={def} readOnly={readOnly} />
      {def && <InputWiring node={node} def={def} graph={graph} readOnly={readOnly} />}
      {def && CustomInspector && parsed && (
        <section className="insp-section insp-custom">
          <InspectorBoundary resetKey={node.id}>
            <Suspense fallback={<p className="muted">Loading…</p>}>
              <CustomInspector
                node={node}
                params={parsed.params}
                graph={graph}
                readOnly={readOnly}
                services={services}
                onChange={(patch) => {
                  if (!readOnly) updateNodeParams(node.id, patch as Record<string, unknown>);
                }}
              />
            </Suspense>
          </InspectorBoundary>
        </section>
      )}
      {/* The model the pipeline cuts: "which layer to cut?" belongs to the node that brings it in. */}
      {isSourceOf(def, 'model') && <InspectorLayerSweep nodeId={node.id} readOnly={readOnly} />}
      {def && (fields.length > 0 || !CustomInspector) && (
        <section className="insp-section" aria-labelledby={`settings-${node.id}`}>
          <div className="insp-h-row">
            <h3 id={`settings-${node.id}`} className="insp-h">Settings</h3>
            {!readOnly && fields.length > 0 && (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => {
                  const defaults = defaultParams(def);
                  const patch = Object.fromEntries(fields.map((f) => [f.key, defaults[f.key]]));
                  updateNodeParams(node.id, patch, { coalesce: `reset:${node.id}:${Date.now()}` });
                }}
              >
                Reset to defaults
              </button>
            )}
          </div>
          <ParamForm
            node={node}
            def={def}
            fields={shownFields}
            readOnly={readOnly}
            onCommit={(key, value) => updateNodeParams(node.id, { [key]: value })}
            onBlur={breakCoalescing}
          />
        </section>
      )}
    </section>
  );
}
