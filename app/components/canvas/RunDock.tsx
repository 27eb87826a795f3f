'use client';
/**
 * The run dock under the canvas: resizable (drag or arrow keys on its top edge), collapsible, remembers its height.
 * Before anything ran it only takes the room its content needs; with results it keeps the height the student chose,
 * and its content scrolls inside, so the canvas above keeps a stable size.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { clampDockHeight, defaultDockHeight, hydrateLayout, useLayoutStore } from '@/app/state/layoutStore';
import { useRunStore } from '@/app/state/runStore';

const STEP = 24;

function useViewportHeight(): number {
  const [vh, setVh] = useState(720);
  useEffect(() => {
    const update = () => setVh(window.innerHeight);
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return vh;
}

export function RunDock({ children }: { children: ReactNode }) {
  const vh = useViewportHeight();
  const stored = useLayoutStore((s) => s.dockHeight);
  const collapsed = useLayoutStore((s) => s.dockCollapsed);
  const setHeight = useLayoutStore((s) => s.setDockHeight);
  const hasContent = useRunStore((s) => !!s.main || !!s.scratch || s.blockedBy.length > 0);
  const runningId = useRunStore((s) => (s.main?.status === 'running' ? s.main.runId : s.scratch?.status === 'running' ? s.scratch.runId : null));
  const blocked = useRunStore((s) => s.blockedBy.length > 0);
  const drag = useRef<{ startY: number; startH: number } | null>(null);

  useEffect(() => hydrateLayout(), []);
  // A run (or a refused run) opens the dock: its progress and reasons must be seen.
  useEffect(() => {
    if (runningId !== null || blocked) useLayoutStore.getState().setDockCollapsed(false);
  }, [runningId, blocked]);

  const height = clampDockHeight(stored ?? defaultDockHeight(vh), vh);
  const maxHeight = clampDockHeight(100_000, vh);
  const style = collapsed ? undefined : hasContent ? { height } : { maxHeight: height };

  return (
    <div className={`dock${collapsed ? ' dock-collapsed' : ''}`} style={style}>
      {!collapsed && (
        <div
          className="dock-resizer"
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize run panel"
          aria-valuemin={0}
          aria-valuemax={maxHeight}
          aria-valuenow={height}
          tabIndex={0}
          title="Drag (or use the arrow keys) to resize the run panel"
          onPointerDown={(e) => {
            (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
            const box = (e.currentTarget.parentElement as HTMLElement).getBoundingClientRect();
            drag.current = { startY: e.clientY, startH: box.height };
          }}
          onPointerMove={(e) => {
            if (!drag.current) return;
            setHeight(clampDockHeight(drag.current.startH + (drag.current.startY - e.clientY), vh));
          }}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
          onKeyDown={(e) => {
            const next =
              e.key === 'ArrowUp' ? height + STEP : e.key === 'ArrowDown' ? height - STEP : e.key === 'End' ? maxHeight : e.key === 'Home' ? 0 : null;
            if (next === null) return;
            e.preventDefault();
            setHeight(clampDockHeight(next, vh));
          }}
        />
      )}
      {children}
    </div>
  );
}
