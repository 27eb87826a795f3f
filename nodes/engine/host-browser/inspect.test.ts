import { describe, expect, it } from 'vitest';
import { buildLayerTable } from './inspect';

const layers = [
  { name: 'input_1', className: 'InputLayer', outputShape: '[null, 32, 32, 3]', params: 0 },
  { name: 'conv1', className: 'Conv2D', outputShape: '[null, 32, 32, 8]', params: 224 },
  { name: 'conv2', className: 'Conv2D', outputShape: '[null, 16, 16, 16]', params: 1168 },
  { name: 'gap', className: 'GlobalAveragePooling2D', outputShape: '[null, 16]', params: 0 },
  { name: 'dense', className: 'Dense', outputShape: '[null, 8]', params: 136 },
];

describe('buildLayerTable', () => {
  it('counts trunk params up to the cut layer', () => {
    const t = buildLayerTable(layers, '', 'conv2', { mode: 'all' });
    expect(t.truncateAt).toBe('conv2');
    expect(t.trunkParams).toBe(1392);
    expect(t.frozenParams).toBe(1392);
    expect(t.trainableParams).toBe(0);
    expect(t.layers.filter((l) => l.inTrunk).map((l) => l.name)).toEqual(['input_1', 'conv1', 'conv2']);
  });
  it('freezes the first N layers, not counting the input layer', () => {
    const t = buildLayerTable(layers, 'conv2', '', { mode: 'firstN', count: 1 });
    expect(t.frozenParams).toBe(224);
    expect(t.trainableParams).toBe(1168);
  });
  it('freezes up to a named layer and reports unknown names', () => {
    expect(buildLayerTable(layers, 'conv2', '', { mode: 'upTo', layer: 'conv1' }).frozenParams).toBe(224);
    const bad = buildLayerTable(layers, 'nope', 'conv2', { mode: 'none' });
    expect(bad.problem).toMatch(/no layer named "nope"/);
    expect(bad.truncateAt).toBe('conv2');
    expect(bad.trainableParams).toBe(1392);
  });
});
