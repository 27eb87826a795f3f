/** yieldToEventLoop: lets queued tasks run (a Cancel message must get in between batches), without timer clamping. */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('yieldToEventLoop', () => {
  it('in Node: a task queued before the yield runs before it resumes', async () => {
    const { yieldToEventLoop } = await import('./yield-task');
    const seen: string[] = [];
    setImmediate(() => seen.push('queued task'));
    await yieldToEventLoop();
    seen.push('resumed');
    expect(seen).toEqual(['queued task', 'resumed']);
  });

  it('in a browser worker (no setImmediate): a message already queued is handled first, waiters resume in order', async () => {
    vi.stubGlobal('setImmediate', undefined);
    const { yieldToEventLoop } = await import('./yield-task');
    const other = new MessageChannel();
    const seen: string[] = [];
    other.port1.onmessage = () => seen.push('cancel message');
    other.port2.postMessage('cancel');
    await new Promise((resolve) => setTimeout(resolve, 5)); // the message is queued on the port by now
    await yieldToEventLoop();
    seen.push('resumed');
    expect(seen).toEqual(['cancel message', 'resumed']);
    other.port1.close();
    // FIFO: every waiter resumes, in order.
    const order: number[] = [];
    await Promise.all([0, 1, 2].map((i) => yieldToEventLoop().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
  });
});
