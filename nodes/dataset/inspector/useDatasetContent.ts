'use client';
/**
 * Hooks that read dataset content for the UI: the server's datasets (`/api/datasets`), the browser's own
 * (IndexedDB, live-updated on every change), datasets shared with a graph (`/api/shared-datasets`), and a uniform
 * class-count summary for any dataset id.
 */
import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import {
  getLocalDatasetSummary,
  isLocalDatasetId,
  listLocalDatasets,
  subscribeLocalDatasets,
  type LocalDatasetSummary,
} from '../browser-store';
import type { DatasetContentSummary } from '../issues';
import { isSharedDatasetId, SharedManifestSchema, sharedClasses, sharedManifestPath, type SharedManifest } from '../shared';

const ServerDatasetSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  classes: z.array(z.object({ name: z.string(), count: z.number() })),
});
export type ServerDataset = z.infer<typeof ServerDatasetSchema>;

const DirListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  classes: z.array(z.object({ name: z.string(), files: z.array(z.string()) })),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type DirListing = z.infer<typeof DirListingSchema>;

// One fetch shared by every component (inspector, node watchers); `reload` refreshes it.
let serverCache: { data: ServerDataset[] | null; error: string | null } = { data: null, error: null };
let serverPromise: Promise<void> | null = null;
const serverListeners = new Set<() => void>();

function fetchServerDatasets(force = false): Promise<void> {
  if (serverPromise && !force) return serverPromise;
  serverPromise = (async () => {
    try {
      const res = await fetch('/api/datasets', { cache: 'no-store' });
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      const parsed = z.array(ServerDatasetSchema).safeParse(await res.json());
      if (!parsed.success) throw new Error('the server sent an unexpected dataset list');
      serverCache = { data: parsed.data, error: null };
    } catch (e) {
      serverCache = { data: serverCache.data, error: `Could not load the server's datasets: ${(e as Error).message}` };
    }
    serverListeners.forEach((l) => l());
  })();
  return serverPromise;
}

export function useServerDatasets(): { datasets: ServerDataset[] | null; error: string | null; reload(): void } {
  const [state, setState] = useState(serverCache);
  useEffect(() => {
    const listener = () => setState(serverCache);
    serverListeners.add(listener);
    void fetchServerDatasets().then(listener);
    return () => {
      serverListeners.delete(listener);
    };
  }, []);
  const reload = useCallback(() => void fetchServerDatasets(true), []);
  return { datasets: state.data, error: state.error, reload };
}

/** All datasets stored in this browser, newest first; null while loading. */
export function useLocalDatasets(): { datasets: LocalDatasetSummary[] | null; error: string | null } {
  const [state, setState] = useState<{ datasets: LocalDatasetSummary[] | null; error: string | null }>({ datasets: null, error: null });
  useEffect(() => {
    let alive = true;
    const load = () =>
      listLocalDatasets().then(
        (datasets) => alive && setState({ datasets, error: null }),
        (e: Error) => alive && setState({ datasets: [], error: e.message }),
      );
    void load();
    const unsubscribe = subscribeLocalDatasets(() => void load());
    return () => {
      alive = false;
      unsubscribe();
    };
  }, []);
  return state;
}

export type LocalSummaryState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'error'; message: string }
  | { status: 'ready'; summary: LocalDatasetSummary };

