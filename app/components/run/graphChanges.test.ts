import { describe, expect, it } from 'vitest';
import { pipelineTemplate, minimalTemplate } from '@/nodes/templates';
import { describeChanges, snapshotOf } from './graphChanges';

describe('describeChanges', () => {
  it('says which param changed, from what to what', () => {
    const a = pipelineTemplate();
    const b = pipelineTemplate();
    b.nodes.find((n) => n.id === 'train')!.params.learningRate = 0.01;
    expect(describeChanges(snapshotOf(a), snapshotOf(b))).toEqual(['Learning rate 0.001 → 0.01']);
  });

  it('says which nodes were added or removed; nothing before the first run', () => {
    expect(describeChanges(snapshotOf(minimalTemplate()), snapshotOf(pipelineTemplate()))).toContain('added Augment Data');
    expect(describeChanges(snapshotOf(pipelineTemplate()), snapshotOf(minimalTemplate()))).toContain('removed Augment Data');
    expect(describeChanges(null, snapshotOf(pipelineTemplate()))).toEqual([]);
  });
});
