'use client';
/**
 * "Include dataset images" in the Share popover: uploads the browser-stored (`local:`) datasets a graph uses to the
 * server (a chunked upload session: `dataset.uploadStart`, small `dataset.uploadImages` batches within the server's
 * per-request caps, `dataset.uploadFinish`) and points those Dataset nodes at the returned `shared:<id>`
 * as one undoable edit, so the share link is runnable by whoever opens it. The owner's IndexedDB copy stays.
 *
 * The job lives in a small store (not in the popover), so closing the popover does not lose an upload in flight.
 */
import { create } from 'zustand';
import type { GraftGraph } from '@/nodes/core/graph';
import { useGraphStore } from '@/app/state/graphStore';
import { apiErrorInfo, trpc } from '@/app/lib/trpcClient';
import { isLocalDatasetId, listLocalDatasetImages, type LocalImageForExport } from '@/nodes/dataset/browser-store';
import { isSharedDatasetId } from '@/nodes/dataset/shared';
import { fitWithin } from '@/nodes/dataset/resize';
import { saveNow } from './persistenceStore';
import { planUploadBatches } from './uploadBatches';

/**
 * Longer side of shared images. Graft's models take at most 224 px inputs, so 512 px keeps everything a run uses
 * while a folder of phone photos (3–5 MB each) shrinks ~20× and fits the server's cap. Smaller images are sent as-is.
 */
export const SHARE_MAX_SIDE = 512;
const SHARE_JPEG_QUALITY = 0.9;

export interface ShareLimits {
  maxDatasetBytes: number;
  maxImageBytes: number;
  maxDatasetImages: number;
  /** Per `dataset.uploadImages` request (image bytes before base64). */
  maxUploadBatchImages: number;
  maxUploadBatchBytes: number;
}

/** Dataset nodes of the graph grouped by their `local:` dataset id. */
export function localDatasetUses(graph: GraftGraph): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const id = n.type === 'dataset' ? n.params.datasetId : undefined;
    if (typeof id === 'string' && isLocalDatasetId(id)) uses.set(id, [...(uses.get(id) ?? []), n.id]);
  }
  return uses;
}

export function sharedDatasetIds(graph: GraftGraph): string[] {
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    const id = n.type === 'dataset' ? n.params.datasetId : undefined;
    if (typeof id === 'string' && isSharedDatasetId(id)) ids.add(id);
  }
  return [...ids];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// --- preparing images -------------------------------------------------------------------------------------------

interface PreparedImage {
  label: string;
  fileName: string;
  bytes: Uint8Array;
}

function needsReencoding(image: LocalImageForExport, limits: ShareLimits): boolean {
  const serverReadable = image.mimeType === 'image/png' || image.mimeType === 'image/jpeg';
  return !serverReadable || Math.max(image.width, image.height) > SHARE_MAX_SIDE || image.size > limits.maxImageBytes;
}

/** Downscale to SHARE_MAX_SIDE and encode as JPEG (on white: JPEG has no alpha). */
async function reencode(blob: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(blob);
  try {
    // The bitmap's own size (EXIF orientation may differ from the stored width/height).
    const { width, height } = fitWithin(bitmap.width, bitmap.height, SHARE_MAX_SIDE);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas available');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: SHARE_JPEG_QUALITY });
  } finally {
    bitmap.close();
  }
}

function withJpegExtension(name: string): string {
  return /\.jpe?g$/i.test(name) ? name : `${name.replace(/\.[A-Za-z0-9]{1,5}$/, '')}.jpg`;
}

