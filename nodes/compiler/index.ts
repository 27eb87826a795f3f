/**
 * The pure graph compiler: graph → validate (zod) → topological order → typed Plan, or located errors.
 * No React, no tfjs. Never throws: every problem a user can fix becomes a GraphError on the node it belongs to.
 */
import { GraftGraphSchema, type GraftGraph, type GraphEdge, type GraphNode } from '../core/graph';
import type { GraphError, NodeDefinition, PortDef, PortType, PortValues } from '../core/types';
import { PORT_TYPES } from '../core/types';
import type { EvaluatePlan, Plan, TrainedValue, TuneDimension } from '../core/plan';
import { migrateGraph } from '../graph-file';
import { getNodeDefinition } from '../registry';
import { paramField, parseNodeParams } from '../core/params';
import { evaluatePlanFromParams } from '../evaluate';
import { planToCode } from './codegen';

export type CompileResult =
  | { ok: true; plan: Plan; errors: []; warnings: GraphError[] }
  | { ok: false; plan: null; errors: GraphError[]; warnings: GraphError[] };

export { planToCode };
export type { GraphEdge };

const TRAINER_TYPES = new Set(['train', 'hyperparameter-tune']);

/** What to connect to satisfy an input of each type (for "needs … — connect …" messages). */
const PROVIDERS: Record<PortType, string> = {
  dataset: 'Dataset or Augment Data',
  model: 'Pretrained Model or Freeze Layers',
  classifier: 'Add Head',
  trained: 'Train or Hyperparameter Tune',
};

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function nodeName(node: GraphNode | undefined, def: NodeDefinition | undefined): string {
  return node?.label?.trim() || def?.title || node?.type || 'node';
}

/** A valid, resolved edge between two known ports. */
interface ResolvedEdge {
  edge: GraphEdge;
  sourcePort: PortDef;
  targetPort: PortDef;
}

/** Compile anything (even garbage) into a Plan or a list of located errors. Never throws. */
export function compileGraph(input: unknown): CompileResult {
  try {
    return compileUnsafe(input);
  } catch (e) {
    // Defensive: a bug in a node's compile step must not crash the editor.
    return {
      ok: false,
      plan: null,
      errors: [{ nodeId: null, message: `Internal compiler error: ${(e as Error)?.message ?? String(e)}` }],
      warnings: [],
    };
  }
}

