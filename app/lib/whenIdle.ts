/** Run `task` when the page is idle (at most ~1 s later): work that must not lengthen the task showing results. */
export function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 50);
}
