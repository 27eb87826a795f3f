'use client';
/**
 * The editor shell: toolbar, palette, canvas with the run dock under it, inspector + problems on the right. The shell
 * is exactly the viewport (no document scroll); each panel scrolls inside itself.
 */
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, type Edge, type NodeTypes } from '@xyflow/react';
import { getNodeDefinition } from '@/nodes/registry';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { useLayoutStore } from '@/app/state/layoutStore';
import { CATEGORY_STYLE } from '@/app/lib/nodeStyle';
import { initialGraph } from '@/app/lib/templates';
import { DockPanel } from '@/app/components/slots';
import { DatasetIssuesWatcher } from '@/app/components/dataset/DatasetIssuesWatcher';
import { CompileProvider } from './CompileContext';
import { GraftNode, type GraftFlowNode } from './GraftNode';
import { Palette } from './Palette';
import { Inspector } from './Inspector';
import { ProblemsPanel } from './ProblemsPanel';
import { CodeDialog } from './CodeDialog';
import { EditTools, Toolbar } from './Toolbar';
import { StatusLine } from './StatusLine';
import { Overview } from './Overview';
import { RunDock } from './RunDock';
import { LessonPanel } from '@/app/components/lessons/LessonPanel';
import { fitViewOptions, MINIMAP_SIZE } from './fitView';
import { isValidConnection, onConnect, onConnectEnd, useFlowElements } from './useFlowElements';
import { useGraphCommands } from './useGraphCommands';
import { useCanvasDrop } from './useCanvasDrop';
import { useEditorShortcuts } from './useEditorShortcuts';
import { useGraphLifecycle } from './useGraphLifecycle';

const nodeTypes: NodeTypes = { graft: GraftNode };

// The editor re-renders whenever a node's measured size changes — during a run the node chips grow and shrink — and
// when the set of running nodes changes. The panels around the canvas depend on none of that: memoised, they
// re-render only for their own props and stores (a whole-editor render per chip change was most of those tasks).
const ToolbarPanel = memo(Toolbar);
const PalettePanel = memo(Palette);
const InspectorPanel = memo(Inspector);
const OverviewPanel = memo(Overview);
const Problems = memo(ProblemsPanel);
const Lesson = memo(LessonPanel);
const Status = memo(StatusLine);
const Code = memo(CodeDialog);
const Dock = memo(function Dock() {
  return (
    <RunDock>
      <DockPanel />
    </RunDock>
  );
});
const SNAP: [number, number] = [16, 16];