function compileUnsafe(input: unknown): CompileResult {
  const errors: GraphError[] = [];
  const warnings: GraphError[] = [];
  const fail = (): CompileResult => ({ ok: false, plan: null, errors: dedupe(errors), warnings: dedupe(warnings) });

  const parsed = GraftGraphSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
    errors.push({ nodeId: null, message: `Not a valid Graft graph${where}: ${first?.message ?? 'unknown problem'}.` });
    return fail();
  }
  // Saved graphs of an older format compile as they open in the editor.
  const graph = migrateGraph(parsed.data);

  // --- Nodes: duplicates, unknown types, params ----------------------------------------------------------------
  const nodes = new Map<string, GraphNode>();
  const defs = new Map<string, NodeDefinition>();
  /** Node-local problems (params, missing inputs, compile errors): errors in the pipeline, warnings outside it. */
  const nodeProblems = new Map<string, GraphError[]>();
  const addProblem = (e: GraphError & { nodeId: string }) => {
    const list = nodeProblems.get(e.nodeId) ?? [];
    list.push(e);
    nodeProblems.set(e.nodeId, list);
  };
  for (const node of graph.nodes) {
    if (nodes.has(node.id)) {
      errors.push({ nodeId: node.id, message: `Two nodes share the id "${node.id}"; every node needs its own id.` });
      continue;
    }
    nodes.set(node.id, node);
    const def = getNodeDefinition(node.type);
    if (!def) {
      errors.push({ nodeId: node.id, message: `Unknown node type "${node.type}". It may come from a newer Graft; delete it or replace it.` });
      continue;
    }
    defs.set(node.id, def);
  }
  const parsedParams = new Map<string, Record<string, unknown>>();
  for (const [id, def] of defs) {
    const { params, errors: paramErrors } = parseNodeParams(def, nodes.get(id)!.params);
    parsedParams.set(id, params);
    for (const pe of paramErrors) addProblem({ nodeId: id, param: pe.param || undefined, message: pe.message });
  }

  // --- Edges: endpoints, ports, types, one edge per input -------------------------------------------------------
  const edgeIds = new Set<string>();
  const resolved: ResolvedEdge[] = [];
  const inputEdge = new Map<string, ResolvedEdge>(); // key `${target}\u0000${port}`
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) {
      errors.push({ nodeId: edge.target, edgeId: edge.id, message: `Two links share the id "${edge.id}".` });
      continue;
    }
    edgeIds.add(edge.id);
    const problem = edgeProblem(edge, nodes, defs);
    if (problem) {
      errors.push(problem.error);
      if (!problem.resolved) continue;
    }
    const r = resolveEdge(edge, defs);
    if (!r) continue;
    if (r.sourcePort.type !== r.targetPort.type) continue; // reported by edgeProblem
    if (edge.source === edge.target) continue; // reported by edgeProblem
    const key = `${edge.target}\u0000${edge.targetHandle}`;
    if (inputEdge.has(key)) {
      const targetDef = defs.get(edge.target)!;
      errors.push({
        nodeId: edge.target,
        port: edge.targetHandle,
        edgeId: edge.id,
        message: `${targetDef.title}'s ${r.targetPort.label} input already has a link; an input takes only one. Remove one of them.`,
      });
      continue;
    }
    inputEdge.set(key, r);
    resolved.push(r);
  }

  // --- Cycles (every node on a cycle) and topological order (Kahn) ----------------------------------------------
  const outgoing = new Map<string, ResolvedEdge[]>();
  const incoming = new Map<string, ResolvedEdge[]>();
  for (const id of defs.keys()) {
    outgoing.set(id, []);
    incoming.set(id, []);
  }
  for (const r of resolved) {
    outgoing.get(r.edge.source)!.push(r);
    incoming.get(r.edge.target)!.push(r);
  }
  const onCycle = nodesOnCycles([...defs.keys()], (id) => outgoing.get(id)!.map((r) => r.edge.target));
  for (const id of onCycle) {
    errors.push({ nodeId: id, message: `${nodeName(nodes.get(id), defs.get(id))} is part of a loop; data must flow one way. Remove a link in the loop.` });
  }
  const order = topologicalOrder([...defs.keys()], outgoing, incoming);

  // --- Compile each node in order --------------------------------------------------------------------------------
  const outputs = new Map<string, Partial<Record<string, PortValues[PortType]>>>();
  for (const id of order) {
    const node = nodes.get(id)!;
    const def = defs.get(id)!;
    const inputs: Partial<Record<string, PortValues[PortType]>> = {};
    let upstreamMissing = false;
    for (const port of def.inputs) {
      const r = inputEdge.get(`${id}\u0000${port.id}`);
      if (!r) {
        if (!port.optional) {
          addProblem({
            nodeId: id,
            port: port.id,
            message: `${def.title} needs ${article(port.label)} ${port.label} input — connect ${PROVIDERS[port.type]}.`,
          });
          upstreamMissing = true;
        }
        continue;
      }
      const value = outputs.get(r.edge.source)?.[r.edge.sourceHandle];
      if (value === undefined) upstreamMissing = true;
      else inputs[port.id] = value;
    }
    if (upstreamMissing) continue; // the cause is reported upstream (or as the missing input above)
    let out: ReturnType<NodeDefinition['compile']> = null;
    try {
      out = def.compile({
        node,
        params: parsedParams.get(id)!,
        inputs,
        graph,
        error: (message, where) => addProblem({ nodeId: id, message, param: where?.param, port: where?.port }),
      });
    } catch (e) {
      addProblem({ nodeId: id, message: `${def.title} could not be compiled: ${(e as Error)?.message ?? String(e)}` });
    }
    if (out) outputs.set(id, out);
  }

  // --- The pipeline: exactly one trainer --------------------------------------------------------------------------
  const trainers = [...defs.entries()].filter(([, d]) => TRAINER_TYPES.has(d.type)).map(([id]) => id);
  const flushProblems = (inPipeline: (id: string) => boolean) => {
    for (const [id, list] of nodeProblems) {
      for (const p of list) (inPipeline(id) ? errors : warnings).push(p);
    }
  };
  if (trainers.length !== 1) {
    flushProblems(() => true);
    if (trainers.length === 0) {
      errors.push({
        nodeId: null,
        message:
          defs.size === 0
            ? 'The graph is empty. Start from a template, or add Dataset, Pretrained Model, Add Head and Train nodes and connect them.'
            : 'Nothing to run: add a Train (or Hyperparameter Tune) node and connect a Dataset and an Add Head classifier to it.',
      });
    } else {
      for (const id of trainers) {
        errors.push({
          nodeId: id,
          message: `A pipeline has exactly one Train or Hyperparameter Tune node; this graph has ${trainers.length}. Delete the extra ones.`,
        });
      }
    }
    return fail();
  }
  const trainerId = trainers[0]!;
  const upstream = ancestors(trainerId, incoming);
  upstream.add(trainerId);
  const evaluators = (outgoing.get(trainerId) ?? [])
    .map((r) => r.edge.target)
    .filter((t) => defs.get(t)?.type === 'evaluate');
  const pipeline = new Set([...upstream, ...evaluators]);
  flushProblems((id) => pipeline.has(id));
  for (const id of defs.keys()) {
    if (!pipeline.has(id)) {
      warnings.push({
        nodeId: id,
        message: `${nodeName(nodes.get(id), defs.get(id))} is not connected to the pipeline, so it is ignored when running.`,
      });
    }
  }
  for (const id of evaluators.slice(1)) {
    errors.push({ nodeId: id, message: 'Only one Evaluate node can be connected to the trained model; delete the extra one.' });
  }
  if (evaluators.length === 0) {
    warnings.push({
      nodeId: trainerId,
      port: 'trained',
      message: 'Connect an Evaluate node to measure accuracy on the held-out test images.',
    });
  }

  // --- Tune dimensions -----------------------------------------------------------------------------------------------
  let trained = outputs.get(trainerId)?.trained as TrainedValue | undefined;
  if (trained?.tune) {
    const { dimensions, problems } = checkTuneDimensions(trainerId, trained.tune.dimensions, upstream, nodes, defs);
    errors.push(...problems);
    trained = { ...trained, tune: { ...trained.tune, dimensions } };
    const dimensionsAlreadyFlagged = errors.some((e) => e.nodeId === trainerId && e.param === 'dimensions');
    if (dimensions.length === 0 && problems.length === 0 && !dimensionsAlreadyFlagged) {
      errors.push({
        nodeId: trainerId,
        param: 'dimensions',
        message: 'Choose at least one setting to search over (e.g. the learning rate or the head\'s hidden units).',
      });
    }
  }

  if (errors.length > 0 || !trained) {
    if (errors.length === 0) errors.push({ nodeId: trainerId, message: 'The pipeline could not be compiled.' });
    return fail();
  }

  const evaluatorId = evaluators[0];
  const evaluate: EvaluatePlan | null = evaluatorId
    ? evaluatePlanFromParams(parsedParams.get(evaluatorId) as { misclassifiedCount: number })
    : null;
  const plan: Plan = {
    dataset: trained.dataset,
    classifier: trained.classifier,
    train: trained.train,
    tune: trained.tune,
    evaluate,
    nodeIds: evaluatorId ? { ...trained.nodeIds, evaluate: evaluatorId } : { ...trained.nodeIds },
    graph,
  };
  return { ok: true, plan, errors: [], warnings: dedupe(warnings) };
}

