import { describe, expect, it } from 'vitest';
import { compileGraph } from '@/nodes/compiler';
import { pipelineTemplate } from '@/nodes/templates';
import type { RunHistoryEntry } from '@/app/state/runStore';
import { estimateCost } from './costEstimate';

function planWith(mode: string) {
  const g = pipelineTemplate();
  g.nodes.find((n) => n.id === 'freeze')!.params.mode = mode;
  const c = compileGraph(g);
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  return c.plan;
}

describe('estimateCost', () => {
  it('a frozen trunk is cheap: no question asked', () => {
    expect(estimateCost(planWith('all'), [])).toBeNull();
  });

  it('fine-tuning asks; the estimate uses the speed measured on an earlier full-pass run', () => {
    const unknown = estimateCost(planWith('none'), []);
    expect(unknown?.estimateMs).toBeNull();
    expect(unknown?.freezeNodeId).toBe('freeze');
    const measured = { path: 'full', status: 'done', imagesPerSecond: 10 } as RunHistoryEntry;
    const e = estimateCost(planWith('none'), [measured]);
    expect(e?.trainImages).toBeGreaterThan(0);
    // The template trains for at most 50 epochs (early stopping may end sooner: the estimate is the ceiling).
    expect(e?.estimateMs).toBeCloseTo(((e!.trainImages! * 50) / 10) * 1000);
  });
});
