'use client';
/** React hook around a worker helper request, re-run when `key` changes (debounced), stale replies ignored. */
import { useEffect, useRef, useState } from 'react';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import type { HelperReplies, HelperRequest } from '@/nodes/engine/host-browser/protocol';

type HelperType = HelperRequest['type'];
type Payload<T extends HelperType> = Omit<Extract<HelperRequest, { type: T }>, 'type' | 'requestId'>;

export interface EngineRequestState<R> {
  data: R | null;
  error: string | null;
  loading: boolean;
  refresh(): void;
}

export function useEngineRequest<T extends HelperType>(
  type: T,
  payload: Payload<T> | null,
  delayMs = 250,
): EngineRequestState<HelperReplies[T]> {
  const [data, setData] = useState<HelperReplies[T] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  const key = payload ? JSON.stringify(payload) : null;

  useEffect(() => {
    if (!key || !payload) {
      setLoading(false);
      return;
    }
    const mine = ++seq.current;
    setLoading(true);
    const t = setTimeout(() => {
      getEngineClient()
        .request(type, payload)
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the serialised payload
  }, [type, key, nonce, delayMs]);

  return { data, error, loading, refresh: () => setNonce((n) => n + 1) };
}
