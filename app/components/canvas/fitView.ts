/**
 * How the graph is framed. The top padding keeps nodes clear of the floating edit tools and view controls; the
 * bottom padding grows when the minimap is shown so it never sits on a node after a fit.
 */
import type { FitViewOptions } from '@xyflow/react';

export const MINIMAP_SIZE = { width: 132, height: 88 } as const;

export function fitViewOptions(minimap: boolean): FitViewOptions {
  const bottom: `${number}px` = minimap ? `${MINIMAP_SIZE.height + 28}px` : '24px';
  return { padding: { top: '64px', right: '24px', bottom, left: '24px' }, maxZoom: 1.1 };
}
