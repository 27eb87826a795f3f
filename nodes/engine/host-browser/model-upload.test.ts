import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { concatWeights, parseModelUpload } from './model-upload';

const modelJson = {
  modelTopology: { class_name: 'Sequential', config: { layers: [] } },
  weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [2, 2], dtype: 'float32' }] }],
};
const weights = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);

describe('parseModelUpload', () => {
  it('reads a Graft export zip with labels', () => {
    const zip = zipSync({
      'model.json': strToU8(JSON.stringify(modelJson)),
      'weights.bin': weights,
      'labels.json': strToU8(JSON.stringify({ labels: ['a', 'b'], inputSize: [32, 32], inputScaling: 'zero1' })),
    });
    const r = parseModelUpload([{ name: 'my-model.zip', data: zip }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.model.name).toBe('my-model');
    expect(r.model.meta).toEqual({ labels: ['a', 'b'], inputSize: [32, 32], inputScaling: 'zero1' });
    const { weightData, weightSpecs } = concatWeights(r.model);
    expect(weightSpecs).toHaveLength(1);
    expect(Array.from(new Float32Array(weightData))).toEqual([1, 2, 3, 4]);
  });
  it('accepts loose files and Teachable Machine metadata', () => {
    const r = parseModelUpload([
      { name: 'model.json', data: strToU8(JSON.stringify(modelJson)) },
      { name: 'weights.bin', data: weights },
      { name: 'metadata.json', data: strToU8(JSON.stringify({ labels: ['cat', 'dog'], imageSize: 224, packageName: '@teachablemachine/image' })) },
    ]);
    expect(r.ok && r.model.meta).toEqual({ labels: ['cat', 'dog'], inputSize: [224, 224], inputScaling: 'minus1to1', source: 'Teachable Machine' });
  });
  it('names missing weight files and rejects graph models', () => {
    const missing = parseModelUpload([{ name: 'model.json', data: strToU8(JSON.stringify(modelJson)) }]);
    expect(!missing.ok && missing.error).toMatch(/missing: weights\.bin/);
    const graph = parseModelUpload([{ name: 'model.json', data: strToU8(JSON.stringify({ format: 'graph-model', modelTopology: 1 })) }]);
    expect(!graph.ok && graph.error).toMatch(/graph model/);
    const none = parseModelUpload([{ name: 'notes.txt', data: strToU8('hi') }]);
    expect(none.ok).toBe(false);
  });
});
