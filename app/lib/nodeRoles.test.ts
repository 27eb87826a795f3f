import { describe, expect, it } from 'vitest';
import { pipelineTemplate } from '@/nodes/templates';
import { isSourceOf, nodeForRole, sourceNodesOf, trainerNodeId } from './nodeRoles';
import { getNodeDefinition } from '@/nodes/registry';

describe('node roles come from the definitions', () => {
  it('finds the dataset source, the model source and the trainer of the template', () => {
    const g = pipelineTemplate();
    expect(sourceNodesOf(g, 'dataset').map((n) => n.type)).toEqual(['dataset']);
    expect(sourceNodesOf(g, 'model').map((n) => n.type)).toEqual(['pretrained-model']);
    expect(g.nodes.find((n) => n.id === trainerNodeId(g))?.type).toBe('train');
  });
  it('a transform of a port type is not its source (Augment Data, Freeze Layers)', () => {
    expect(isSourceOf(getNodeDefinition('augment-data'), 'dataset')).toBe(false);
    expect(isSourceOf(getNodeDefinition('freeze-layers'), 'model')).toBe(false);
    expect(isSourceOf(getNodeDefinition('hyperparameter-tune'), 'trained')).toBe(true);
  });
  it('finds the node for each part a diagnosis points to', () => {
    const g = pipelineTemplate();
    expect(nodeForRole(g, 'augment')?.type).toBe('augment-data');
    expect(nodeForRole(g, 'model')?.type).toBe('pretrained-model');
    expect(nodeForRole(g, 'dataset')?.type).toBe('dataset');
    expect(nodeForRole(g, 'trainer')?.type).toBe('train');
    expect(nodeForRole({ ...g, nodes: g.nodes.filter((n) => n.type !== 'augment-data') }, 'augment')).toBeNull();
  });
});
