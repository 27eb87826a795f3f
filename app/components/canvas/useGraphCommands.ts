'use client';
/** Editor commands: add/focus nodes, New, templates, import/export, auto layout, and framing the graph. */
import { useCallback, type RefObject } from 'react';
import { useReactFlow } from '@xyflow/react';
import { emptyGraph, type GraftGraph } from '@/nodes/core/graph';
import { getNodeDefinition } from '@/nodes/registry';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { useLayoutStore } from '@/app/state/layoutStore';
import { useDraftStore } from '@/app/state/draftStore';
import { useLessonStore } from '@/app/components/lessons/lessonStore';
import { autoLayout, DEFAULT_NODE_SIZE } from '@/app/lib/layout';
import { downloadGraph, readGraphFile } from '@/app/lib/graphFile';
import { showToast } from '@/app/lib/toastStore';
import { CANVAS_TEMPLATES } from '@/app/lib/templates';
import { fitViewOptions } from './fitView';
import type { Size } from './useFlowElements';

const SNAP = 16;

/** Put another graph on the canvas (undoable); the previous graph's run chips, problems and statuses go with it. */
export function switchGraph(graph: GraftGraph): void {
  const s = useGraphStore.getState();
  s.setGraph(graph);
  s.setSelection([]);
  useRunStore.getState().resetForNewGraph();
  useDraftStore.getState().clearAll();
  useLessonStore.getState().close();
}

export function useGraphCommands(wrapperRef: RefObject<HTMLElement | null>, sizes: Record<string, Size>) {
  const rf = useReactFlow();

  const fitSoon = useCallback(() => {
    requestAnimationFrame(() =>
      requestAnimationFrame(() => void rf.fitView({ ...fitViewOptions(useLayoutStore.getState().minimap), duration: 200 })),
    );
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
      pos = { x: Math.round(pos.x / SNAP) * SNAP, y: Math.round(pos.y / SNAP) * SNAP };
      const id = useGraphStore.getState().addNode(type, pos);
      if (id) showToast(`Added ${getNodeDefinition(type)?.title ?? type}.`);
    },
    [rf, sizes, wrapperRef],
  );

  const focusNode = useCallback(
    (id: string) => {
      useGraphStore.getState().setSelection([id]);
      void rf.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2, padding: 0.6 });
      requestAnimationFrame(() => {
        const el = wrapperRef.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
        el?.focus({ preventScroll: true });
      });
    },
    [rf, wrapperRef],
  );

  const importFile = useCallback(
    async (file: File) => {
      if (useGraphStore.getState().readOnly) {
        showToast('This graph is read-only: fork it before importing.', 'error');
        return;
      }
      const result = await readGraphFile(file);
      if (!result.ok) {
        showToast(result.error, 'error');
        return;
      }
      // Undoable, so importing over unsaved work never loses it.
      switchGraph(result.graph);
      showToast(`Imported “${result.graph.name}” (${result.graph.nodes.length} nodes). Undo brings back the previous graph.`);
      fitSoon();
    },
    [fitSoon],
  );

  const onNew = useCallback(() => {
    switchGraph(emptyGraph());
    showToast('Started an empty graph. Undo (Ctrl+Z) brings back the previous one.');
  }, []);

  const onTemplate = useCallback(
    (id: string) => {
      const t = CANVAS_TEMPLATES.find((x) => x.id === id);
      if (!t) return;
      switchGraph(t.build());
      showToast(`Loaded the “${t.name}” template. Undo brings back the previous graph.`);
      fitSoon();
    },
    [fitSoon],
  );

  const openGraph = useCallback(
    (graph: GraftGraph, message: string) => {
      switchGraph(graph);
      showToast(message);
      fitSoon();
    },
    [fitSoon],
  );

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

  return { fitSoon, addAtCentre, focusNode, importFile, onNew, onTemplate, openGraph, onAutoLayout, onExport };
}
