'use client';
/** "Repeat with N seeds": the same pipeline over N different splits and training seeds → mean ± sd and each run. */
import { useId, useState } from 'react';
import { spread } from '@/nodes/engine/stats/repeat-stats';
import { repeatHeadline } from '@/nodes/engine/stats/verdict';
import { useRunStore } from '@/app/state/runStore';
import { useGraphStore } from '@/app/state/graphStore';
import { MAX_REPEATS, startRepeat } from './repeatController';
import { useRepeatStore } from './repeatStore';
import { pct } from './format';
import styles from './run.module.css';

export function RepeatPanel() {
  const [count, setCount] = useState(5);
  const inputId = useId();
  const running = useRunStore((s) => s.main?.status === 'running' || s.scratch?.status === 'running');
  const hasNodes = useGraphStore((s) => s.graph.nodes.length > 0);
  const { status, index, runs, error } = useRepeatStore();
  const total = useRepeatStore((s) => s.count);
  const s = spread(runs.map((r) => r.accuracy ?? NaN));
  const valid = Number.isInteger(count) && count >= 2 && count <= MAX_REPEATS;

  return (
    <section className={`${styles.card} ${styles.wide}`} aria-label="Repeat with different seeds">
      <div className={styles.cardHeader}>
        <h3 className={styles.cardTitle}>How much of this is noise?</h3>
      </div>
      <p className="muted">
        One split is one sample: a different choice of test images (and training seed) easily moves accuracy by several
        points. Repeating the run over several splits shows the spread; cached trunk features are reused where the split
        allows.
      </p>
      <div className={styles.exportRow}>
        <label htmlFor={inputId}>Seeds</label>
        <input
          id={inputId}
          type="number"
          min={2}
          max={MAX_REPEATS}
          value={Number.isFinite(count) ? count : ''}
          aria-label="Number of seeds"
          style={{ width: '4.5em' }}
          onChange={(e) => setCount(Math.floor(Number(e.target.value)))}
        />
        <button type="button" className="btn btn-accent-soft" disabled={running || !hasNodes || !valid} onClick={() => void startRepeat(count)}>
          Repeat with {valid ? count : '…'} seeds
        </button>
        {!valid && <span className={styles.errorText}>Choose 2 to {MAX_REPEATS} seeds.</span>}
        {status === 'running' && (
          <span role="status">
            Run {index + 1} of {total}…
          </span>
        )}
        {status === 'cancelled' && <span className="muted">Repeat cancelled after {runs.length} runs.</span>}
        {status === 'error' && error && <span className={styles.errorText} role="alert">Repeat stopped: {error}</span>}
      </div>
      {runs.length > 0 && (
        <>
          {s.n >= 2 && (
            <p className={styles.takeaway} data-testid="repeat-summary">
              Test accuracy {repeatHeadline(s)} (mean ± standard deviation; range {pct(s.min, 0)}–{pct(s.max, 0)}).
            </p>
          )}
          <div className={styles.tableWrap}>
            <table className={styles.table} aria-label="Repeated runs">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Split seed</th>
                  <th scope="col">Training seed</th>
                  <th scope="col">Test images</th>
                  <th scope="col">Test accuracy</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{i + 1}</th>
                    <td>{r.splitSeed}</td>
                    <td>{r.trainSeed}</td>
                    <td>{r.testSize}</td>
                    <td>{pct(r.accuracy)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Evaluate's headline when repeats exist: "68% ± 4 over 5 splits". */
export function RepeatHeadline() {
  const runs = useRepeatStore((s) => s.runs);
  const s = spread(runs.map((r) => r.accuracy ?? NaN));
  if (s.n < 2) return null;
  return (
    <div className={styles.stat}>
      <span className={styles.statValue} data-testid="repeat-headline">
        {repeatHeadline(s)}
      </span>
      <span className={styles.statLabel}>test accuracy, mean ± sd over repeated seeds</span>
    </div>
  );
}
