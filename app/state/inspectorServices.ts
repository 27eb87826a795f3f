'use client';
/** The services the editor lends node inspectors (nodes/ui/types.ts): the only way an inspector reaches the app. */
import { useMemo } from 'react';
import type { InspectorServices } from '@/nodes/ui/types';
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import { useGraphStore } from './graphStore';

export function useInspectorServices(): InspectorServices {
  const updateNodeParams = useGraphStore((s) => s.updateNodeParams);
  const readOnly = useGraphStore((s) => s.readOnly);
  return useMemo(
    () => ({
      requestEngine: (type, payload) => getEngineClient().request(type, payload),
      patchNode: (nodeId, patch) => {
        if (!readOnly) updateNodeParams(nodeId, patch);
      },
    }),
    [readOnly, updateNodeParams],
  );
}
