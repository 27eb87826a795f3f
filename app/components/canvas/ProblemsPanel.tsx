'use client';
/** Every compile error and warning; clicking one selects that node and brings it into view. */
import { problemItems } from '@/nodes/problems';
import { useGraphStore } from '@/app/state/graphStore';
import { useCompiled } from './CompileContext';

export function ProblemsPanel({ onFocusNode }: { onFocusNode(id: string): void }) {
  const { result } = useCompiled();
  const graph = useGraphStore((s) => s.graph);
  const items = problemItems(graph, result);
  const errorCount = result.errors.length;
  const warnCount = result.warnings.length;
  return (
    <section className="problems" aria-labelledby="problems-title">
      <h2 id="problems-title" className="panel-title">
        Problems
        <span className={`count${errorCount ? ' count-error' : warnCount ? ' count-warn' : ' count-ok'}`}>
          {errorCount === 0 && warnCount === 0 ? 'none' : `${errorCount} error${errorCount === 1 ? '' : 's'}${warnCount ? `, ${warnCount} warning${warnCount === 1 ? '' : 's'}` : ''}`}
        </span>
      </h2>
      {items.length === 0 ? (
        <p className="problems-ok">
          <span aria-hidden="true">✓ </span>
          {graph.nodes.length === 0 ? 'The canvas is empty — add nodes from the palette.' : 'The pipeline is ready to run.'}
        </p>
      ) : (
        <ul className="problems-list">
          {items.map(({ kind, where, error: e }, i) => (
            <li key={i}>
              {e.nodeId ? (
                // A link ("go to the node"), not a button: keeps palette button names unambiguous.
                <a
                  href={`#node-${e.nodeId}`}
                  className={`problem problem-${kind}`}
                  onClick={(ev) => {
                    ev.preventDefault();
                    onFocusNode(e.nodeId!);
                  }}
                >
                  <span className="problem-icon" aria-hidden="true">
                    {kind === 'error' ? '●' : '▲'}
                  </span>
                  <span className="problem-where">{where}</span>
                  <span className="problem-msg">{e.message}</span>
                </a>
              ) : (
                <div className={`problem problem-${kind}`}>
                  <span className="problem-icon" aria-hidden="true">
                    {kind === 'error' ? '●' : '▲'}
                  </span>
                  <span className="problem-where">Graph</span>
                  <span className="problem-msg">{e.message}</span>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
