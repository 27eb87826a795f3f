/** Server-render checks of the trials table (no DOM library installed): rows, accessible names, best highlight. */
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { TrialRecord } from '@/nodes/engine/types';
import { TrialsPanel } from './TrialsPanel';

const trial = (id: number, metric: number | null, status: TrialRecord['status'], lr: number): TrialRecord => ({
  id,
  config: { 'tune.learningRate': lr, 'head.hiddenUnits': 32 * id },
  status,
  metric,
  epochs: status === 'stopped' ? 1 : 5,
  ms: 1500 * id,
});

describe('TrialsPanel', () => {
  it('renders a sortable table with the best trial marked and scatter plots per searched parameter', () => {
    const html = renderToStaticMarkup(
      createElement(TrialsPanel, {
        trials: [trial(1, 0.62, 'done', 0.001), trial(2, 0.81, 'done', 0.01), trial(3, 0.4, 'stopped', 0.0001), trial(4, null, 'failed', 1)],
        metric: 'val_accuracy',
        bestTrialId: 2,
        tuneNodeId: 'tune',
        dimensions: [{ nodeId: 'tune', param: 'learningRate', range: { min: 0.0001, max: 0.01, scale: 'log', steps: 3 } }],
      }),
    );
    // One row per trial plus the header row.
    expect(html.match(/<tr/g)).toHaveLength(5);
    for (const name of ['Trial', 'Configuration', 'Validation accuracy', 'Status', 'Time']) {
      expect(html).toContain(`>${name}<`);
    }
    expect(html).toContain('aria-sort="ascending"');
    expect(html).toContain('aria-label="Select trial 3"');
    expect(html).toContain('81.0%');
    expect(html).toContain('best: trial 2 (81.0%)');
    expect(html).toContain('stopped early after 1 epoch');
    expect(html).toContain('Promote to Train node');
    expect(html).toContain('Uses trial 2: learningRate=0.01, hiddenUnits=64');
    expect(html).toContain('aria-label="Validation accuracy against learningRate: 3 trials, log scale"');
    expect(html).toContain('aria-label="Validation accuracy against hiddenUnits: 3 trials"');
  });

  it('says what it is waiting for before the first trial', () => {
    const html = renderToStaticMarkup(createElement(TrialsPanel, { trials: [], metric: 'val_loss', running: true }));
    expect(html).toContain('Preparing the first trial');
  });
});
