'use client';
/** Browser side of the trained-model share route (/api/trained-models/<graphId>): upload, info, download, delete. */
import { z } from 'zod';
import { PackageMetaSchema, type RunRecord } from '@/nodes/engine/share/package-format';
import type { RunResult } from '@/nodes/engine/types';
import type { Plan } from '@/nodes/core/plan';
import { correctnessString } from '@/nodes/engine/stats/compare';
import { spread } from '@/nodes/engine/stats/repeat-stats';
import type { RepeatRun } from '@/nodes/engine/repeat';

const EDIT_TOKEN_HEADER = 'x-graft-edit-token';

export const TrainedModelInfoSchema = z.object({
  graphId: z.string(),
  graphVersion: z.number(),
  sizeBytes: z.number(),
  sha256: z.string(),
  createdAt: z.string(),
  meta: PackageMetaSchema,
});
export type TrainedModelInfo = z.infer<typeof TrainedModelInfoSchema>;

const url = (graphId: string) => `/api/trained-models/${encodeURIComponent(graphId)}`;

async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    /* not JSON */
  }
  return `The server answered ${res.status}.`;
}

export async function fetchTrainedModelInfo(graphId: string): Promise<TrainedModelInfo | null> {
  const res = await fetch(`${url(graphId)}/meta`, { cache: 'no-store' });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(await errorText(res));
  const parsed = TrainedModelInfoSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error('The server sent an unreadable trained-model record.');
  return parsed.data;
}

export async function downloadTrainedModel(graphId: string): Promise<Uint8Array> {
  const res = await fetch(url(graphId), { cache: 'no-store' });
  if (!res.ok) throw new Error(await errorText(res));
  return new Uint8Array(await res.arrayBuffer());
}

export async function uploadTrainedModel(graphId: string, editToken: string, version: number | null, bytes: Uint8Array): Promise<TrainedModelInfo> {
  const res = await fetch(`${url(graphId)}${version !== null ? `?version=${version}` : ''}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/zip', [EDIT_TOKEN_HEADER]: editToken },
    body: bytes as BodyInit,
  });
  if (!res.ok) throw new Error(await errorText(res));
  const info = TrainedModelInfoSchema.parse(await res.json());
  notifyChanged(graphId);
  return info;
}

export async function deleteTrainedModel(graphId: string, editToken: string): Promise<void> {
  const res = await fetch(url(graphId), { method: 'DELETE', headers: { [EDIT_TOKEN_HEADER]: editToken } });
  if (!res.ok && res.status !== 404) throw new Error(await errorText(res));
  notifyChanged(graphId);
}

/** The author's run record for the kept model (tfjs version is filled in by the worker). */
export function runRecordOf(result: RunResult, plan: Plan, repeats: RepeatRun[]): RunRecord {
  const e = result.evaluation;
  const s = spread(repeats.map((r) => r.accuracy ?? NaN));
  return {
    datasetId: plan.dataset.datasetId,
    splitSeed: plan.dataset.splitSeed,
    trainSeed: plan.train.seed,
    splitFingerprint: result.splitFingerprint ?? null,
    backend: result.backend,
    tfjsVersion: '',
    accuracy: e.testSize > 0 ? e.accuracy : null,
    loss: e.testSize > 0 ? e.loss : null,
    testSize: e.testSize,
    correct: e.predictions ? correctnessString(e.predictions) : null,
    epochs: result.epochs.length,
    trainedAt: Date.now(),
    repeats: s.n >= 2 ? { n: s.n, mean: s.mean, sd: s.sd } : null,
  };
}

const listeners = new Set<(graphId: string) => void>();
function notifyChanged(graphId: string): void {
  for (const l of listeners) l(graphId);
}
export function onTrainedModelChanged(listener: (graphId: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
