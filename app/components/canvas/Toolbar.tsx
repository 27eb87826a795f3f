'use client';
/** Top toolbar: graph name, file/template actions, edit actions; right-hand slot for save/share and run. */
import { useEffect, useRef, useState } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { CANVAS_TEMPLATES } from '@/app/lib/templates';
import { ToolbarExtras } from '@/app/components/slots';
import { CreateAssignmentButton } from '@/app/a/_components/CreateAssignment';
import { LessonsMenu } from '@/app/components/lessons/LessonsMenu';
import type { GraftGraph } from '@/nodes/core/graph';

export interface ToolbarProps {
  onNew(): void;
  onTemplate(id: string): void;
  /** Open a prepared graph (a lesson) as the new current graph. */
  onOpenGraph(graph: GraftGraph, message: string): void;
  onViewCode(): void;
  onExport(): void;
  onImportFile(file: File): void;
}

function GraphNameInput() {
  const name = useGraphStore((s) => s.graph.name);
  const readOnly = useGraphStore((s) => s.readOnly);
  const setName = useGraphStore((s) => s.setName);
  const breakCoalescing = useGraphStore((s) => s.breakCoalescing);
  const [text, setText] = useState(name);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setText(name);
  }, [name]);
  return (
    <input
      className="graph-name"
      aria-label="Graph name"
      value={text}
      maxLength={200}
      readOnly={readOnly}
      placeholder="Untitled pipeline"
      onFocus={() => (focused.current = true)}
      onChange={(e) => {
        setText(e.target.value);
        setName(e.target.value);
      }}
      onBlur={() => {
        focused.current = false;
        setText(useGraphStore.getState().graph.name);
        breakCoalescing();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
      }}
    />
  );
}

export function Toolbar(p: ToolbarProps) {
  const readOnly = useGraphStore((s) => s.readOnly);
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <header className="toolbar" role="toolbar" aria-label="Graph toolbar">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">◆</span>
        <span className="tb-optional">Graft</span>
      </div>
      <div className="tb-main">
        <GraphNameInput />
        {readOnly && <span className="badge badge-readonly">Read-only</span>}
        <div className="tb-group" role="group" aria-label="File">
          <button type="button" className="btn" onClick={p.onNew} disabled={readOnly} title="Start an empty graph (undoable)">
            New
          </button>
          <select
            className="btn tb-select"
            aria-label="Start from template"
            value=""
            disabled={readOnly}
            onChange={(e) => {
              if (e.target.value) p.onTemplate(e.target.value);
            }}
          >
            <option value="">Templates…</option>
            {CANVAS_TEMPLATES.map((t) => (
              <option key={t.id} value={t.id} title={t.description}>
                {t.name}
              </option>
            ))}
          </select>
          <LessonsMenu onOpenGraph={p.onOpenGraph} disabled={readOnly} />
          <button type="button" className="btn" onClick={p.onExport} title="Download as .graft.json">
            Export
          </button>
          <button type="button" className="btn" onClick={() => fileInput.current?.click()} disabled={readOnly} title="Open a .graft.json file">
            Import
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            aria-label="Import graph file"
            className="sr-only"
            tabIndex={-1}
            disabled={readOnly}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) p.onImportFile(f);
              e.target.value = '';
            }}
          />
        </div>
        <button type="button" className="btn btn-accent-soft" onClick={p.onViewCode} title="Show the TensorFlow.js code this graph runs">
          <span aria-hidden="true" className="tb-optional">{'</> '}</span>View code
        </button>
        <CreateAssignmentButton />
        <a className="btn btn-ghost tb-link" href="/mine" title="Every graph this browser can edit">
          My graphs
        </a>
      </div>
      <div className="tb-extras">
        <ToolbarExtras />
      </div>
    </header>
  );
}

/** Floating edit tools over the canvas (keeps the top bar short enough for the save/share and run controls). */
export function EditTools({ onAutoLayout }: { onAutoLayout(): void }) {
  const readOnly = useGraphStore((s) => s.readOnly);
  const canUndo = useGraphStore((s) => s.canUndo);
  const canRedo = useGraphStore((s) => s.canRedo);
  const hasSelection = useGraphStore((s) => s.selectedNodeIds.length + s.selectedEdgeIds.length > 0);
  const hasNodeSelection = useGraphStore((s) => s.selectedNodeIds.length > 0);
  const undo = useGraphStore((s) => s.undo);
  const redo = useGraphStore((s) => s.redo);
  const deleteSelection = useGraphStore((s) => s.deleteSelection);
  const duplicateSelection = useGraphStore((s) => s.duplicateSelection);
  return (
    <div className="canvas-tools" role="toolbar" aria-label="Edit tools">
      <button type="button" className="btn" onClick={undo} disabled={readOnly || !canUndo} title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z">
        <span aria-hidden="true">↶ </span>Undo
      </button>
      <button type="button" className="btn" onClick={redo} disabled={readOnly || !canRedo} title="Redo (Ctrl+Shift+Z / Ctrl+Y)" aria-keyshortcuts="Control+Shift+Z Control+Y">
        <span aria-hidden="true">↷ </span>Redo
      </button>
      <button type="button" className="btn" onClick={duplicateSelection} disabled={readOnly || !hasNodeSelection} title="Duplicate selection (Ctrl+D)" aria-keyshortcuts="Control+D">
        Duplicate
      </button>
      <button type="button" className="btn" onClick={deleteSelection} disabled={readOnly || !hasSelection} title="Delete selection (Delete)" aria-keyshortcuts="Delete">
        Delete
      </button>
      <button type="button" className="btn" onClick={onAutoLayout} disabled={readOnly} title="Arrange nodes left to right">
        Auto layout
      </button>
    </div>
  );
}
