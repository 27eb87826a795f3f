'use client';
/**
 * The graph store is the single source of truth: React Flow's nodes and edges are derived from it on every render
 * (node objects are cached so unchanged nodes keep identity), and every React Flow change becomes a store action.
 */
import { useCallback, useMemo, useRef, useState, type MutableRefObject } from 'react';
import { MarkerType, type Connection, type Edge, type EdgeChange, type FinalConnectionState, type NodeChange } from '@xyflow/react';
import type { GraftGraph, GraphNode } from '@/nodes/core/graph';
import { PORT_TYPES } from '@/nodes/core/types';
import { getNodeDefinition } from '@/nodes/registry';
import { connectionProblem, useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { showToast } from '@/app/lib/toastStore';
import { displayName } from '@/app/lib/nodeStyle';
import type { GraftFlowNode } from './GraftNode';

export type Size = { width: number; height: number };
type CacheEntry = { src: GraphNode; selected: boolean; size?: Size; readOnly: boolean; rf: GraftFlowNode };

function portTypeOf(graph: GraftGraph, nodeId: string, handle: string, dir: 'out' | 'in') {
  const n = graph.nodes.find((x) => x.id === nodeId);
  const def = n ? getNodeDefinition(n.type) : undefined;
  return (dir === 'out' ? def?.outputs : def?.inputs)?.find((p) => p.id === handle);
}

export function useFlowElements(dragSession: MutableRefObject<number>) {
  const graph = useGraphStore((s) => s.graph);
  const readOnly = useGraphStore((s) => s.readOnly);
  const selectedNodeIds = useGraphStore((s) => s.selectedNodeIds);
  const selectedEdgeIds = useGraphStore((s) => s.selectedEdgeIds);
  // Only which nodes are running matters here (their incoming edges animate): a string, so node messages during a
  // run do not rebuild every edge and re-render the whole editor.
  const runningKey = useRunStore((s) => runningNodeIds(s.nodeStates));
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const nodeCache = useRef(new Map<string, CacheEntry>());

  const rfNodes = useMemo(() => {
    const selected = new Set(selectedNodeIds);
    const next = new Map<string, CacheEntry>();
    const out = graph.nodes.map((n) => {
      const sel = selected.has(n.id);
      const size = sizes[n.id];
      const prev = nodeCache.current.get(n.id);
      if (prev && prev.src === n && prev.selected === sel && prev.size === size && prev.readOnly === readOnly) {
        next.set(n.id, prev);
        return prev.rf;
      }
      const node: GraftFlowNode = {
        id: n.id,
        type: 'graft',
        position: n.position,
        data: { node: n, readOnly },
        selected: sel,
        ariaLabel: `${displayName(n, getNodeDefinition(n.type))} node`,
        ...(size ? { measured: size } : {}),
      };
      next.set(n.id, { src: n, selected: sel, size, readOnly, rf: node });
      return node;
    });
    nodeCache.current = next;
    return out;
  }, [graph.nodes, selectedNodeIds, sizes, readOnly]);

  const rfEdges = useMemo<Edge[]>(() => {
    const selected = new Set(selectedEdgeIds);
    const running = new Set(JSON.parse(runningKey) as string[]);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    return graph.edges.map((e) => {
      const port = portTypeOf(graph, e.source, e.sourceHandle, 'out');
      const color = port ? PORT_TYPES[port.type].color : '#868e96';
      const src = byId.get(e.source);
      const tgt = byId.get(e.target);
      const srcName = src ? displayName(src, getNodeDefinition(src.type)) : e.source;
      const tgtName = tgt ? displayName(tgt, getNodeDefinition(tgt.type)) : e.target;
      return {
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle,
        target: e.target,
        targetHandle: e.targetHandle,
        selected: selected.has(e.id),
        // Edges into a running node are dashed but still: React Flow's moving dash is an SVG stroke animation that
        // repaints the page every frame (not on the compositor), taking a core from the engine worker during a run.
        style: { stroke: color, strokeWidth: selected.has(e.id) ? 3.5 : 2.25, ...(running.has(e.target) ? { strokeDasharray: '6 4' } : {}) },
        markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
        ariaLabel: `Connection from ${srcName} to ${tgtName}${port ? ` (${PORT_TYPES[port.type].label})` : ''}`,
      };
    });
  }, [graph, selectedEdgeIds, runningKey]);

  const onNodesChange = useCallback(
    (changes: NodeChange<GraftFlowNode>[]) => {
      const store = useGraphStore.getState();
      const positions: Record<string, { x: number; y: number }> = {};
      let dragging = false;
      let selectionChanged = false;
      const sel = new Set(store.selectedNodeIds);
      const newSizes: Record<string, Size> = {};
      for (const c of changes) {
        if (c.type === 'position' && c.position) {
          positions[c.id] = c.position;
          if (c.dragging) dragging = true;
        } else if (c.type === 'select') {
          selectionChanged = true;
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          newSizes[c.id] = { width: c.dimensions.width, height: c.dimensions.height };
        }
      }
      if (Object.keys(positions).length > 0) {
        // One undo step per drag gesture; keyboard nudges coalesce by time.
        store.moveNodes(positions, dragging ? { coalesce: `drag:${dragSession.current}`, windowMs: Infinity } : { coalesce: 'nudge' });
      }
      if (selectionChanged) store.setSelection([...sel], store.selectedEdgeIds);
      if (Object.keys(newSizes).length > 0) {
        setSizes((prev) => {
          let changed = false;
          const next = { ...prev };
          for (const [id, s] of Object.entries(newSizes)) {
            if (prev[id]?.width !== s.width || prev[id]?.height !== s.height) {
              next[id] = s;
              changed = true;
            }
          }
          return changed ? next : prev;
        });
      }
    },
    [dragSession],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const store = useGraphStore.getState();
    const sel = new Set(store.selectedEdgeIds);
    let changed = false;
    for (const c of changes) {
      if (c.type === 'select') {
        changed = true;
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
    }
    if (changed) store.setSelection(useGraphStore.getState().selectedNodeIds, [...sel]);
  }, []);

  return { rfNodes, rfEdges, sizes, onNodesChange, onEdgesChange };
}

/** Ids of the running nodes as one JSON string (equal while the same nodes run). */
function runningNodeIds(states: Record<string, { state: string }>): string {
  return JSON.stringify(Object.keys(states).filter((id) => states[id].state === 'running'));
}

export function isValidConnection(c: Connection | Edge): boolean {
  const s = useGraphStore.getState();
  if (s.readOnly || !c.sourceHandle || !c.targetHandle) return false;
  return connectionProblem(s.graph, { source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle }).reason === null;
}

export function onConnect(c: Connection): void {
  if (!c.sourceHandle || !c.targetHandle) return;
  const before = useGraphStore.getState().graph.edges.length;
  const reason = useGraphStore.getState().connect({ source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle });
  if (reason) showToast(`Can’t connect: ${reason}`, 'error');
  else if (useGraphStore.getState().graph.edges.length === before) showToast('Replaced the input’s previous connection (Undo to restore it).');
}

/** When a drag ends over a handle that refused the connection, say why. */
export function onConnectEnd(_e: MouseEvent | TouchEvent, state: FinalConnectionState): void {
  if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
  const from = state.fromHandle;
  const to = state.toHandle;
  if (from.type === to.type) {
    showToast(
      from.type === 'source'
        ? 'Can’t connect two outputs: drag from an output (right side) to an input (left side).'
        : 'Can’t connect two inputs: drag from an output (right side) to an input (left side).',
      'error',
    );
    return;
  }
  const [src, tgt] = from.type === 'source' ? [from, to] : [to, from];
  const reason = connectionProblem(useGraphStore.getState().graph, {
    source: src.nodeId,
    sourceHandle: src.id ?? '',
    target: tgt.nodeId,
    targetHandle: tgt.id ?? '',
  }).reason;
  showToast(`Can’t connect: ${reason ?? 'these ports are not compatible.'}`, 'error');
}
