'use client';
/** Window-level keyboard shortcuts of the editor (ignored while typing in a field or a dialog). */
import { useEffect } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { showToast } from '@/app/lib/toastStore';

function isEditableTarget(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog');
}

export function useEditorShortcuts(): void {
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
}
