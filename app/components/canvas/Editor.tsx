'use client';
/**
 * The canvas editor. The graph store is the single source of truth: React Flow's nodes and edges are derived
 * from it on every render, and every React Flow change is turned back into a store action (undoable).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import { emptyGraph, type GraftGraph, type GraphNode } from '@/nodes/core/graph';
import { PORT_TYPES } from '@/nodes/core/types';
import { getNodeDefinition } from '@/nodes/registry';
import { connectionProblem, useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { autoLayout, DEFAULT_NODE_SIZE } from '@/app/lib/layout';
import { downloadGraph, readGraphFile } from '@/app/lib/graphFile';
import { showToast } from '@/app/lib/toastStore';
import { CATEGORY_STYLE, displayName } from '@/app/lib/nodeStyle';
import { CANVAS_TEMPLATES, initialGraph } from '@/app/lib/templates';
import { DockPanel } from '@/app/components/slots';
import { CompileProvider } from './CompileContext';
import { DatasetIssuesWatcher } from '@/app/components/dataset/DatasetIssuesWatcher';
import { GraftNode, type GraftFlowNode } from './GraftNode';
import { Palette, NODE_DRAG_MIME } from './Palette';
import { Inspector } from './Inspector';
import { ProblemsPanel } from './ProblemsPanel';
import { CodeDialog } from './CodeDialog';
import { EditTools, Toolbar } from './Toolbar';
import { StatusLine } from './StatusLine';

/** Fit the graph below the floating edit-tools bar (top) so no handle hides under it. */
const FIT_VIEW = { padding: { top: '72px', right: '32px', bottom: '32px', left: '32px' }, maxZoom: 1.1 } as const;

const nodeTypes: NodeTypes = { graft: GraftNode };
const SNAP: [number, number] = [16, 16];
type Size = { width: number; height: number };

function isEditableTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog');
}

function portTypeOf(graph: GraftGraph, nodeId: string, handle: string, dir: 'out' | 'in') {
  const n = graph.nodes.find((x) => x.id === nodeId);
  const def = n ? getNodeDefinition(n.type) : undefined;
  return (dir === 'out' ? def?.outputs : def?.inputs)?.find((p) => p.id === handle);
}