/** One local dataset, live: re-read whenever it changes (also from another tab). */
export function useLocalDatasetSummary(datasetId: string | null): LocalSummaryState {
  const [state, setState] = useState<LocalSummaryState>({ status: 'loading' });
  useEffect(() => {
    if (!datasetId || !isLocalDatasetId(datasetId)) return;
    let alive = true;
    setState({ status: 'loading' });
    const load = () =>
      getLocalDatasetSummary(datasetId).then(
        (summary) => alive && setState(summary ? { status: 'ready', summary } : { status: 'missing' }),
        (e: Error) => alive && setState({ status: 'error', message: e.message }),
      );
    void load();
    const unsubscribe = subscribeLocalDatasets((changed) => {
      if (changed === datasetId) void load();
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [datasetId]);
  return state;
}

/** Full listing (file names, skipped files) of a `dir:` dataset for thumbnails; null while loading/unavailable. */
export function useDirListing(datasetId: string): DirListing | null {
  const [listing, setListing] = useState<DirListing | null>(null);
  useEffect(() => {
    setListing(null);
    if (!datasetId.startsWith('dir:')) return;
    let alive = true;
    fetch(`/api/datasets/${encodeURIComponent(datasetId.slice(4))}`, { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : null))
      .then((json) => {
        const parsed = DirListingSchema.safeParse(json);
        if (alive && parsed.success) setListing(parsed.data);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [datasetId]);
  return listing;
}

export type SharedDatasetState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'error'; message: string }
  | { status: 'ready'; manifest: SharedManifest };

// Shared datasets never change once uploaded: one fetch per id per page (failures are retried on next use).
const sharedCache = new Map<string, Promise<SharedDatasetState>>();

function fetchSharedDataset(datasetId: string): Promise<SharedDatasetState> {
  let pending = sharedCache.get(datasetId);
  if (!pending) {
    pending = (async (): Promise<SharedDatasetState> => {
      try {
        const res = await fetch(sharedManifestPath(datasetId));
        if (res.status === 404 || res.status === 400) return { status: 'missing' };
        if (!res.ok) throw new Error(`the server answered ${res.status}`);
        const parsed = SharedManifestSchema.safeParse(await res.json());
        if (!parsed.success) throw new Error('the server sent an unexpected dataset description');
        return { status: 'ready', manifest: parsed.data };
      } catch (e) {
        sharedCache.delete(datasetId);
        return { status: 'error', message: `Could not load the shared dataset: ${(e as Error).message}` };
      }
    })();
    sharedCache.set(datasetId, pending);
  }
  return pending;
}

/** The manifest (classes + image list) of a `shared:` dataset. */
export function useSharedDataset(datasetId: string | null): SharedDatasetState {
  const [state, setState] = useState<{ id: string; value: SharedDatasetState } | null>(null);
  useEffect(() => {
    if (!datasetId || !isSharedDatasetId(datasetId)) return;
    let alive = true;
    void fetchSharedDataset(datasetId).then((value) => alive && setState({ id: datasetId, value }));
    return () => {
      alive = false;
    };
  }, [datasetId]);
  return state && state.id === datasetId ? state.value : { status: 'loading' };
}

export type DatasetContentState =
  | { status: 'loading' }
  /** Not something the browser can check, or the server could not be asked (a missing `shared:` dataset is also
   * left to the run and the inspector to explain: "no longer in this browser" would be the wrong message). */
  | { status: 'unknown' }
  | { status: 'ready'; title: string; content: DatasetContentSummary };

/** Class counts for any dataset id, in the shape `datasetReport` takes. */
export function useDatasetContent(datasetId: string): DatasetContentState {
  const local = useLocalDatasetSummary(isLocalDatasetId(datasetId) ? datasetId : null);
  const server = useServerDatasets();
  const shared = useSharedDataset(isSharedDatasetId(datasetId) ? datasetId : null);
  if (isSharedDatasetId(datasetId)) {
    if (shared.status === 'loading') return { status: 'loading' };
    if (shared.status !== 'ready') return { status: 'unknown' };
    return {
      status: 'ready',
      title: shared.manifest.name,
      content: { exists: true, classes: sharedClasses(shared.manifest).map((c) => ({ name: c.name, count: c.images.length })), skippedCount: 0 },
    };
  }
  if (isLocalDatasetId(datasetId)) {
    if (local.status === 'loading') return { status: 'loading' };
    if (local.status === 'error') return { status: 'unknown' };
    if (local.status === 'missing') return { status: 'ready', title: 'Missing dataset', content: { exists: false, classes: [], skippedCount: 0 } };
    const s = local.summary;
    return {
      status: 'ready',
      title: s.name,
      content: { exists: true, classes: s.classes.map((c) => ({ name: c.name, count: c.count })), skippedCount: s.skipped.length },
    };
  }
  if (datasetId.startsWith('builtin:') || datasetId.startsWith('dir:')) {
    if (!server.datasets) return server.error ? { status: 'unknown' } : { status: 'loading' };
    const found = server.datasets.find((d) => d.id === datasetId);
    if (found) return { status: 'ready', title: found.title, content: { exists: true, classes: found.classes, skippedCount: 0 } };
    // Built-ins are generated on demand and may be listed lazily; only a missing folder dataset is an error.
    if (datasetId.startsWith('dir:')) return { status: 'ready', title: datasetId.slice(4), content: { exists: false, classes: [], skippedCount: 0 } };
  }
  return { status: 'unknown' };
}
