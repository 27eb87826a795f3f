'use client';
/** A history row's accuracy: one number, or "mean ± sd (n seeds)" with each run listed for a repeat. */
import { spread } from '@/nodes/engine/stats/repeat-stats';
import type { RunHistoryEntry } from '@/app/state/runStore';
import { pct } from './format';

export function RepeatAccuracy({ entry }: { entry: RunHistoryEntry }) {
  const runs = entry.trust?.repeats;
  if (!runs || runs.length < 2) return <>{pct(entry.accuracy)}</>;
  const s = spread(runs.map((r) => r.accuracy ?? NaN));
  return (
    <details>
      <summary>
        {pct(s.mean)} ± {(s.sd * 100).toFixed(1)} ({s.n} seeds)
      </summary>
      <ul aria-label="Each repeated run" style={{ margin: 0, paddingLeft: 16, textAlign: 'left' }}>
        {runs.map((r, i) => (
          <li key={i}>
            split seed {r.splitSeed}: {pct(r.accuracy)}
          </li>
        ))}
      </ul>
    </details>
  );
}
