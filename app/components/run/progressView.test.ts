import { beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '@/nodes/engine/types';
import { nodePercent, sessionProgress, useRunStore } from '@/app/state/runStore';
import { progressView } from './progressView';

const NODES = ['dataset', 'model', 'head', 'train', 'evaluate'];

/** What the worker sends for a cached-path run (model, decode, features, 2 epochs × 3 batches, evaluation). */
function cachedRunEvents(): RunEvent[] {
  const events: RunEvent[] = [
    { type: 'node', nodeId: 'model', state: 'running', message: 'Loading model' },
    { type: 'progress', phase: 'model', done: 0, total: 1, etaMs: null },
    { type: 'node', nodeId: 'model', state: 'done' },
  ];
  for (let done = 1; done <= 10; done++) events.push({ type: 'progress', phase: 'loading', done, total: 10, etaMs: (10 - done) * 5 });
  events.push({ type: 'node', nodeId: 'train', state: 'running', message: 'Computing features' });
  for (let done = 2; done <= 10; done += 2) events.push({ type: 'progress', phase: 'features', done, total: 10, etaMs: (10 - done) * 300 });
  events.push({ type: 'node', nodeId: 'train', state: 'running', message: 'Training the head' });
  for (let done = 1; done <= 6; done++) {
    events.push({ type: 'progress', phase: 'training', done, total: 6, etaMs: (6 - done) * 400 });
    // The engine's own per-node share (epochs done / epochs) disagrees with the overall bar: it must not be shown.
    if (done % 3 === 0) events.push({ type: 'node', nodeId: 'train', state: 'running', message: `Epoch ${done / 3}/2`, progress: done / 6 });
  }
  events.push({ type: 'node', nodeId: 'train', state: 'done' });
  events.push({ type: 'progress', phase: 'evaluating', done: 0, total: 4, etaMs: null });
  events.push({ type: 'progress', phase: 'evaluating', done: 4, total: 4, etaMs: 0 });
  return events;
}

describe('one progress value for the panel, the trainer node and the ETA', () => {
  beforeEach(() => {
    useRunStore.setState({ main: null, scratch: null, nodeStates: {}, blockedBy: [] });
  });

  it('the Train node prints the panel percent at every event; the bar only moves forward', () => {
    useRunStore.getState().beginSession('main', 'r1', 'g', NODES, { nodeId: 'train', search: false });
    let last = -1;
    let trainChipsSeen = 0;
    for (const event of cachedRunEvents()) {
      useRunStore.getState().applyEvents('main', [event]);
      const state = useRunStore.getState();
      const view = sessionProgress(state.main!);
      expect(view.fraction).toBeGreaterThanOrEqual(last);
      last = view.fraction;
      if (state.nodeStates.train?.state === 'running') {
        trainChipsSeen++;
        expect(nodePercent(state, 'train')).toBe(view.percent);
      }
      // ETA only for measured phases, never "0s" while work remains.
      if (view.phase === 'model' || view.phase === 'loading' || view.phase === 'evaluating') expect(view.etaText).toBeNull();
      if (view.etaMs !== null) expect(view.etaMs).toBeGreaterThanOrEqual(1000);
    }
    expect(trainChipsSeen).toBeGreaterThan(5);
  });

  it('phase names and the places of the phases on the bar', () => {
    const at = (phase: 'model' | 'loading' | 'features' | 'training' | 'evaluating', done: number, total: number, sawFeatures = true) =>
      progressView({ status: 'running', progress: { phase, done, total, etaMs: 5000 }, sawFeatures, search: null });
    expect(at('model', 0, 1).phaseLabel).toBe('Loading the model');
    expect(at('loading', 1, 10).phaseLabel).toBe('Loading images');
    expect(at('loading', 1, 10).etaText).toBeNull();
    // "Loading images ETA 0s" at 10% was the bug: loading at its end shows no ETA.
    expect(at('loading', 10, 10)).toMatchObject({ percent: 12, etaText: null });
    expect(at('features', 5, 10)).toMatchObject({ phaseLabel: 'Computing features', etaText: 'ETA 5s for computing features' });
    expect(at('training', 0, 10).percent).toBe(35);
    // Full passes (no features phase): training starts where loading ended.
    expect(at('training', 0, 10, false).percent).toBe(12);
    expect(at('training', 5, 10, false)).toMatchObject({ percent: 53, etaText: 'ETA 5s for training' });
    expect(at('training', 10, 10).etaText).toBeNull();
    expect(at('evaluating', 0, 4)).toMatchObject({ percent: 95, phaseLabel: 'Evaluating', etaText: null });
    expect(progressView({ status: 'done', progress: null, sawFeatures: false, search: null }).percent).toBe(100);
    expect(progressView({ status: 'running', progress: null, sawFeatures: false, search: null })).toMatchObject({ percent: 0, phaseLabel: null });
  });

  it('a search: the bar and the Tune node show trials finished; the ETA names the trial', () => {
    useRunStore.getState().beginSession('main', 'r2', 'g', ['dataset', 'model', 'head', 'tune'], { nodeId: 'tune', search: true });
    const apply = (e: RunEvent) => useRunStore.getState().applyEvents('main', [e]);
    apply({ type: 'node', nodeId: 'tune', state: 'running', message: 'Trial 2 of 4', progress: 0.25 });
    apply({ type: 'progress', phase: 'training', done: 3, total: 6, etaMs: 2000 });
    const state = useRunStore.getState();
    const view = sessionProgress(state.main!);
    expect(view.percent).toBe(25);
    expect(nodePercent(state, 'tune')).toBe(25);
    expect(view.etaText).toBe("ETA 2s for this trial's training");
  });
});
