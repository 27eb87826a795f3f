'use client';
/** Node palette: drag a node onto the canvas, or click / press Enter to add it at the centre of the view. */
import { paletteSections } from '@/nodes/palette';
import { CATEGORY_STYLE } from '@/app/lib/nodeStyle';

export const NODE_DRAG_MIME = 'application/x-graft-node-type';

export function Palette({ onAdd, disabled }: { onAdd(type: string): void; disabled: boolean }) {
  return (
    <nav className="palette" aria-label="Node palette">
      <h2 className="panel-title">Nodes</h2>
      <p className="palette-hint">{disabled ? 'Read-only: fork this graph to edit it.' : 'Drag onto the canvas, or click to add.'}</p>
      {paletteSections().map(({ category: cat, definitions: defs }) => {
        const style = CATEGORY_STYLE[cat];
        return (
          <section key={cat} className="palette-group" aria-labelledby={`palette-cat-${cat}`}>
            <h3 id={`palette-cat-${cat}`} className="palette-cat" style={{ color: style.text }}>
              {style.label}
            </h3>
            <ul className="palette-list">
              {defs.map((def) => (
                <li key={def.type} className="palette-item">
                  <button
                    type="button"
                    className="palette-button"
                    style={{ ['--cat' as string]: style.color, ['--cat-soft' as string]: style.soft }}
                    draggable={!disabled}
                    disabled={disabled}
                    aria-describedby={`palette-tip-${def.type}`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(NODE_DRAG_MIME, def.type);
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onClick={() => onAdd(def.type)}
                  >
                    {def.title}
                  </button>
                  <span role="tooltip" id={`palette-tip-${def.type}`} className="palette-tip">
                    {def.summary}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
