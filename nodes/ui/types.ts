/**
 * The UI contract of node types: custom inspectors and the services the app passes them. React lives here and in
 * the inspectors only — nodes/core, the compiler, the engine and node definitions never import this file, so
 * Node and the Web Worker never load React. Inspectors reach the app only through `InspectorServices`.
 */
import type { ComponentType } from 'react';
import type { GraftGraph, GraphNode } from '../core/graph';
import type { HelperReplies, HelperRequest } from '../engine/host-browser/protocol';

export type EngineHelperType = HelperRequest['type'];
export type EngineHelperPayload<T extends EngineHelperType> = Omit<Extract<HelperRequest, { type: T }>, 'type' | 'requestId'>;

/** Ask the engine (the Web Worker) a helper question: model layers, augmentation previews, … */
export type EngineRequester = <T extends EngineHelperType>(type: T, payload: EngineHelperPayload<T>) => Promise<HelperReplies[T]>;

/** What the app lends an inspector. Everything an inspector changes outside its own params goes through here. */
export interface InspectorServices {
  requestEngine: EngineRequester;
  /** Replace some params of any node (merged; recorded in undo history, ignored when read-only). */
  patchNode(nodeId: string, patch: Record<string, unknown>): void;
}

export interface InspectorProps<P = Record<string, unknown>> {
  node: GraphNode;
  params: P;
  /** Replace some of this node's params (merged). The caller records undo history and validation. */
  onChange(patch: Partial<P>): void;
  graph: GraftGraph;
  readOnly: boolean;
  services: InspectorServices;
}

export type InspectorComponent<P = Record<string, unknown>> = ComponentType<InspectorProps<P>>;

/** Loads a node type's custom inspector (lazily: the editor fetches the chunk when the node is selected). */
export type InspectorLoader = () => Promise<{ default: InspectorComponent<never> }>;
