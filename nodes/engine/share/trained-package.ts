/**
 * Pack a trained classifier for sharing (only the weights that differ from its pretrained base) and unpack it
 * again bit-exactly: the base model's unchanged weights are read from the base itself at load time.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { strToU8, zipSync } from 'fflate';
import type { ModelSource } from '../../core/plan';
import { PACKAGE_FORMAT, PACKAGE_VERSION, readPackage, type PackageMeta, type RunRecord } from './package-format';

type TF = typeof tfjs;

export interface PackInput {
  model: tfjs.LayersModel;
  labels: string[];
  inputSize: [number, number];
  inputScaling: PackageMeta['inputScaling'];
  /** The pretrained model as loaded from its source (untouched), or null to store every weight. */
  base: { source: ModelSource; model: tfjs.LayersModel } | null;
  run: RunRecord;
}

async function artifactsOf(tf: TF, model: tfjs.LayersModel): Promise<tfjs.io.ModelArtifacts> {
  let saved: tfjs.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('Could not serialise the trained model.');
  return saved;
}

function weightBytes(tf: TF, data: tfjs.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);

function bytesOf(values: tfjs.TypedArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Raw bytes of every base weight, by its saved (original) name. */
async function baseWeightBytes(base: tfjs.LayersModel): Promise<Map<string, { bytes: Uint8Array; dtype: string; shape: number[] }>> {
  const out = new Map<string, { bytes: Uint8Array; dtype: string; shape: number[] }>();
  for (const w of base.weights) {
    const value = w.read();
    const data = (await value.data()) as tfjs.TypedArray;
    out.set(w.originalName, { bytes: bytesOf(data).slice(), dtype: value.dtype, shape: value.shape });
  }
  return out;
}

export async function packTrainedModel(tf: TF, input: PackInput): Promise<{ bytes: Uint8Array; storedWeights: number; fromBase: number }> {
  const artifacts = await artifactsOf(tf, input.model);
  const specs = artifacts.weightSpecs ?? [];
  const named = tf.io.decodeWeights(weightBytes(tf, artifacts.weightData), specs);
  try {
    const base = input.base ? await baseWeightBytes(input.base.model) : new Map();
    const keep: tfjs.NamedTensorMap = {};
    const fromBase: string[] = [];
    for (const spec of specs) {
      const tensor = named[spec.name];
      const candidate = base.get(spec.name);
      if (
        candidate &&
        candidate.dtype === tensor.dtype &&
        candidate.shape.join() === tensor.shape.join() &&
        sameBytes(candidate.bytes, bytesOf((await tensor.data()) as tfjs.TypedArray))
      ) {
        fromBase.push(spec.name);
      } else {
        keep[spec.name] = tensor;
      }
    }
    const encoded = await tf.io.encodeWeights(keep);
    const meta: PackageMeta = {
      format: PACKAGE_FORMAT,
      version: PACKAGE_VERSION,
      labels: input.labels,
      inputSize: input.inputSize,
      inputScaling: input.inputScaling,
      base: fromBase.length > 0 && input.base ? input.base.source : null,
      fromBase,
      run: input.run,
    };
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: 'Graft (trained-model share package)',
      weightsManifest: [{ paths: ['weights.bin'], weights: encoded.specs }],
    };
    const bytes = zipSync(
      {
        'model.json': strToU8(JSON.stringify(modelJson)),
        'weights.bin': new Uint8Array(encoded.data),
        'graft.json': strToU8(JSON.stringify(meta, null, 2)),
      },
      { level: 6 },
    );
    return { bytes, storedWeights: encoded.specs.length, fromBase: fromBase.length };
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** Rebuild the classifier. `loadBase` loads the package's base model (disposed here after its weights are read). */
export async function unpackTrainedModel(
  tf: TF,
  bytes: Uint8Array,
  loadBase: (source: ModelSource) => Promise<tfjs.LayersModel>,
): Promise<{ model: tfjs.LayersModel; meta: PackageMeta }> {
  const pkg = readPackage(bytes);
  const { meta } = pkg;
  const specs = pkg.modelJson.weightsManifest[0].weights as tfjs.io.WeightsManifestEntry[];
  const stored = tf.io.decodeWeights(pkg.weights.slice().buffer, specs);
  const fromBase: tfjs.NamedTensorMap = {};
  try {
    if (meta.fromBase.length > 0) {
      if (!meta.base) throw new Error('The package takes weights from a base model but names none.');
      const base = await loadBase(meta.base);
      try {
        const byName = new Map(base.weights.map((w) => [w.originalName, w]));
        for (const name of meta.fromBase) {
          const w = byName.get(name);
          if (!w) throw new Error(`The base model has no weight "${name}": it is not the model this package was trained on.`);
          fromBase[name] = w.read().clone();
        }
      } finally {
        base.dispose();
      }
    }
    const all = await tf.io.encodeWeights({ ...stored, ...fromBase });
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: pkg.modelJson.modelTopology as tfjs.io.ModelArtifacts['modelTopology'],
        weightSpecs: all.specs,
        weightData: all.data,
      }),
    );
    return { model, meta };
  } finally {
    tf.dispose([...Object.values(stored), ...Object.values(fromBase)]);
  }
}
