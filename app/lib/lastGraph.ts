'use client';
/** The graph this browser last edited, so "/" reopens it (the template is only for a first visit). */
const KEY = 'graft:lastGraph';

export function rememberLastGraph(id: string): void {
  try {
    localStorage.setItem(KEY, id);
  } catch {
    /* storage disabled: "/" shows the template */
  }
}

export function lastGraph(): string | null {
  try {
    const id = localStorage.getItem(KEY);
    return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

export function forgetLastGraph(id: string): void {
  try {
    if (localStorage.getItem(KEY) === id) localStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}
