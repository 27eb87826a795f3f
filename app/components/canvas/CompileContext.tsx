'use client';
/**
 * Compiles the current graph once per structural change (positions don't matter to the compiler, so dragging
 * doesn't recompile) and shares the result with nodes, the problems panel and the code dialog.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { compileGraph, type CompileResult } from '@/nodes/compiler';
import type { GraftGraph } from '@/nodes/core/graph';
import type { GraphError } from '@/nodes/core/types';
import { useGraphStore } from '@/app/state/graphStore';
import { useDatasetIssuesStore } from '@/app/state/datasetIssuesStore';
import { draftErrors, useDraftStore } from '@/app/state/draftStore';

export interface CompiledGraph {
  result: CompileResult;
  errorsByNode: Map<string, GraphError[]>;
  warningsByNode: Map<string, GraphError[]>;
}

const Ctx = createContext<CompiledGraph | null>(null);

function structureKey(graph: GraftGraph): string {
  return JSON.stringify([graph.name, graph.nodes.map((n) => [n.id, n.type, n.params, n.label]), graph.edges]);
}

function group(list: GraphError[]): Map<string, GraphError[]> {
  const m = new Map<string, GraphError[]>();
  for (const e of list) {
    if (!e.nodeId) continue;
    const arr = m.get(e.nodeId) ?? [];
    arr.push(e);
    m.set(e.nodeId, arr);
  }
  return m;
}

export function safeCompile(graph: GraftGraph): CompileResult {
  try {
    return compileGraph(graph);
  } catch (e) {
    // The compiler promises never to throw; if it does anyway, say so instead of blanking the page.
    return { ok: false, plan: null, errors: [{ nodeId: null, message: `Internal compiler error: ${(e as Error).message}` }], warnings: [] };
  }
}

export function CompileProvider({ children }: { children: ReactNode }) {
  const graph = useGraphStore((s) => s.graph);
  // Dataset-content problems (found in the browser: IndexedDB / server folders) join the compiler's, so they
  // show on the node, in the problems list, and block a run exactly like compile errors.
  const datasetIssues = useDatasetIssuesStore((s) => s.byNode);
  // Field drafts that are not valid yet are problems too (never applied, so the compiler can't see them).
  const invalidDrafts = useDraftStore((s) => s.invalid);
  const key = structureKey(graph);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- recompute on structure, not on positions
  const compiled = useMemo(() => safeCompile(graph), [key]);
  const value = useMemo<CompiledGraph>(() => {
    const present = new Set(graph.nodes.map((n) => n.id));
    const extraErrors: GraphError[] = draftErrors(invalidDrafts, present);
    const extraWarnings: GraphError[] = [];
    for (const [nodeId, issues] of Object.entries(datasetIssues)) {
      if (!present.has(nodeId)) continue;
      extraErrors.push(...issues.errors);
      extraWarnings.push(...issues.warnings);
    }
    const warnings = [...compiled.warnings, ...extraWarnings];
    const errors = [...compiled.errors, ...extraErrors];
    const result: CompileResult =
      compiled.ok && extraErrors.length === 0
        ? { ...compiled, warnings }
        : { ok: false, plan: null, errors, warnings };
    return { result, errorsByNode: group(errors), warningsByNode: group(warnings) };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- graph membership only matters with the issues
  }, [compiled, datasetIssues, invalidDrafts]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useCompiled(): CompiledGraph {
  const v = useContext(Ctx);
  if (!v) throw new Error('useCompiled outside CompileProvider');
  return v;
}
