/**
 * The node plugin contract. Each node type lives in `nodes/<type>/` and exports one `NodeDefinition`;
 * `nodes/registry.ts` lists them. Definitions are pure (zod + plain TS) so the compiler runs in Node;
 * custom inspectors (React) are listed apart in nodes/ui/registry.ts, so importing a definition never pulls in React.
 */
import type { z } from 'zod';
import type { GraftGraph, GraphNode } from './graph';
import type {
  EvaluatePlan,
  RunOutcome,
  DatasetValue,
  ModelValue,
  ClassifierValue,
  TrainedValue,
} from './plan';

/** What flows along an edge. Colour-coded on the canvas; only equal types connect. */
export type PortType = 'dataset' | 'model' | 'classifier' | 'trained';

export const PORT_TYPES: Record<PortType, { label: string; color: string; description: string }> = {
  dataset: { label: 'dataset', color: '#2f9e44', description: 'labelled images' },
  model: { label: 'model', color: '#1c7ed6', description: 'a network (trunk) without a classification head' },
  classifier: { label: 'classifier', color: '#ae3ec9', description: 'a trunk with a classification head, ready to train' },
  trained: { label: 'trained model', color: '#e8590c', description: 'a trained classifier plus its data' },
};

/** The value that travels along a port of each type during compilation. */
export interface PortValues {
  dataset: DatasetValue;
  model: ModelValue;
  classifier: ClassifierValue;
  trained: TrainedValue;
}

export interface PortDef {
  /** Handle id on the node, unique among that node's inputs (or outputs). */
  id: string;
  label: string;
  type: PortType;
  /** Optional inputs may stay unconnected. */
  optional?: boolean;
}

export type NodeCategory = 'data' | 'model' | 'training' | 'evaluation';

/** An error located on a node (and optionally a param or port), shown on the node itself. */
export interface GraphError {
  nodeId: string | null;
  param?: string;
  port?: string;
  edgeId?: string;
  message: string;
}

export interface CompileContext<P> {
  node: GraphNode;
  /** Params parsed through the node's zod schema (defaults filled in). */
  params: P;
  /** Compiled values arriving on each connected input port, by port id. */
  inputs: Partial<{ [port: string]: PortValues[PortType] }>;
  graph: GraftGraph;
  /** Report a located error; compilation continues to collect more. */
  error(message: string, where?: { param?: string; port?: string }): void;
}

/** What a node's compile step returns: a value per output port (by port id). */
export type CompileOutput = Partial<{ [port: string]: PortValues[PortType] }> | null;

export interface NodeDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Stable id stored in files, e.g. 'freeze-layers'. */
  type: string;
  /** Shown in the palette and on the node, e.g. 'Freeze Layers'. */
  title: string;
  category: NodeCategory;
  /** One-line summary for the palette tooltip. */
  summary: string;
  /** One plain-language paragraph for students: what it does, when and why to use it. */
  explanation: string;
  inputs: PortDef[];
  outputs: PortDef[];
  /** zod object; every field has a default and `.meta({ title, description })` for the generated form. */
  params: S;
  compile(ctx: CompileContext<z.infer<S>>): CompileOutput;
  /** Hide these params from the generated form (because the custom inspector edits them). */
  hiddenParams?: string[];
  /** Whether a param matters for the current settings (e.g. "Layers to freeze" only in first-N mode). The generated
   * form hides those that don't (unless they hold an error); the compiler ignores this. */
  paramApplies?(param: string, params: z.infer<S>): boolean;
  /** Params (numeric, enum or boolean) the Hyperparameter Tune node may search over. */
  tunableParams?: string[];
  /** Role in the pipeline the compiler assembles: exactly one 'trainer' per graph; 'evaluator's attach to its
   * output. Other nodes are steps feeding them. */
  role?: 'trainer' | 'evaluator';
  /** Evaluators: their part of the plan. */
  evaluatePlan?(params: z.infer<S>): EvaluatePlan;
  /** Which params describe the node at a glance on its card (default: the first few simple ones). */
  cardParams?(params: z.infer<S>): string[];
  /** One line for the run summary after a run (default: the card summary). */
  runSummary?(params: z.infer<S>, outcome: RunOutcome): string;
  /** Version of this type's params (default 1). Bump it when params change shape, and add a migration. */
  version?: number;
  /** `migrations[k]` upgrades params of version k-1 to version k (old saved and shared graphs keep opening).
   * Write them tolerant: nodes built by hand may lack `v` although their params are current. */
  migrations?: Record<number, ParamsMigration>;
}

/** Upgrades one node's raw params by one version. */
export type ParamsMigration = (params: Record<string, unknown>) => Record<string, unknown>;

/** Helper that keeps the generic param type when declaring a node. */
export function defineNode<S extends z.ZodObject>(def: NodeDefinition<S>): NodeDefinition<S> {
  return def;
}
