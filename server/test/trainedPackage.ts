/** A syntactically valid trained-model package built without tfjs (server tests only check layout and sizes). */
import { randomBytes } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { PACKAGE_FORMAT, PACKAGE_VERSION, type PackageMeta } from '@/nodes/engine/share/package-format';

export function fakePackage(opts: { weightFloats?: number; accuracy?: number; random?: boolean } = {}): Uint8Array {
  const floats = opts.weightFloats ?? 64;
  const meta: PackageMeta = {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    labels: ['circle', 'square'],
    inputSize: [32, 32],
    inputScaling: 'zero1',
    base: { kind: 'catalog', id: 'graft-shapes-cnn' },
    fromBase: ['conv1/kernel'],
    run: {
      datasetId: 'builtin:shapes-target',
      splitSeed: 42,
      trainSeed: 1,
      splitFingerprint: '8-0123456789abcdef',
      backend: 'wasm',
      tfjsVersion: '4.22.0',
      accuracy: opts.accuracy ?? 0.875,
      loss: 0.4,
      testSize: 8,
      correct: '11101111',
      epochs: 10,
      trainedAt: 1_700_000_000_000,
    },
  };
  const modelJson = {
    modelTopology: { class_name: 'Model', config: {} },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [floats], dtype: 'float32' }] }],
  };
  const weights = opts.random === false ? new Uint8Array(floats * 4) : new Uint8Array(randomBytes(floats * 4));
  return zipSync(
    { 'model.json': strToU8(JSON.stringify(modelJson)), 'weights.bin': weights, 'graft.json': strToU8(JSON.stringify(meta)) },
    // Stored, not deflated: random weights do not compress, so the zip's size tracks weightFloats.
    { level: 0 },
  );
}
