'use client';
/** Browser tRPC client (vanilla, for imperative calls such as autosave). Types come from the server router. */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@/server/trpc/router';

export const trpc = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/api/trpc',
      // POST for queries too: listMine carries many tokens, and tokens don't belong in URLs/logs.
      methodOverride: 'POST',
    }),
  ],
});

export interface ApiErrorInfo {
  /** tRPC code ("CONFLICT", "FORBIDDEN", …) or "NETWORK" when the server could not be reached. */
  code: string;
  message: string;
  currentVersion?: number;
  retryAfterSeconds?: number;
}

export function apiErrorInfo(err: unknown): ApiErrorInfo {
  if (err instanceof TRPCClientError) {
    const data = err.data as { code?: string; currentVersion?: number; retryAfterSeconds?: number } | undefined;
    if (!data?.code) return { code: 'NETWORK', message: 'The server could not be reached.' };
    return { code: data.code, message: err.message, currentVersion: data.currentVersion, retryAfterSeconds: data.retryAfterSeconds };
  }
  return { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
}
