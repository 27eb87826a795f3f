'use client';
/**
 * Editor layout the student chose: run-dock height and collapsed state, minimap visibility. Remembered in
 * localStorage so a reload keeps the canvas the size they made it.
 */
import { create } from 'zustand';
import { z } from 'zod';

const KEY = 'graft:layout';
export const DOCK_MIN_PX = 120;
/** The dock never takes more than this share of the window, so the graph always keeps room. */
export const DOCK_MAX_SHARE = 0.7;

const stored = z.object({
  dockHeight: z.number().min(DOCK_MIN_PX).max(4000).optional(),
  dockCollapsed: z.boolean().optional(),
  minimap: z.boolean().optional(),
});

interface LayoutState {
  /** Pixels; null = the default (a share of the window height). */
  dockHeight: number | null;
  dockCollapsed: boolean;
  minimap: boolean;
  setDockHeight(px: number): void;
  setDockCollapsed(collapsed: boolean): void;
  setMinimap(on: boolean): void;
}

function load(): Partial<z.infer<typeof stored>> {
  if (typeof localStorage === 'undefined') return {};
  try {
    const parsed = stored.safeParse(JSON.parse(localStorage.getItem(KEY) ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function save(s: Pick<LayoutState, 'dockHeight' | 'dockCollapsed' | 'minimap'>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ dockHeight: s.dockHeight ?? undefined, dockCollapsed: s.dockCollapsed, minimap: s.minimap }));
  } catch {
    // Private mode / full storage: the layout just isn't remembered.
  }
}

export function defaultDockHeight(viewportHeight: number): number {
  return Math.round(Math.max(DOCK_MIN_PX, viewportHeight * 0.4));
}

export function clampDockHeight(px: number, viewportHeight: number): number {
  return Math.round(Math.min(Math.max(DOCK_MIN_PX, px), Math.max(DOCK_MIN_PX, viewportHeight * DOCK_MAX_SHARE)));
}

export const useLayoutStore = create<LayoutState>((set, get) => ({
  dockHeight: null,
  dockCollapsed: false,
  minimap: false,
  setDockHeight(px) {
    set({ dockHeight: Math.round(px) });
    save(get());
  },
  setDockCollapsed(collapsed) {
    set({ dockCollapsed: collapsed });
    save(get());
  },
  setMinimap(on) {
    set({ minimap: on });
    save(get());
  },
}));

/** Read the remembered layout (after hydration, so server and client render the same first frame). */
export function hydrateLayout(): void {
  const s = load();
  useLayoutStore.setState({ dockHeight: s.dockHeight ?? null, dockCollapsed: s.dockCollapsed ?? false, minimap: s.minimap ?? false });
}
