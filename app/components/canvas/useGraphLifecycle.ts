'use client';
/**
 * Keeps the run state and the view in step with the graph: a newly loaded graph (shared link, version, fork,
 * restore) resets run chips and problems and is framed; a node whose settings change loses its stale "Done" chip;
 * the view re-fits whenever the canvas changes size (run dock opened, closed or resized; window resized).
 */
import { useEffect, type MutableRefObject, type RefObject } from 'react';
import type { Size } from './useFlowElements';
import { useReactFlow } from '@xyflow/react';
import { useGraphStore } from '@/app/state/graphStore';
import { useRunStore } from '@/app/state/runStore';
import { useLayoutStore } from '@/app/state/layoutStore';
import { useDraftStore } from '@/app/state/draftStore';
import { usePersistenceStore } from '@/app/components/persistence/persistenceStore';
import { getEditToken } from '@/app/components/persistence/editTokens';
import { rememberLastGraph } from '@/app/lib/lastGraph';
import { fitViewOptions } from './fitView';

export function useGraphLifecycle(
  wrapperRef: RefObject<HTMLElement | null>,
  fitSoon: () => void,
  sizes: Record<string, Size>,
  userMoved: MutableRefObject<boolean>,
): void {
  const rf = useReactFlow();

  // Run chips make cards taller during and after a run: keep the whole graph framed, unless the student has
  // panned or zoomed the view themselves.
  const hasRunChips = useRunStore((s) => Object.keys(s.nodeStates).length > 0);
  useEffect(() => {
    if (!hasRunChips || userMoved.current) return;
    const t = setTimeout(() => void rf.fitView(fitViewOptions(useLayoutStore.getState().minimap)), 120);
    return () => clearTimeout(t);
  }, [sizes, hasRunChips, rf, userMoved]);
  const loadId = useGraphStore((s) => s.loadId);

  useEffect(() => {
    if (loadId > 1) {
      useRunStore.getState().resetForNewGraph();
      useDraftStore.getState().clearAll();
      fitSoon();
    }
  }, [loadId, fitSoon]);

  // "/" reopens the graph this browser last edited.
  useEffect(() => {
    const remember = (id: string | null) => {
      if (id && !useGraphStore.getState().readOnly && getEditToken(id)) rememberLastGraph(id);
    };
    remember(usePersistenceStore.getState().graphId);
    return usePersistenceStore.subscribe((st, prev) => {
      if (st.graphId !== prev.graphId || st.version !== prev.version) remember(st.graphId);
    });
  }, []);

  useEffect(
    () =>
      useGraphStore.subscribe((s, prev) => {
        if (s.graph.nodes === prev.graph.nodes) return;
        const before = new Map(prev.graph.nodes.map((n) => [n.id, n.params]));
        const changed = s.graph.nodes.filter((n) => before.has(n.id) && before.get(n.id) !== n.params).map((n) => n.id);
        if (changed.length > 0) useRunStore.getState().clearFinishedStates(changed);
      }),
    [],
  );

  useEffect(() => {
    const el = wrapperRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let last = { w: el.clientWidth, h: el.clientHeight };
    let timer: ReturnType<typeof setTimeout> | null = null;
    const observer = new ResizeObserver(() => {
      const now = { w: el.clientWidth, h: el.clientHeight };
      if (Math.abs(now.w - last.w) < 2 && Math.abs(now.h - last.h) < 2) return;
      last = now;
      if (timer) clearTimeout(timer);
      // One jump (no animation) once the size settles, so nodes don't slide under the pointer.
      timer = setTimeout(() => {
        userMoved.current = false;
        void rf.fitView(fitViewOptions(useLayoutStore.getState().minimap));
      }, 80);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (timer) clearTimeout(timer);
    };
  }, [rf, wrapperRef, userMoved]);
}
