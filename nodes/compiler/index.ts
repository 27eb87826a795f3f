/**
 * The pure graph compiler: graph → validate (zod) → topological order → typed Plan, or located errors.
 * No React, no tfjs. Never throws: every problem a user can fix becomes a GraphError on the node it belongs to.
 */
import { GraftGraphSchema, type GraphEdge, type GraphNode } from '../core/graph';
import type { GraphError, NodeDefinition, PortType, PortValues } from '../core/types';
import type { EvaluatePlan, Plan, PlanStep, TrainedValue } from '../core/plan';
import { migrateGraph } from '../graph-file';
import { getNodeDefinition } from '../registry';
import { cardSummary, parseNodeParams } from '../core/params';
import { planToCode } from './codegen';
import { article, edgeProblem, nodeName, providersOf, resolveEdge, type ResolvedEdge } from './edges';
import { ancestors, nodesOnCycles, topologicalOrder } from './graph-order';
import { checkTuneDimensions } from './tune-dimensions';

export type CompileResult =
  | { ok: true; plan: Plan; errors: []; warnings: GraphError[] }
  | { ok: false; plan: null; errors: GraphError[]; warnings: GraphError[] };

export { planToCode };
export type { GraphEdge };
export { checkConnection, withParamOverrides, type ConnectionCandidate } from './canvas';

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
            message: `${def.title} needs ${article(port.label)} ${port.label} input — connect ${providersOf(port.type)}.`,
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
  const trainers = [...defs.entries()].filter(([, d]) => d.role === 'trainer').map(([id]) => id);
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
    .filter((t) => defs.get(t)?.role === 'evaluator');
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
  const evaluate: EvaluatePlan | null = evaluatorId ? (defs.get(evaluatorId)!.evaluatePlan?.(parsedParams.get(evaluatorId)!) ?? null) : null;
  const steps: PlanStep[] = order
    .filter((id) => pipeline.has(id))
    .map((id) => {
      const def = defs.get(id)!;
      return { nodeId: id, type: def.type, title: nodeName(nodes.get(id), def), summary: cardSummary(def, nodes.get(id)!.params) };
    });
  const plan: Plan = {
    dataset: trained.dataset,
    classifier: trained.classifier,
    train: trained.train,
    tune: trained.tune,
    evaluate,
    nodeIds: evaluatorId ? { ...trained.nodeIds, evaluate: evaluatorId } : { ...trained.nodeIds },
    graph,
    steps,
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
