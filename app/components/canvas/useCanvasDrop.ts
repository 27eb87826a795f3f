'use client';
/** Drops on the canvas: palette items become nodes at the drop point, .graft.json files are imported. */
import { useCallback, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { getNodeDefinition } from '@/nodes/registry';
import { useGraphStore } from '@/app/state/graphStore';
import { DEFAULT_NODE_SIZE } from '@/app/lib/layout';
import { showToast } from '@/app/lib/toastStore';
import { NODE_DRAG_MIME } from './Palette';

export function useCanvasDrop(importFile: (file: File) => Promise<void>) {
  const rf = useReactFlow();
  const [dropActive, setDropActive] = useState(false);

  const onDragOver = useCallback((e: React.DragEvent) => {
    const types = Array.from(e.dataTransfer.types);
    if (types.includes(NODE_DRAG_MIME) || types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      if (types.includes('Files')) setDropActive(true);
    }
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      setDropActive(false);
      const type = e.dataTransfer.getData(NODE_DRAG_MIME);
      if (type) {
        e.preventDefault();
        const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        const id = useGraphStore.getState().addNode(type, { x: p.x - DEFAULT_NODE_SIZE.width / 2, y: p.y - 24 });
        if (id) showToast(`Added ${getNodeDefinition(type)?.title ?? type}.`);
        return;
      }
      const file = e.dataTransfer.files?.[0];
      if (file) {
        e.preventDefault();
        if (/^image\//.test(file.type) || /\.(zip|jpe?g|png|gif|webp|bmp)$/i.test(file.name)) {
          showToast(`“${file.name}” is not a graph. To train on your own images, select the Dataset node and upload a folder or zip there.`, 'error');
          return;
        }
        void importFile(file);
      }
    },
    [rf, importFile],
  );

  const onDragLeave = useCallback(() => setDropActive(false), []);
  return { dropActive, onDragOver, onDrop, onDragLeave };
}
