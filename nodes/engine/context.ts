/**
 * Run state shared by the engine's seams: event emission (throttled where chatty), node states, cancellation, and
 * every tfjs resource the run creates (disposed on every exit).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Plan } from '../core/plan';
import type { RunPlanOptions } from './host';
import { RunError, type NodeRunState, type RunEvent } from './types';
import { disposeLayerWeights } from './model/dispose';
import { disposeOptimizer } from './rules/optimizer';
import { yieldToEventLoop } from './yield-task';

export type TF = typeof tfjs;

/** Minimum gap between 'batch'/'progress' events, so a fast head does not flood the UI. */
const EVENT_INTERVAL_MS = 100;

function uniqueNodeIds(plan: Plan): string[] {
  const ids = Object.values(plan.nodeIds).filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(ids)];
}

export class RunContext {
  private nodeStates = new Map<string, NodeRunState>();
  private lastThrottled = new Map<string, number>();
  readonly models: tfjs.LayersModel[] = [];
  readonly looseLayers: tfjs.layers.Layer[] = [];
  readonly optimizers: tfjs.Optimizer[] = [];

  constructor(
    readonly tf: TF,
    readonly plan: Plan,
    readonly options: RunPlanOptions,
  ) {}

  emit(event: RunEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // A broken listener must not break training.
    }
  }

  /** Emit at most every EVENT_INTERVAL_MS per key unless `force`. */
  emitThrottled(key: string, event: RunEvent, force = false): void {
    const now = Date.now();
    if (!force && now - (this.lastThrottled.get(key) ?? 0) < EVENT_INTERVAL_MS) return;
    this.lastThrottled.set(key, now);
    this.emit(event);
  }

  /** A 'progress' event with ETA and throughput from a start time (throttled per phase). */
  progress(phase: 'loading' | 'features' | 'training', done: number, total: number, since: number, imagesPerSecond?: number): void {
    const elapsed = Date.now() - since;
    this.emitThrottled(
      phase,
      {
        type: 'progress',
        phase,
        done,
        total,
        etaMs: done > 0 ? (elapsed / done) * (total - done) : null,
        imagesPerSecond: imagesPerSecond ?? done / Math.max(1e-3, elapsed / 1000),
      },
      done === total,
    );
  }

  setNode(nodeId: string | undefined, state: NodeRunState, message?: string, progress?: number): void {
    if (!nodeId) return;
    this.nodeStates.set(nodeId, state);
    this.emit({ type: 'node', nodeId, state, message, progress });
  }

  initNodes(): void {
    for (const id of uniqueNodeIds(this.plan)) this.setNode(id, 'waiting');
  }

  /** Close every node still waiting/running with `state`. */
  finishNodes(state: NodeRunState): void {
    for (const [id, current] of this.nodeStates) {
      if (current === 'waiting' || current === 'running') this.setNode(id, state);
    }
  }

  checkCancelled(): void {
    if (this.options.signal?.aborted) throw new RunError('Run cancelled.', 'cancelled', null);
  }

  private lastYield = Date.now();

  /**
   * Check for Cancel between batches, first letting the host's event loop run at least every 50 ms. On WASM and CPU
   * every await in a batch resolves as a microtask, so without this a worker never gets to read the Cancel message.
   */
  async pollCancelled(): Promise<void> {
    if (Date.now() - this.lastYield >= 50) {
      await yieldToEventLoop();
      this.lastYield = Date.now();
    }
    this.checkCancelled();
  }

  status(message: string): void {
    this.emit({ type: 'status', message });
  }

  disposeAll(): void {
    for (const optimizer of this.optimizers) {
      try {
        disposeOptimizer(optimizer);
      } catch {
        /* already disposed */
      }
    }
    disposeLayerWeights([...this.models, ...this.looseLayers]);
  }
}
