/** The sidebar when no single node is selected: what to do next and the keyboard shortcuts. */
export function Overview({ count }: { count: number }) {
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
