'use client';
/** "Compare with training from scratch": the same plan with random trunk weights, side by side. */
import { useRunStore, type RunSession } from '@/app/state/runStore';
import { startRun } from './controller';
import { duration, num, pct } from './format';
import styles from './run.module.css';
import { ScratchVerdict } from './ScratchVerdict';

export function takeaway(pre: RunSession, scratch: RunSession): string | null {
  const a = pre.result?.evaluation;
  const b = scratch.result?.evaluation;
  if (!a || !b || a.testSize === 0 || b.testSize === 0) return null;
  const diff = (a.accuracy - b.accuracy) * 100;
  if (diff >= 2) {
    return `Starting from pretrained weights reached ${pct(a.accuracy, 0)} test accuracy versus ${pct(b.accuracy, 0)} from scratch — transfer learning gained ${diff.toFixed(0)} points with the same images and epochs.`;
  }
  if (diff <= -2) {
    return `Here training from scratch did better (${pct(b.accuracy, 0)} vs ${pct(a.accuracy, 0)}): the pretrained features may not suit these images — try another model or cut layer.`;
  }
  return `Both reached about the same test accuracy (${pct(a.accuracy, 0)} vs ${pct(b.accuracy, 0)} from scratch): this task is easy enough that pretraining brings little here.`;
}

export function ComparePanel() {
  const main = useRunStore((s) => s.main);
  const scratch = useRunStore((s) => s.scratch);
  const anyRunning = main?.status === 'running' || scratch?.status === 'running';
  const canCompare = main?.status === 'done' && !anyRunning && !main.result?.tune;
  const sentence = main && scratch ? takeaway(main, scratch) : null;
  // A greyed-out button says why.
  const whyNot = canCompare
    ? null
    : anyRunning
      ? 'Available when the current run has finished.'
      : main?.result?.tune
        ? 'Not for a tuning run: it trained many models. Promote the best trial into the Train node and run that, then compare.'
        : 'Available after a successful run.';

  return (
    <section className={styles.card} aria-label="Compare with training from scratch">
      <h3 className={styles.cardTitle}>Pretrained vs. from scratch</h3>
      <p className="muted">
        Runs the same pipeline again with the trunk&apos;s weights replaced by random ones, to show what the pretrained
        features are worth.
      </p>
      <button
        type="button"
        className="btn btn-accent-soft"
        disabled={!canCompare}
        aria-describedby={whyNot ? 'compare-why-not' : undefined}
        onClick={() => startRun('scratch')}
      >
        Compare with training from scratch
      </button>
      {whyNot && (
        <p id="compare-why-not" className="muted">
          {whyNot}
        </p>
      )}
      {scratch && (
        <>
          {scratch.status === 'running' && (
            <p role="status">Training from scratch… {scratch.statusMessage}</p>
          )}
          {scratch.status === 'error' && <p className={styles.errorText} role="alert">From-scratch run failed: {scratch.error?.message}</p>}
          {scratch.status === 'cancelled' && <p className="muted">From-scratch run cancelled.</p>}
          {main && (
            <table className={styles.table} aria-label="Pretrained versus from scratch">
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">Pretrained</th>
                  <th scope="col">From scratch</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Test accuracy</th>
                  <td>{pct(main.result?.evaluation.accuracy)}</td>
                  <td>{pct(scratch.result?.evaluation.accuracy)}</td>
                </tr>
                <tr>
                  <th scope="row">Test loss</th>
                  <td>{num(main.result?.evaluation.loss)}</td>
                  <td>{num(scratch.result?.evaluation.loss)}</td>
                </tr>
                <tr>
                  <th scope="row">Best validation accuracy</th>
                  <td>{pct(bestVal(main))}</td>
                  <td>{pct(bestVal(scratch))}</td>
                </tr>
                <tr>
                  <th scope="row">Training time</th>
                  <td>{duration(main.result?.trainMs)}</td>
                  <td>{duration(scratch.result?.trainMs)}</td>
                </tr>
              </tbody>
            </table>
          )}
          {sentence && <p className={styles.takeaway} data-testid="compare-takeaway">{sentence}</p>}
          {main?.result && scratch.result && <ScratchVerdict pretrained={main.result} scratch={scratch.result} />}
        </>
      )}
    </section>
  );
}

function bestVal(s: RunSession): number | null {
  const vals = s.epochs.map((e) => e.valAccuracy).filter((v): v is number => v !== null && Number.isFinite(v));
  return vals.length ? Math.max(...vals) : null;
}
