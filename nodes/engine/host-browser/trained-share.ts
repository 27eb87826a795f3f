/**
 * Worker side of "Include trained model" / "Try it" on a shared link: pack the kept classifier against its base
 * model, and rebuild a shared package into the classifier the worker keeps for Try it / Export.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSource } from '../../core/plan';
import type { TrainedModel } from '../host';
import { packTrainedModel, unpackTrainedModel } from '../share/trained-package';
import type { RunRecord } from '../share/package-format';
import { ensureSomeBackend, loadLayersModelFrom } from './host';
import type { PackedModel } from './protocol';

/** Bases a visitor can load too: catalog and URL models (a model uploaded into the author's browser is not). */
function shareableBase(source: ModelSource | null): ModelSource | null {
  return source && (source.kind === 'catalog' || source.kind === 'url') ? source : null;
}

export async function packKeptModel(trained: TrainedModel | null, source: ModelSource | null, run: RunRecord): Promise<PackedModel> {
  if (!trained) throw new Error('Run the pipeline first: there is no trained model to include.');
  await ensureSomeBackend();
  const baseSource = shareableBase(source);
  const base = baseSource ? await loadLayersModelFrom(baseSource, null).catch(() => null) : null;
  try {
    const packed = await packTrainedModel(tf, {
      model: trained.model,
      labels: trained.labels,
      inputSize: trained.inputSize,
      inputScaling: trained.inputScaling,
      base: base && baseSource ? { source: baseSource, model: base } : null,
      run: { ...run, tfjsVersion: run.tfjsVersion || tf.version.tfjs },
    });
    return packed;
  } finally {
    base?.dispose();
  }
}

export async function loadSharedModel(bytes: Uint8Array): Promise<{ trained: TrainedModel; source: ModelSource | null }> {
  await ensureSomeBackend();
  const { model, meta } = await unpackTrainedModel(tf, bytes, (source) => loadLayersModelFrom(source, null));
  return {
    trained: { model, labels: meta.labels, inputSize: meta.inputSize, inputScaling: meta.inputScaling },
    source: meta.base,
  };
}
