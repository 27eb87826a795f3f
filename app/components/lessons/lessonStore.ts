'use client';
/** Which lesson (if any) the student has open beside the canvas. */
import { create } from 'zustand';

interface LessonState {
  activeId: string | null;
  open(id: string): void;
  close(): void;
}

export const useLessonStore = create<LessonState>((set) => ({
  activeId: null,
  open: (id) => set({ activeId: id }),
  close: () => set({ activeId: null }),
}));