function EditorInner({ initial }: { initial?: () => import('@/nodes/core/graph').GraftGraph }) {
  const graph = useGraphStore((s) => s.graph);
  const readOnly = useGraphStore((s) => s.readOnly);
  const selectedNodeIds = useGraphStore((s) => s.selectedNodeIds);
  const minimap = useLayoutStore((s) => s.minimap);
  const [codeOpen, setCodeOpen] = useState(false);
  const wrapperRef = useRef<HTMLElement>(null);
  const dragSession = useRef(0);
  const { rfNodes, rfEdges, sizes, onNodesChange, onEdgesChange } = useFlowElements(dragSession);
  const commands = useGraphCommands(wrapperRef, sizes);
  const drop = useCanvasDrop(commands.importFile);
  useEditorShortcuts();
  // Set when the student pans or zooms by hand (events with a source); automatic re-framing then leaves the view alone.
  const userMoved = useRef(false);
  useGraphLifecycle(wrapperRef, commands.fitSoon, sizes, userMoved);

  // First load: show the starting graph unless someone (e.g. a shared link) already loaded one.
  useEffect(() => {
    const s = useGraphStore.getState();
    if (s.revision === 0 && s.graph.nodes.length === 0) s.replaceGraph((initial ?? initialGraph)());
  }, [initial]);

  // Dev-only handle for poking at state from the browser console (and manual checks of run-state badges).
  useEffect(() => {
    if (process.env.NODE_ENV !== 'production') {
      (window as unknown as { __graft?: unknown }).__graft = { graph: useGraphStore, run: useRunStore };
    }
  }, []);

  const inspected = selectedNodeIds.length === 1 ? selectedNodeIds[0] : null;
  const openCode = useCallback(() => setCodeOpen(true), []);
  const closeCode = useCallback(() => setCodeOpen(false), []);
  const { importFile } = commands;
  const importGraphFile = useCallback((f: File) => void importFile(f), [importFile]);
  const fit = fitViewOptions(minimap);

  return (
    <div className="app">
      <ToolbarPanel
        onNew={commands.onNew}
        onTemplate={commands.onTemplate}
        onOpenGraph={commands.openGraph}
        onViewCode={openCode}
        onExport={commands.onExport}
        onImportFile={importGraphFile}
      />
      <div className="workspace">
        <PalettePanel onAdd={commands.addAtCentre} disabled={readOnly} />
        {/* The run dock sits under the canvas only, so palette and inspector keep their full height. */}
        <div className="center">
          <main
            ref={wrapperRef}
            className={`canvas${drop.dropActive ? ' canvas-drop' : ''}`}
            aria-label="Graph canvas"
            onDragOver={drop.onDragOver}
            onDragLeave={drop.onDragLeave}
            onDrop={drop.onDrop}
          >
            <EditTools onAutoLayout={commands.onAutoLayout} />
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
              onMoveStart={(event) => {
                if (event) userMoved.current = true;
              }}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              edgesReconnectable={false}
              deleteKeyCode={null}
              multiSelectionKeyCode={['Meta', 'Control']}
              selectionKeyCode="Shift"
              snapToGrid
              snapGrid={SNAP}
              fitView
              fitViewOptions={fit}
              minZoom={0.2}
              maxZoom={2}
              proOptions={{ hideAttribution: false }}
            >
              <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#ced4da" />
              {minimap && (
                <MiniMap
                  pannable
                  zoomable
                  ariaLabel="Minimap"
                  style={{ width: MINIMAP_SIZE.width, height: MINIMAP_SIZE.height }}
                  nodeColor={(n) => {
                    const def = getNodeDefinition((n.data as GraftFlowNode['data']).node.type);
                    return def ? CATEGORY_STYLE[def.category].color : '#adb5bd';
                  }}
                  nodeStrokeWidth={0}
                  maskColor="rgba(241, 243, 245, 0.7)"
                />
              )}
              <Controls showInteractive={false} fitViewOptions={fit} position="top-right" orientation="horizontal">
                <ControlButton
                  onClick={() => useLayoutStore.getState().setMinimap(!minimap)}
                  title={minimap ? 'Hide minimap' : 'Show minimap'}
                  aria-label={minimap ? 'Hide minimap' : 'Show minimap'}
                  aria-pressed={minimap}
                >
                  <span aria-hidden="true">▦</span>
                </ControlButton>
              </Controls>
            </ReactFlow>
            {graph.nodes.length === 0 && (
              <div className="canvas-empty">
                <p className="canvas-empty-title">An empty canvas</p>
                <p>Add nodes from the palette on the left, pick a template or a lesson, or drop a .graft.json file here.</p>
              </div>
            )}
            {drop.dropActive && <div className="drop-hint">Drop a .graft.json file to import it</div>}
            <Status />
          </main>
          <Dock />
        </div>
        <aside className="sidebar" aria-label="Details">
          <div className="sidebar-main">
            <Lesson />
            {inspected ? <InspectorPanel key={inspected} nodeId={inspected} /> : <OverviewPanel count={selectedNodeIds.length} />}
          </div>
          <Problems onFocusNode={commands.focusNode} />
        </aside>
      </div>
      <Code open={codeOpen} onClose={closeCode} />
    </div>
  );
}

export function GraftEditor({ initial }: { initial?: () => import('@/nodes/core/graph').GraftGraph } = {}) {
  return (
    <ReactFlowProvider>
      <CompileProvider>
        <DatasetIssuesWatcher />
        <EditorInner initial={initial} />
      </CompileProvider>
    </ReactFlowProvider>
  );
}
