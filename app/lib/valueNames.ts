'use client';
/**
 * Human names for ids shown on node cards: "Shapes — few examples (transfer task)" instead of
 * "builtin:shapes-target", a local dataset's own name instead of its uuid, the catalog model's title.
 */
import { useEffect, useState } from 'react';
import { getSyntheticDataset } from '@/nodes/dataset/synthetic';
import { getLocalDataset, isLocalDatasetId, subscribeLocalDatasets } from '@/nodes/dataset/browser-store';
import { catalogEntry } from '@/nodes/pretrained-model/catalog';
import { listUploadedModels } from '@/nodes/engine/host-browser/model-store';

const localNames = new Map<string, string>();

/** Synchronous best guess (cached local names; null while a local name is still being read). */
export function datasetName(id: string): string | null {
  const builtin = getSyntheticDataset(id);
  if (builtin) return builtin.title;
  if (id.startsWith('dir:')) return id.slice(4).split('/').filter(Boolean).pop() ?? id.slice(4);
  if (id.startsWith('shared:')) return 'Shared dataset';
  if (isLocalDatasetId(id)) return localNames.get(id) ?? null;
  return id || null;
}

export function modelName(catalogId: string): string {
  return catalogEntry(catalogId)?.title ?? catalogId;
}

/** The dataset's name, re-read when a local dataset is renamed (here or in another tab). */
export function useDatasetName(id: string | null): string | null {
  const [, bump] = useState(0);
  useEffect(() => {
    if (!id || !isLocalDatasetId(id)) return;
    let alive = true;
    const read = () =>
      void getLocalDataset(id)
        .then((r) => {
          if (!alive) return;
          localNames.set(id, r?.name ?? 'Missing local dataset');
          bump((n) => n + 1);
        })
        .catch(() => undefined);
    read();
    const unsubscribe = subscribeLocalDatasets((changed) => changed === id && read());
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [id]);
  return id ? datasetName(id) : null;
}

const uploadNames = new Map<string, string>();

/** An uploaded model's own name ("Transfer-learning-pipeline"), not its storage id; null while it is being read. */
export function useUploadedModelName(id: string | null): string | null {
  const [, bump] = useState(0);
  useEffect(() => {
    if (!id || uploadNames.has(id)) return;
    let alive = true;
    void listUploadedModels()
      .then((models) => {
        for (const m of models) uploadNames.set(m.id, m.name);
        if (!uploadNames.has(id)) uploadNames.set(id, 'Missing uploaded model');
        if (alive) bump((n) => n + 1);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [id]);
  return id ? (uploadNames.get(id) ?? null) : null;
}
