/**
 * The pure graph compiler: graph → validate (zod) → topological order → typed Plan, or located errors.
 * No React, no tfjs. STUB: signatures are the contract; implementation to be completed.
 */
import type { GraftGraph, GraphEdge } from '../core/graph';
import type { GraphError } from '../core/types';
import type { Plan } from '../core/plan';

export type CompileResult =
  | { ok: true; plan: Plan; errors: []; warnings: GraphError[] }
  | { ok: false; plan: null; errors: GraphError[]; warnings: GraphError[] };

/** Compile anything (even garbage) into a Plan or a list of located errors. Never throws. */
export function compileGraph(graph: unknown): CompileResult {
  void graph;
  return { ok: false, plan: null, errors: [{ nodeId: null, message: 'compiler not implemented' }], warnings: [] };
}

export interface ConnectionCandidate {
  source: string;
  sourceHandle: string | null;
  target: string;
  targetHandle: string | null;
}

/** Why a connection may not be made (type mismatch, cycle, input already used, self-loop), or null if OK. */
export function checkConnection(graph: GraftGraph, c: ConnectionCandidate): string | null {
  void graph;
  void c;
  return null;
}

/** Readable TensorFlow.js TypeScript that does what the plan does. */
export function planToCode(plan: Plan): string {
  void plan;
  return '// compiler not implemented';
}

export type { GraphEdge };
