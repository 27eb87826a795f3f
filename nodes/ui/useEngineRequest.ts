'use client';
/** React hook around an engine helper request (via the app's `requestEngine` service), re-run when the payload
 * changes (debounced), stale replies ignored. */
import { useEffect, useRef, useState } from 'react';
import type { HelperReplies } from '../engine/host-browser/protocol';
import type { EngineHelperPayload, EngineHelperType, EngineRequester } from './types';

export interface EngineRequestState<R> {
  data: R | null;
  error: string | null;
  loading: boolean;
  refresh(): void;
}

export function useEngineRequest<T extends EngineHelperType>(
  requestEngine: EngineRequester,
  type: T,
  payload: EngineHelperPayload<T> | null,
  delayMs = 250,
): EngineRequestState<HelperReplies[T]> {
  const [data, setData] = useState<HelperReplies[T] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  const key = payload ? JSON.stringify(payload) : null;
  // The latest requester/payload, read when the debounced request fires (the effect is keyed by the serialised payload).
  const latest = useRef({ requestEngine, payload });
  latest.current = { requestEngine, payload };

  useEffect(() => {
    const { requestEngine: request, payload: current } = latest.current;
    if (!key || !current) {
      setLoading(false);
      return;
    }
    const mine = ++seq.current;
    setLoading(true);
    const t = setTimeout(() => {
      request(type, current)
        .then((r) => {
          if (mine !== seq.current) return;
          setData(r);
          setError(null);
        })
        .catch((e: Error) => {
          if (mine !== seq.current) return;
          setError(e.message);
        })
        .finally(() => {
          if (mine === seq.current) setLoading(false);
        });
    }, delayMs);
    return () => clearTimeout(t);
  }, [type, key, nonce, delayMs]);

  return { data, error, loading, refresh: () => setNonce((n) => n + 1) };
}
