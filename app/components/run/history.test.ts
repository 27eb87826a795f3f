import { beforeEach, describe, expect, it } from 'vitest';
import type { RunHistoryEntry } from '@/app/state/runStore';
import { historyKey, moveHistory, readHistory, sealInterrupted, upsertHistory } from './history';

// Node has no localStorage: a plain in-memory one with the same interface.
class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

const entry = (id: string, status: RunHistoryEntry['status'], date = 1): RunHistoryEntry => ({
  id, date, kind: 'main', accuracy: null, loss: null, backend: null, featureBackend: null, path: null, epochs: 0,
  trainMs: null, imagesPerSecond: null, status, summary: 's',
});

describe('run history', () => {
  beforeEach(() => {
    (globalThis as unknown as { localStorage: MemoryStorage }).localStorage = new MemoryStorage();
  });

  it('a run recorded when it starts is updated in place when it ends', () => {
    const key = historyKey('g1', '');
    upsertHistory(key, entry('r1', 'running'));
    upsertHistory(key, { ...entry('r1', 'done'), accuracy: 0.9 });
    expect(readHistory(key)).toHaveLength(1);
    expect(readHistory(key)[0]).toMatchObject({ status: 'done', accuracy: 0.9 });
  });

  it('a run still "going" when the page loads again was interrupted; the one going now is not', () => {
    const key = historyKey('g1', '');
    upsertHistory(key, entry('old', 'running'));
    upsertHistory(key, entry('now', 'running'));
    sealInterrupted(key, 'now');
    const byId = Object.fromEntries(readHistory(key).map((e) => [e.id, e]));
    expect(byId.old).toMatchObject({ status: 'cancelled', interrupted: true });
    expect(byId.now.status).toBe('running');
  });

  it('the runs of an unsaved graph move to its id when it is first saved', () => {
    upsertHistory(historyKey(null, 'My graph'), entry('a', 'done', 2));
    moveHistory(historyKey(null, 'My graph'), historyKey('g9', ''));
    expect(readHistory(historyKey('g9', '')).map((e) => e.id)).toEqual(['a']);
    expect(readHistory(historyKey(null, 'My graph'))).toEqual([]);
  });
});