function dedupe(list: GraphError[]): GraphError[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const k = `${e.nodeId}|${e.param ?? ''}|${e.port ?? ''}|${e.edgeId ?? ''}|${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function resolveEdge(edge: GraphEdge, defs: Map<string, NodeDefinition>): ResolvedEdge | null {
  const sourcePort = defs.get(edge.source)?.outputs.find((p) => p.id === edge.sourceHandle);
  const targetPort = defs.get(edge.target)?.inputs.find((p) => p.id === edge.targetHandle);
  return sourcePort && targetPort ? { edge, sourcePort, targetPort } : null;
}

/** Located error for a broken edge, or null. `resolved` = the ports exist (only the wiring is wrong). */
function edgeProblem(
  edge: GraphEdge,
  nodes: Map<string, GraphNode>,
  defs: Map<string, NodeDefinition>,
): { error: GraphError; resolved: boolean } | null {
  const base = { edgeId: edge.id };
  const sourceNode = nodes.get(edge.source);
  const targetNode = nodes.get(edge.target);
  if (!sourceNode || !targetNode) {
    const missing = !sourceNode ? edge.source : edge.target;
    return {
      error: { ...base, nodeId: sourceNode ? edge.source : targetNode ? edge.target : null, message: `A link points to a node that does not exist ("${missing}"). Delete the link.` },
      resolved: false,
    };
  }
  const sourceDef = defs.get(edge.source);
  const targetDef = defs.get(edge.target);
  if (!sourceDef || !targetDef) return null; // unknown node type already reported
  const sourcePort = sourceDef.outputs.find((p) => p.id === edge.sourceHandle);
  if (!sourcePort) {
    return {
      error: { ...base, nodeId: edge.source, port: edge.sourceHandle, message: `${sourceDef.title} has no output "${edge.sourceHandle}". Delete the link.` },
      resolved: false,
    };
  }
  const targetPort = targetDef.inputs.find((p) => p.id === edge.targetHandle);
  if (!targetPort) {
    return {
      error: { ...base, nodeId: edge.target, port: edge.targetHandle, message: `${targetDef.title} has no input "${edge.targetHandle}". Delete the link.` },
      resolved: false,
    };
  }
  if (edge.source === edge.target) {
    return { error: { ...base, nodeId: edge.target, port: edge.targetHandle, message: `${targetDef.title} is linked to itself. Delete the link.` }, resolved: true };
  }
  if (sourcePort.type !== targetPort.type) {
    return {
      error: { ...base, nodeId: edge.target, port: edge.targetHandle, message: typeMismatchMessage(sourcePort.type, targetPort.type, targetDef, targetPort) },
      resolved: true,
    };
  }
  return null;
}

function typeMismatchMessage(from: PortType, to: PortType, targetDef: NodeDefinition, targetPort: PortDef): string {
  const a = PORT_TYPES[from].label;
  const b = PORT_TYPES[to].label;
  return `${article(a).replace(/^a/, 'A')} ${a} output can't feed ${article(b)} ${b} input: ${targetDef.title}'s ${targetPort.label} input takes ${PORT_TYPES[to].description}, from ${PROVIDERS[to]}.`;
}

/** Tarjan's SCC: ids in a strongly connected component of size > 1 (self-loops are excluded from edges already). */
function nodesOnCycles(ids: string[], successors: (id: string) => string[]): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Set<string>();
  let counter = 0;
  // Iterative to survive long chains without blowing the call stack.
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number; succ: string[] }> = [];
    const visit = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: 0, succ: successors(id) });
    };
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.succ.length) {
        const w = frame.succ[frame.next++]!;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        if (component.length > 1) component.forEach((c) => result.add(c));
      }
    }
  }
  return result;
}

/** Kahn's algorithm; nodes on or behind a cycle are left out (they never reach in-degree 0). Stable: file order. */
function topologicalOrder(ids: string[], outgoing: Map<string, ResolvedEdge[]>, incoming: Map<string, ResolvedEdge[]>): string[] {
  const indegree = new Map(ids.map((id) => [id, incoming.get(id)!.length]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const r of outgoing.get(id)!) {
      const d = indegree.get(r.edge.target)! - 1;
      indegree.set(r.edge.target, d);
      if (d === 0) queue.push(r.edge.target);
    }
  }
  return order;
}

function ancestors(id: string, incoming: Map<string, ResolvedEdge[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const r of incoming.get(cur) ?? []) {
      if (!seen.has(r.edge.source)) {
        seen.add(r.edge.source);
        stack.push(r.edge.source);
      }
    }
  }
  return seen;
}

/** Check every tune dimension against the graph and the referenced node's schema; normalise integer ranges. */
function checkTuneDimensions(
  tuneId: string,
  dims: TuneDimension[],
  upstream: Set<string>,
  nodes: Map<string, GraphNode>,
  defs: Map<string, NodeDefinition>,
): { dimensions: TuneDimension[]; problems: GraphError[] } {
  const problems: GraphError[] = [];
  const out: TuneDimension[] = [];
  const seen = new Set<string>();
  dims.forEach((dim, i) => {
    const n = i + 1;
    const err = (message: string) => problems.push({ nodeId: tuneId, param: 'dimensions', message: `Search setting #${n}: ${message}` });
    const def = defs.get(dim.nodeId);
    if (!nodes.has(dim.nodeId) || !def) return err(`node "${dim.nodeId}" does not exist.`);
    const who = nodeName(nodes.get(dim.nodeId), def);
    if (!upstream.has(dim.nodeId)) return err(`${who} is not upstream of this Hyperparameter Tune node, so changing it would not affect training.`);
    const field = paramField(def, dim.param);
    if (!field) return err(`${who} has no setting "${dim.param}".`);
    if (!(def.tunableParams ?? []).includes(dim.param) || !['number', 'integer', 'enum', 'boolean'].includes(field.kind)) {
      return err(`${who}'s "${field.title}" can't be tuned.`);
    }
    const key = `${dim.nodeId}\u0000${dim.param}`;
    if (seen.has(key)) return err(`${who}'s "${field.title}" is already in the search space.`);
    seen.add(key);
    const hasValues = dim.values !== undefined;
    const hasRange = dim.range !== undefined;
    if (hasValues === hasRange) return err(`give either a list of values or a range for ${who}'s "${field.title}".`);
    const schema = (def.params.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[dim.param]!;
    if (dim.values) {
      if (dim.values.length === 0) return err(`the list of values for "${field.title}" is empty.`);
      const bad = dim.values.filter((v) => !schema.safeParse(v).success);
      if (bad.length) {
        const allowed =
          field.kind === 'enum'
            ? `one of ${(field.options ?? []).join(', ')}`
            : field.kind === 'boolean'
              ? 'true or false'
              : `${field.kind === 'integer' ? 'whole numbers' : 'numbers'}${field.min !== undefined && field.max !== undefined ? ` between ${field.min} and ${field.max}` : ''}`;
        return err(`${bad.map((v) => JSON.stringify(v)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not valid for "${field.title}" (expected ${allowed}).`);
      }
      out.push({ nodeId: dim.nodeId, param: dim.param, values: [...dim.values] });
      return;
    }
    const range = dim.range!;
    if (field.kind !== 'number' && field.kind !== 'integer') return err(`"${field.title}" is a choice, not a number: list the values instead of a range.`);
    if (!(range.min < range.max)) return err(`the range for "${field.title}" needs min < max.`);
    if (range.scale === 'log' && !(range.min > 0)) return err(`a log-scale range for "${field.title}" needs min > 0.`);
    if ((field.min !== undefined && range.min < field.min) || (field.max !== undefined && range.max > field.max)) {
      return err(`the range for "${field.title}" must stay within ${field.min ?? '−∞'}…${field.max ?? '∞'}.`);
    }
    const integer = field.kind === 'integer' || range.integer === true;
    if (integer && Math.floor(range.max) < Math.ceil(range.min)) return err(`the range for "${field.title}" contains no whole number.`);
    out.push({
      nodeId: dim.nodeId,
      param: dim.param,
      range: { min: range.min, max: range.max, scale: range.scale ?? 'linear', steps: range.steps ?? 4, ...(integer ? { integer: true } : {}) },
    });
  });
  return { dimensions: out, problems };
}

