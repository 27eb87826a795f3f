'use client';
/**
 * Page-side handle on the engine worker. Never imports tfjs: the page stays light and responsive.
 * One worker per tab (created lazily); runs stream RunEvents, helper requests are promise-based.
 */
import type { Plan } from '../../core/plan';
import type { RunEvent, RunOptions } from '../types';
import { planAllTrials } from '../../compiler/trial-plan';
import type { HelperReplies, HelperRequest, PageToWorker, WorkerToPage } from './protocol';

type HelperType = HelperRequest['type'];
type HelperPayload<T extends HelperType> = Omit<Extract<HelperRequest, { type: T }>, 'type' | 'requestId'>;

export interface RunHandle {
  runId: string;
  /** Resolves after the run's final event ('done' or 'error'). */
  finished: Promise<RunEvent>;
  cancel(): void;
}

/** If the engine does not stop within this time after Cancel, the worker is restarted (it may be stuck in a kernel). */
const CANCEL_GRACE_MS = 6000;

export class EngineClient {
  private worker: Worker | null = null;
  private readonly runListeners = new Map<string, (event: RunEvent) => void>();
  private readonly pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
  private counter = 0;

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'graft-engine' });
    worker.onmessage = (e: MessageEvent<WorkerToPage>) => this.onMessage(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault?.();
      this.failEverything(`The training engine crashed${e.message ? `: ${e.message}` : ''}.`);
    };
    worker.onmessageerror = () => this.failEverything('The training engine sent an unreadable message.');
    this.worker = worker;
    return worker;
  }

  private onMessage(msg: WorkerToPage): void {
    if ('runId' in msg) {
      this.runListeners.get(msg.runId)?.(msg.event);
    } else if ('requestId' in msg) {
      const waiter = this.pending.get(msg.requestId);
      if (!waiter) return;
      this.pending.delete(msg.requestId);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(msg.error));
    }
  }

  private failEverything(message: string): void {
    for (const [, listener] of this.runListeners) listener({ type: 'error', nodeId: null, message, kind: 'internal' });
    for (const [, waiter] of this.pending) waiter.reject(new Error(message));
    this.pending.clear();
    this.worker?.terminate();
    this.worker = null;
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${Date.now().toString(36)}-${this.counter}`;
  }

  private send(message: PageToWorker, transfer: Transferable[] = []): void {
    this.ensureWorker().postMessage(message, transfer);
  }

  /** Start the engine early (loads tfjs in the worker) so the first run starts faster. */
  warmUp(): void {
    this.ensureWorker();
  }

  run(plan: Plan, options: RunOptions, onEvent: (event: RunEvent) => void): RunHandle {
    const runId = this.nextId('run');
    let cancelTimer: ReturnType<typeof setTimeout> | null = null;
    const finished = new Promise<RunEvent>((resolve) => {
      this.runListeners.set(runId, (event) => {
        onEvent(event);
        if (event.type === 'done' || event.type === 'error') {
          if (cancelTimer) clearTimeout(cancelTimer);
          this.runListeners.delete(runId);
          resolve(event);
        }
      });
    });
    // A search's trials are compiled here, on the page, so the worker never needs the compiler.
    const withTrials = plan.tune && !options.plannedTrials ? { ...options, plannedTrials: planAllTrials(plan) } : options;
    this.send({ type: 'run', runId, plan, options: withTrials });
    return {
      runId,
      finished,
      cancel: () => {
        if (!this.runListeners.has(runId)) return;
        this.send({ type: 'cancel', runId });
        cancelTimer ??= setTimeout(() => {
          const listener = this.runListeners.get(runId);
          if (!listener) return;
          // The engine did not react: restart the worker so the app is usable again.
          listener({ type: 'error', nodeId: null, message: 'Run cancelled (the engine was restarted).', kind: 'cancelled' });
          this.worker?.terminate();
          this.worker = null;
          for (const [, waiter] of this.pending) waiter.reject(new Error('The engine was restarted.'));
          this.pending.clear();
        }, CANCEL_GRACE_MS);
      },
    };
  }

  request<T extends HelperType>(type: T, payload: HelperPayload<T>, transfer: Transferable[] = []): Promise<HelperReplies[T]> {
    const requestId = this.nextId(type);
    return new Promise<HelperReplies[T]>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type, requestId, ...payload } as HelperRequest, transfer);
    });
  }
}

let singleton: EngineClient | null = null;

export function getEngineClient(): EngineClient {
  singleton ??= new EngineClient();
  return singleton;
}
