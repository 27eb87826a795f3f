'use client';
/** TanStack Query + tRPC provider for pages that use query hooks (`useTRPC()`). */
import { useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@/server/trpc/router';
import { trpc } from './trpcClient';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;
function getQueryClient() {
  const make = () => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1 } } });
  if (typeof window === 'undefined') return make();
  return (browserQueryClient ??= make());
}

export function TrpcQueryProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(getQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpc} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
