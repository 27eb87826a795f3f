/**
 * Let the event loop run (a cancel message, a progress post) and come back as soon as possible. `setTimeout(0)` in
 * a loop that only ever continues from its own timers is clamped to 4 ms after five nested levels (HTML timers):
 * the fit loop yields every 50 ms, so that clamp alone cost ~8 ms of a ~100 ms head-training epoch in the browser
 * worker. A message on a MessageChannel is a task of its own without the clamp; Node has setImmediate.
 */
let channel: MessageChannel | null = null;
const waiting: Array<() => void> = [];

export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
