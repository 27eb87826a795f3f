'use client';
/**
 * Edit tokens this browser holds, kept in localStorage as { [graphId]: token }. The server has no
 * accounts: holding a graph's token is what makes it "mine". Tokens never go into URLs.
 */
const KEY = 'graft:editTokens';

function readAll(): Record<string, string> {
  if (typeof window === 'undefined') return {};
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(KEY) ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export function getEditToken(graphId: string): string | null {
  return readAll()[graphId] ?? null;
}

export function setEditToken(graphId: string, token: string): void {
  const all = readAll();
  all[graphId] = token;
  window.localStorage.setItem(KEY, JSON.stringify(all));
}

export function forgetEditToken(graphId: string): void {
  const all = readAll();
  delete all[graphId];
  window.localStorage.setItem(KEY, JSON.stringify(all));
}

export function allEditTokens(): { id: string; editToken: string }[] {
  return Object.entries(readAll()).map(([id, editToken]) => ({ id, editToken }));
}
