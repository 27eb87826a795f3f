import { describe, expect, it } from 'vitest';
import { modelJsonProblem, parseGraftJson } from './model-files';

describe('model folder files: one rule for every host', () => {
  it('model.json: Layers models pass, graph models and non-models are named', () => {
    expect(modelJsonProblem({ modelTopology: { model_config: {} }, weightsManifest: [] }, 'm.json')).toBeNull();
    expect(modelJsonProblem({ format: 'graph-model', modelTopology: { node: [] } }, 'm.json')).toMatch(/graph model/);
    expect(modelJsonProblem({ modelTopology: { node: [] } }, 'm.json')).toMatch(/graph model/);
    expect(modelJsonProblem({ hello: 1 }, 'm.json')).toMatch(/no "modelTopology"/);
    expect(modelJsonProblem(null, 'm.json')).toMatch(/^m\.json/);
  });

  it('graft.json: validated, older truncation names accepted, invalid files ignored', () => {
    expect(parseGraftJson({ inputSize: [32, 32], inputScaling: 'zero1', defaultTruncation: 'features', extra: 1 })).toEqual({
      inputSize: [32, 32],
      inputScaling: 'zero1',
      defaultTruncation: 'features',
    });
    expect(parseGraftJson({ truncateAt: 'conv5' })).toEqual({ defaultTruncation: 'conv5' });
    expect(parseGraftJson({ truncationLayer: 'conv4' })).toEqual({ defaultTruncation: 'conv4' });
    expect(parseGraftJson({ inputSize: [0, 32] })).toBeNull();
    expect(parseGraftJson({ inputScaling: 'weird' })).toBeNull();
    expect(parseGraftJson('nope')).toBeNull();
  });
});