function EditorInner() {
  const rf = useReactFlow();
  const graph = useGraphStore((s) => s.graph);
  const readOnly = useGraphStore((s) => s.readOnly);
  const selectedNodeIds = useGraphStore((s) => s.selectedNodeIds);
  const selectedEdgeIds = useGraphStore((s) => s.selectedEdgeIds);
  const nodeStates = useRunStore((s) => s.nodeStates);
  const [codeOpen, setCodeOpen] = useState(false);
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const [dropActive, setDropActive] = useState(false);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const dragSession = useRef(0);

  // First load: show the pipeline template unless someone (e.g. a shared link) already loaded a graph.
  useEffect(() => {
    const s = useGraphStore.getState();
    if (s.revision === 0 && s.graph.nodes.length === 0) s.replaceGraph(initialGraph());
  }, []);

  // Dev-only handle for poking at state from the browser console (and manual checks of run-state badges).
  useEffect(() => {
    if (process.env.NODE_ENV !== 'production') {
      (window as unknown as { __graft?: unknown }).__graft = { graph: useGraphStore, run: useRunStore };
    }
  }, []);

  // ---- derive React Flow state from the store (node objects are cached so unchanged nodes keep identity) ----
  const nodeCache = useRef(new Map<string, { src: GraphNode; selected: boolean; size?: Size; readOnly: boolean; rf: GraftFlowNode }>());
  const rfNodes = useMemo(() => {
    const selected = new Set(selectedNodeIds);
    const cache = nodeCache.current;
    const next = new Map<string, typeof cache extends Map<string, infer V> ? V : never>();
    const out = graph.nodes.map((n) => {
      const sel = selected.has(n.id);
      const size = sizes[n.id];
      const prev = cache.get(n.id);
      if (prev && prev.src === n && prev.selected === sel && prev.size === size && prev.readOnly === readOnly) {
        next.set(n.id, prev);
        return prev.rf;
      }
      const def = getNodeDefinition(n.type);
      const node: GraftFlowNode = {
        id: n.id,
        type: 'graft',
        position: n.position,
        data: { node: n, readOnly },
        selected: sel,
        ariaLabel: `${displayName(n, def)} node`,
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
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    return graph.edges.map((e) => {
      const port = portTypeOf(graph, e.source, e.sourceHandle, 'out');
      const color = port ? PORT_TYPES[port.type].color : '#868e96';
      const src = byId.get(e.source);
      const tgt = byId.get(e.target);
      const srcName = src ? displayName(src, getNodeDefinition(src.type)) : e.source;
      const tgtName = tgt ? displayName(tgt, getNodeDefinition(tgt.type)) : e.target;
      const running = nodeStates[e.target]?.state === 'running';
      return {
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle,
        target: e.target,
        targetHandle: e.targetHandle,
        selected: selected.has(e.id),
        animated: running,
        style: { stroke: color, strokeWidth: selected.has(e.id) ? 3.5 : 2.25 },
        markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
        ariaLabel: `Connection from ${srcName} to ${tgtName}${port ? ` (${PORT_TYPES[port.type].label})` : ''}`,
      };
    });
  }, [graph, selectedEdgeIds, nodeStates]);

  // ---- React Flow → store ----
  const onNodesChange = useCallback((changes: NodeChange<GraftFlowNode>[]) => {
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
  }, []);

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

  const isValidConnection = useCallback((c: Connection | Edge) => {
    const s = useGraphStore.getState();
    if (s.readOnly || !c.sourceHandle || !c.targetHandle) return false;
    return connectionProblem(s.graph, { source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle }).reason === null;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (!c.sourceHandle || !c.targetHandle) return;
    const before = useGraphStore.getState().graph.edges.length;
    const reason = useGraphStore.getState().connect({ source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle });
    if (reason) showToast(`Can’t connect: ${reason}`, 'error');
    else if (useGraphStore.getState().graph.edges.length === before) showToast('Replaced the input’s previous connection (Undo to restore it).');
  }, []);

  // When a drag ends over a handle that refused the connection, say why.
  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
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
  }, []);

  // ---- commands ----
  const fitSoon = useCallback(() => {
    requestAnimationFrame(() => requestAnimationFrame(() => rf.fitView({ ...FIT_VIEW, duration: 250 })));
  }, [rf]);

  const addAtCentre = useCallback(
    (type: string) => {
      const el = wrapperRef.current;
      if (!el) return;
      const r = el.getBoundingClientRect();
      const c = rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
      // New nodes start unconnected, so their error list makes them taller than an average node.
      const NEW = { width: DEFAULT_NODE_SIZE.width, height: 280 };
      let pos = { x: c.x - NEW.width / 2, y: c.y - NEW.height / 2 };
      // Find a free spot near the centre so the new node doesn't cover another one.
      const nodes = useGraphStore.getState().graph.nodes;
      const overlaps = (p: { x: number; y: number }) =>
        nodes.some((n) => {
          const sz = sizes[n.id] ?? DEFAULT_NODE_SIZE;
          return p.x < n.position.x + sz.width + 16 && p.x + NEW.width + 16 > n.position.x && p.y < n.position.y + sz.height + 16 && p.y + NEW.height + 16 > n.position.y;
        });
      const start = pos;
      search: for (let ring = 1; ring <= 12 && overlaps(pos); ring++) {
        for (const [dx, dy] of [[0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]]) {
          const cand = { x: start.x + dx * ring * 80, y: start.y + dy * ring * 70 };
          if (!overlaps(cand)) {
            pos = cand;
            break search;
          }
        }
      }
      pos = { x: Math.round(pos.x / SNAP[0]) * SNAP[0], y: Math.round(pos.y / SNAP[1]) * SNAP[1] };
      const id = useGraphStore.getState().addNode(type, pos);
      if (id) showToast(`Added ${getNodeDefinition(type)?.title ?? type}.`);
    },
    [rf, sizes],
  );

  const focusNode = useCallback(
    (id: string) => {
      useGraphStore.getState().setSelection([id]);
      rf.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2, padding: 0.6 });
      requestAnimationFrame(() => {
        const el = wrapperRef.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
        el?.focus({ preventScroll: true });
      });
    },
    [rf],
  );

  const importFile = useCallback(
    async (file: File) => {
      const store = useGraphStore.getState();
      if (store.readOnly) {
        showToast('This graph is read-only: fork it before importing.', 'error');
        return;
      }
      const result = await readGraphFile(file);
      if (!result.ok) {
        showToast(result.error, 'error');
        return;
      }
      // Undoable, so importing over unsaved work never loses it.
      store.setGraph(result.graph);
      store.setSelection([]);
      showToast(`Imported “${result.graph.name}” (${result.graph.nodes.length} nodes). Undo brings back the previous graph.`);
      fitSoon();
    },
    [fitSoon],
  );

  const onNew = useCallback(() => {
    const s = useGraphStore.getState();
    s.setGraph(emptyGraph());
    s.setSelection([]);
    showToast('Started an empty graph. Undo (Ctrl+Z) brings back the previous one.');
  }, []);

  const onTemplate = useCallback(
    (id: string) => {
      const t = CANVAS_TEMPLATES.find((x) => x.id === id);
      if (!t) return;
      const s = useGraphStore.getState();
      s.setGraph(t.build());
      s.setSelection([]);
      showToast(`Loaded the “${t.name}” template. Undo brings back the previous graph.`);
      fitSoon();
    },
    [fitSoon],
  );

  // A graph loaded from elsewhere (shared link, saved version, fork) gets framed in the view.
  const loadId = useGraphStore((s) => s.loadId);
  useEffect(() => {
    if (loadId > 1) fitSoon();
  }, [loadId, fitSoon]);

  const onAutoLayout = useCallback(() => {
    const s = useGraphStore.getState();
    if (s.graph.nodes.length === 0) return;
    s.moveNodes(autoLayout(s.graph, sizes));
    s.breakCoalescing();
    fitSoon();
  }, [sizes, fitSoon]);

  const onExport = useCallback(() => {
    const name = downloadGraph(useGraphStore.getState().graph);
    showToast(`Downloaded ${name}.`);
  }, []);

  // ---- keyboard shortcuts ----
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isEditableTarget(e.target)) return;
      const s = useGraphStore.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z' && !e.shiftKey) {
        e.preventDefault();
        s.undo();
      } else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) {
        e.preventDefault();
        s.redo();
      } else if (mod && key === 'c') {
        if (window.getSelection()?.toString()) return; // let the browser copy selected text
        if (s.copySelection()) showToast(`Copied ${s.selectedNodeIds.length} node${s.selectedNodeIds.length === 1 ? '' : 's'}.`);
      } else if (mod && key === 'v') {
        if (!s.clipboard || s.readOnly) return;
        e.preventDefault();
        s.paste();
      } else if (mod && key === 'd') {
        e.preventDefault();
        s.duplicateSelection();
      } else if (mod && key === 'a') {
        e.preventDefault();
        s.setSelection(s.graph.nodes.map((n) => n.id), s.graph.edges.map((x) => x.id));
      } else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        if (s.selectedNodeIds.length + s.selectedEdgeIds.length === 0) return;
        e.preventDefault();
        s.deleteSelection();
      } else if (e.key === 'Escape') {
        s.setSelection([]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- drop: palette items and .graft.json files ----
  const onDragOver = useCallback((e: React.DragEvent) => {
    const types = Array.from(e.dataTransfer.types);
    if (types.includes(NODE_DRAG_MIME) || types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      if (types.includes('Files')) setDropActive(true);
    }
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      setDropActive(false);
      const type = e.dataTransfer.getData(NODE_DRAG_MIME);
      if (type) {
        e.preventDefault();
        const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        const id = useGraphStore.getState().addNode(type, { x: p.x - DEFAULT_NODE_SIZE.width / 2, y: p.y - 24 });
        if (id) showToast(`Added ${getNodeDefinition(type)?.title ?? type}.`);
        return;
      }
      const file = e.dataTransfer.files?.[0];
      if (file) {
        e.preventDefault();
        if (/^image\//.test(file.type) || /\.(zip|jpe?g|png|gif|webp|bmp)$/i.test(file.name)) {
          showToast(`“${file.name}” is not a graph. To train on your own images, select the Dataset node and upload a folder or zip there.`, 'error');
          return;
        }
        void importFile(file);
      }
    },
    [rf, importFile],
  );

  const inspected = selectedNodeIds.length === 1 ? selectedNodeIds[0] : null;

  return (
    <div className="app">
      <Toolbar
        onNew={onNew}
        onTemplate={onTemplate}
        onViewCode={() => setCodeOpen(true)}
        onExport={onExport}
        onImportFile={(f) => void importFile(f)}
      />
      <div className="workspace">
        <Palette onAdd={addAtCentre} disabled={readOnly} />
        {/* The run dock sits under the canvas only, so palette and inspector keep their full height. */}
        <div className="center">
        <main
          ref={wrapperRef}
          className={`canvas${dropActive ? ' canvas-drop' : ''}`}
          aria-label="Graph canvas"
          onDragOver={onDragOver}
          onDragLeave={() => setDropActive(false)}
          onDrop={onDrop}
        >
          <EditTools onAutoLayout={onAutoLayout} />
          <ReactFlow<GraftFlowNode, Edge>
            nodes={rfNodes}
            edges={rfEdges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onNodeDragStart={() => {
              dragSession.current += 1;
            }}
            onNodeDragStop={() => useGraphStore.getState().breakCoalescing()}
            onSelectionDragStart={() => {
              dragSession.current += 1;
            }}
            onSelectionDragStop={() => useGraphStore.getState().breakCoalescing()}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            edgesReconnectable={false}
            deleteKeyCode={null}
            multiSelectionKeyCode={['Meta', 'Control']}
            selectionKeyCode="Shift"
            snapToGrid
            snapGrid={SNAP}
            fitView
            fitViewOptions={FIT_VIEW}
            minZoom={0.2}
            maxZoom={2}
            proOptions={{ hideAttribution: false }}
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#ced4da" />
            <MiniMap
              pannable
              zoomable
              nodeColor={(n) => {
                const def = getNodeDefinition((n.data as GraftFlowNode['data']).node.type);
                return def ? CATEGORY_STYLE[def.category].color : '#adb5bd';
              }}
              nodeStrokeWidth={0}
              maskColor="rgba(241, 243, 245, 0.7)"
            />
            <Controls showInteractive={false} fitViewOptions={FIT_VIEW} />
          </ReactFlow>
          {graph.nodes.length === 0 && (
            <div className="canvas-empty">
              <p className="canvas-empty-title">An empty canvas</p>
              <p>Add nodes from the palette on the left, pick a template, or drop a .graft.json file here.</p>
            </div>
          )}
          {dropActive && <div className="drop-hint">Drop a .graft.json file to import it</div>}
          <StatusLine />
        </main>
        <div className="dock">
          <DockPanel />
        </div>
        </div>
        <aside className="sidebar" aria-label="Details">
          <div className="sidebar-main">
            {inspected ? (
              <Inspector key={inspected} nodeId={inspected} />
            ) : (
              <Overview count={selectedNodeIds.length} />
            )}
          </div>
          <ProblemsPanel onFocusNode={focusNode} />
        </aside>
      </div>
      <CodeDialog open={codeOpen} onClose={() => setCodeOpen(false)} />
    </div>
  );
}

function Overview({ count }: { count: number }) {
  return (
    <section className="overview" aria-label="Inspector">
      <h2 className="panel-title">Inspector</h2>
      {count > 1 ? (
        <p className="muted">{count} nodes selected. Duplicate, delete or drag them together.</p>
      ) : (
        <p className="muted">Select a node to see what it does and change its settings.</p>
      )}
      <h3 className="insp-h">Shortcuts</h3>
      <dl className="shortcuts">
        <dt>Ctrl Z / Ctrl Shift Z</dt>
        <dd>Undo / redo</dd>
        <dt>Ctrl C / Ctrl V</dt>
        <dd>Copy / paste nodes</dd>
        <dt>Ctrl D</dt>
        <dd>Duplicate</dd>
        <dt>Delete</dt>
        <dd>Delete selection</dd>
        <dt>Shift + drag</dt>
        <dd>Box-select</dd>
        <dt>Ctrl + click</dt>
        <dd>Add to selection</dd>
      </dl>
    </section>
  );
}

export function GraftEditor() {
  return (
    <ReactFlowProvider>
      <CompileProvider>
        <DatasetIssuesWatcher />
        <EditorInner />
      </CompileProvider>
    </ReactFlowProvider>
  );
}
