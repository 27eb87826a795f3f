'use client';
/** Transient messages for the canvas status line (info → role="status", error → role="alert"). */
import { create } from 'zustand';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
}

interface ToastState {
  toast: Toast | null;
  show(message: string, kind?: Toast['kind']): void;
  dismiss(): void;
}

let nextId = 1;
let timer: ReturnType<typeof setTimeout> | null = null;

export const useToastStore = create<ToastState>((set) => ({
  toast: null,
  show: (message, kind = 'info') => {
    const toast = { id: nextId++, kind, message };
    set({ toast });
    if (timer) clearTimeout(timer);
    // Errors stay longer: they usually need reading.
    timer = setTimeout(() => set((s) => (s.toast?.id === toast.id ? { toast: null } : s)), kind === 'error' ? 8000 : 3500);
  },
  dismiss: () => set({ toast: null }),
}));

export const showToast = (message: string, kind?: Toast['kind']) => useToastStore.getState().show(message, kind);