async function prepareImages(images: LocalImageForExport[], limits: ShareLimits, onProgress: (done: number) => void): Promise<PreparedImage[]> {
  if (images.length > limits.maxDatasetImages) {
    throw new Error(`The dataset has ${images.length} images; the server accepts at most ${limits.maxDatasetImages} per shared dataset.`);
  }
  const prepared: PreparedImage[] = [];
  let total = 0;
  for (const [i, image] of images.entries()) {
    const blob = await image.read();
    if (!blob) throw new Error(`"${image.className}/${image.name}" is missing from this browser's storage.`);
    let out = blob;
    let fileName = image.name;
    if (needsReencoding(image, limits)) {
      try {
        out = await reencode(blob);
      } catch (e) {
        throw new Error(`"${image.className}/${image.name}" could not be prepared for sharing (${(e as Error).message}).`, { cause: e });
      }
      fileName = withJpegExtension(image.name);
    }
    if (out.size > limits.maxImageBytes) {
      throw new Error(`"${image.className}/${image.name}" is ${formatBytes(out.size)}; the server accepts at most ${formatBytes(limits.maxImageBytes)} per image.`);
    }
    total += out.size;
    if (total > limits.maxDatasetBytes) {
      throw new Error(
        `The dataset is too large to share: more than ${formatBytes(limits.maxDatasetBytes)} (the server's limit) after ${i + 1} of ${images.length} images, even with images downscaled to ${SHARE_MAX_SIDE} px. Remove some images (or share a smaller dataset) and try again.`,
      );
    }
    prepared.push({ label: image.className, fileName: fileName.slice(0, 300), bytes: new Uint8Array(await out.arrayBuffer()) });
    onProgress(i + 1);
  }
  return prepared;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// --- upload -----------------------------------------------------------------------------------------------------

/**
 * POST one unbatched tRPC mutation with XMLHttpRequest (fetch has no upload progress; the server grants the larger
 * body limit of `dataset.uploadImages` only to a request carrying that call alone) and return its `result.data`.
 */
function postTrpc(procedure: string, body: string, onProgress: (loaded: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/trpc/${procedure}`);
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onerror = () => reject(new Error('The server could not be reached; the images were not uploaded.'));
    xhr.onload = () => {
      let json: { result?: { data?: unknown }; error?: { message?: string; data?: { code?: string } } } | null = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        // handled below
      }
      if (xhr.status >= 200 && xhr.status < 300 && json?.result?.data !== undefined) {
        resolve(json.result.data);
        return;
      }
      const message = json?.error?.message ?? `the server answered HTTP ${xhr.status}`;
      reject(new Error(xhr.status === 413 || json?.error?.data?.code === 'PAYLOAD_TOO_LARGE' ? `Too large to share: ${message}` : `Upload failed: ${message}`));
    };
    xhr.send(body);
  });
}

interface UploadResult {
  id: string;
  imageCount: number;
  totalBytes: number;
}

/**
 * One dataset through an upload session: start, the images in batches within the server's per-request caps (each
 * stored by the server in one short transaction, so other users' requests are not held up), finish. `onProgress`
 * gets the bytes sent so far of `total` (the sum of the batches' request bodies).
 */
async function uploadDataset(
  name: string,
  prepared: PreparedImage[],
  limits: ShareLimits,
  onProgress: (loaded: number, total: number) => void,
): Promise<UploadResult> {
  const batches = planUploadBatches(
    prepared.map((p) => p.bytes.length),
    limits.maxUploadBatchImages,
    limits.maxUploadBatchBytes,
  ).map((indices) => indices.map((i) => ({ label: prepared[i]!.label, fileName: prepared[i]!.fileName, data: toBase64(prepared[i]!.bytes) })));
  const session = await trpc.dataset.uploadStart.mutate({ name });
  const bodies = batches.map((images) => JSON.stringify({ ...session, images }));
  const total = bodies.reduce((sum, b) => sum + b.length, 0);
  let sent = 0;
  onProgress(0, total);
  for (const body of bodies) {
    await postTrpc('dataset.uploadImages', body, (loaded) => onProgress(sent + Math.min(loaded, body.length), total));
    sent += body.length;
    onProgress(sent, total);
  }
  return trpc.dataset.uploadFinish.mutate(session);
}

// --- the job ----------------------------------------------------------------------------------------------------

export type ShareDatasetPhase =
  | { kind: 'idle' }
  | { kind: 'preparing'; done: number; total: number }
  | { kind: 'uploading'; images: number; loaded: number; total: number }
  | { kind: 'saving' }
  | { kind: 'done'; images: number; bytes: number }
  | { kind: 'error'; message: string };

interface ShareDatasetState {
  phase: ShareDatasetPhase;
  /** `shared:` id → the `local:` dataset it was uploaded from (this session), so unchecking can switch back. */
  origins: Record<string, string>;
}

export const useShareDatasetStore = create<ShareDatasetState>(() => ({ phase: { kind: 'idle' }, origins: {} }));

const setPhase = (phase: ShareDatasetPhase) => useShareDatasetStore.setState({ phase });

export function isShareDatasetBusy(phase: ShareDatasetPhase): boolean {
  return phase.kind === 'preparing' || phase.kind === 'uploading' || phase.kind === 'saving';
}

/** Point every Dataset node using one of `mapping`'s keys at its value, as one undo step; then autosave. */
async function retargetDatasetNodes(mapping: Map<string, string>): Promise<void> {
  const store = useGraphStore.getState();
  const graph = store.graph;
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const id = n.params.datasetId;
    if (n.type !== 'dataset' || typeof id !== 'string' || !mapping.has(id)) return n;
    changed = true;
    return { ...n, params: { ...n.params, datasetId: mapping.get(id)! } };
  });
  if (!changed) return;
  store.breakCoalescing();
  store.setGraph({ ...graph, nodes });
  store.breakCoalescing();
  await saveNow();
}

/** Upload every `local:` dataset of the current graph and switch its nodes to the shared copy. */
export async function includeDatasetImages(): Promise<boolean> {
  if (isShareDatasetBusy(useShareDatasetStore.getState().phase)) return false;
  const uses = localDatasetUses(useGraphStore.getState().graph);
  if (uses.size === 0) return true;
  try {
    setPhase({ kind: 'preparing', done: 0, total: 0 });
    const limits = await trpc.dataset.limits.query();
    const datasets = [];
    for (const localId of uses.keys()) {
      const listed = await listLocalDatasetImages(localId);
      if (!listed) throw new Error('A Dataset node uses images that are not stored in this browser, so they cannot be shared from here.');
      if (listed.images.length === 0) throw new Error(`The dataset "${listed.name}" has no images to share.`);
      datasets.push({ localId, ...listed });
    }
    const allImages = datasets.reduce((s, d) => s + d.images.length, 0);
    const mapping = new Map<string, string>();
    let doneBefore = 0;
    let sentImages = 0;
    let sentBytes = 0;
    for (const d of datasets) {
      const prepared = await prepareImages(d.images, limits, (done) => setPhase({ kind: 'preparing', done: doneBefore + done, total: allImages }));
      doneBefore += d.images.length;
      const result = await uploadDataset(d.name.trim() || 'Shared images', prepared, limits, (loaded, total) =>
        setPhase({ kind: 'uploading', images: prepared.length, loaded, total }),
      );
      mapping.set(d.localId, result.id);
      useShareDatasetStore.setState((s) => ({ origins: { ...s.origins, [result.id]: d.localId } }));
      sentImages += result.imageCount;
      sentBytes += result.totalBytes;
    }
    setPhase({ kind: 'saving' });
    await retargetDatasetNodes(mapping);
    setPhase({ kind: 'done', images: sentImages, bytes: sentBytes });
    return true;
  } catch (e) {
    setPhase({ kind: 'error', message: apiErrorInfo(e).message });
    return false;
  }
}

/** Switch shared Dataset nodes back to the browser copy they were uploaded from (this session only). */
export async function restoreLocalDatasets(sharedIds: string[]): Promise<void> {
  const origins = useShareDatasetStore.getState().origins;
  const mapping = new Map(sharedIds.filter((id) => origins[id]).map((id) => [id, origins[id]]));
  await retargetDatasetNodes(mapping);
  setPhase({ kind: 'idle' });
}

export function phaseText(phase: ShareDatasetPhase): string | null {
  switch (phase.kind) {
    case 'preparing':
      return phase.total > 0 ? `Preparing ${plural(phase.total, 'image')}… ${phase.done} / ${phase.total}` : 'Preparing images…';
    case 'uploading':
      return `Uploading ${plural(phase.images, 'image')}… ${formatBytes(phase.loaded)} of ${formatBytes(phase.total)}`;
    case 'saving':
      return 'Saving the graph with its dataset…';
    case 'done':
      return `Dataset images included: ${plural(phase.images, 'image')} (${formatBytes(phase.bytes)}) uploaded. Anyone with the link can run this graph.`;
    case 'error':
      return phase.message;
    default:
      return null;
  }
}
