'use client';
/** "View code": the runnable TensorFlow.js program the current graph compiles to (exactly what
 * `npm run pipeline -- <graph> --emit-code out.ts` writes), updated live as the graph changes. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { planToCode } from '@/nodes/compiler';
import { useCompiled } from './CompileContext';
import { downloadBlob } from '@/app/lib/download';

/** File name of the downloaded program (also the name its usage comment shows). */
const PROGRAM_FILE = 'graft-pipeline.ts';

export function CodeDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { result } = useCompiled();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  // Generated only while the dialog is open: the editor re-renders often during a run (node chips resize), and
  // embedding the engine's sources on each of those renders was main-thread work nobody looked at.
  const { code, codeError } = useMemo(() => {
    if (!open || !result.ok) return { code: null, codeError: null };
    try {
      return { code: planToCode(result.plan), codeError: null };
    } catch (e) {
      return { code: null, codeError: `Code generation failed: ${(e as Error).message}` };
    }
  }, [open, result]);

  const copy = async () => {
    if (!code) return;
    try {
      await navigator.clipboard.writeText(code);
    } catch {
      // Clipboard API can be blocked (permissions, insecure context); fall back to a hidden textarea.
      const ta = document.createElement('textarea');
      ta.value = code;
      document.body.appendChild(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

  return (
    <dialog ref={ref} className="code-dialog" aria-labelledby="code-dialog-title" onClose={onClose} onCancel={onClose}>
      <header className="dialog-header">
        <h2 id="code-dialog-title">Generated code</h2>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={copy} disabled={!code} aria-label="Copy code">
            {copied ? 'Copied' : 'Copy code'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => code && downloadBlob(new Blob([code], { type: 'text/typescript' }), PROGRAM_FILE)}
            disabled={!code}
          >
            Download code
          </button>
          <button type="button" className="btn btn-ghost" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
      </header>
      <p className="muted dialog-sub">
        The TensorFlow.js program this graph runs, using Graft&apos;s own split, optimizer, early-stopping and augmentation
        code. Run it in Node: <code>npx tsx {PROGRAM_FILE} --dataset &lt;folder of class folders&gt; --json</code>. It updates
        as you edit the graph.
      </p>
      <span role="status" className="sr-only">
        {copied ? 'Code copied to the clipboard' : ''}
      </span>
      {!open ? null : code ? (
        <pre className="code-block" tabIndex={0} aria-label="Generated TensorFlow.js code">
          <code>{code}</code>
        </pre>
      ) : (
        <div className="code-errors" role="alert">
          <p>{codeError ?? 'The graph does not compile yet. Fix these problems to see the code:'}</p>
          <ul>
            {result.errors.map((e, i) => (
              <li key={i}>{e.message}</li>
            ))}
          </ul>
        </div>
      )}
    </dialog>
  );
}
