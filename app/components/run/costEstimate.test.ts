import { describe, expect, it } from 'vitest';
import { compileGraph } from '@/nodes/compiler';
import { pipelineTemplate } from '@/nodes/templates';
import type { RunHistoryEntry } from '@/app/state/runStore';
import { estimateCost, withProbe } from './costEstimate';

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

  it('the engine probe replaces the provisional estimate: ms per batch × batches × epochs', () => {
    const provisional = { ...estimateCost(planWith('none'), [])!, probing: true };
    const probe = { backend: 'wasm', msPerBatch: 200, batchImages: 4, trainImages: 100, epochs: 50, estimateMs: 250_000, summary: 'Auto measured …', path: 'full' } as const;
    const e = withProbe(provisional, probe);
    expect(e.probing).toBe(false);
    expect(e.estimateMs).toBe(250_000);
    expect(e.trainImages).toBe(100);
    expect(e.imagesPerSecond).toBeCloseTo(20);
    expect(e.probe?.summary).toBe('Auto measured …');
  });
});
