'use client';
/** State of the current "Repeat with N seeds" (progress and every finished run), read by the run panel. */
import { create } from 'zustand';
import type { RepeatRun } from '@/nodes/engine/repeat';

export type RepeatStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

interface RepeatState {
  status: RepeatStatus;
  count: number;
  /** 0-based index of the run in progress. */
  index: number;
  runs: RepeatRun[];
  error: string | null;
  reset(): void;
}

export const useRepeatStore = create<RepeatState>((set) => ({
  status: 'idle',
  count: 0,
  index: 0,
  runs: [],
  error: null,
  reset: () => set({ status: 'idle', count: 0, index: 0, runs: [], error: null }),
}));