// --- Canvas helpers ----------------------------------------------------------------------------------------------

export interface ConnectionCandidate {
  source: string;
  sourceHandle: string | null;
  target: string;
  targetHandle: string | null;
}

/** Why a connection may not be made (type mismatch, cycle, input already used, self-loop), or null if OK. */
export function checkConnection(graph: GraftGraph, c: ConnectionCandidate): string | null {
  try {
    const sourceNode = graph.nodes.find((n) => n.id === c.source);
    const targetNode = graph.nodes.find((n) => n.id === c.target);
    if (!sourceNode || !targetNode) return 'That node no longer exists.';
    const sourceDef = getNodeDefinition(sourceNode.type);
    const targetDef = getNodeDefinition(targetNode.type);
    if (!sourceDef) return `Unknown node type "${sourceNode.type}".`;
    if (!targetDef) return `Unknown node type "${targetNode.type}".`;
    // React Flow passes null for a node's only handle.
    const sourcePort =
      c.sourceHandle == null ? (sourceDef.outputs.length === 1 ? sourceDef.outputs[0] : undefined) : sourceDef.outputs.find((p) => p.id === c.sourceHandle);
    const targetPort =
      c.targetHandle == null ? (targetDef.inputs.length === 1 ? targetDef.inputs[0] : undefined) : targetDef.inputs.find((p) => p.id === c.targetHandle);
    if (!sourcePort) return sourceDef.outputs.length === 0 ? `${sourceDef.title} has no outputs.` : `${sourceDef.title} has no such output.`;
    if (!targetPort) return targetDef.inputs.length === 0 ? `${targetDef.title} has no inputs.` : `${targetDef.title} has no such input.`;
    if (c.source === c.target) return 'A node can\'t connect to itself.';
    if (sourcePort.type !== targetPort.type) return typeMismatchMessage(sourcePort.type, targetPort.type, targetDef, targetPort);
    const existing = graph.edges.find((e) => e.target === c.target && e.targetHandle === targetPort.id);
    if (existing) {
      if (existing.source === c.source && existing.sourceHandle === sourcePort.id) return 'These ports are already connected.';
      return `${targetDef.title}'s ${targetPort.label} input is already connected; an input takes one link. Remove the existing link first.`;
    }
    // Would the new edge source→target close a loop? Only if target already reaches source.
    const next = new Map<string, string[]>();
    for (const e of graph.edges) {
      const list = next.get(e.source) ?? [];
      list.push(e.target);
      next.set(e.source, list);
    }
    const seen = new Set<string>([c.target]);
    const stack = [c.target];
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur === c.source) return 'That would create a loop: data must flow one way through the pipeline.';
      for (const t of next.get(cur) ?? []) {
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    return null;
  } catch {
    return 'That connection is not possible.';
  }
}

/** A copy of the graph with some node params replaced (the tuner recompiles one per trial). */
export function withParamOverrides(
  graph: GraftGraph,
  overrides: ReadonlyArray<{ nodeId: string; param: string; value: unknown }>,
): GraftGraph {
  if (overrides.length === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const mine = overrides.filter((o) => o.nodeId === node.id);
      if (mine.length === 0) return node;
      const params = { ...node.params };
      for (const o of mine) params[o.param] = o.value;
      return { ...node, params };
    }),
  };
}
