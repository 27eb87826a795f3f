'use client';
/**
 * The run dock: progress, backend, errors, live charts, evaluation, comparison, Try it, export and history.
 * The session object changes with every progress event (several per second): only the progress header and the
 * details re-render for those; the cards below are memoised on what they show, and a finished run's result cards
 * mount in a deferred, interruptible render so results arriving do not block the canvas in one long task.
 */
import { memo, useDeferredValue, useEffect, useState } from 'react';
import { sessionProgress, shownSession, useRunStore, type RunSession } from '@/app/state/runStore';
import { useGraphStore } from '@/app/state/graphStore';
import { useLayoutStore } from '@/app/state/layoutStore';
import { getNodeDefinition } from '@/nodes/registry';
import { trainerNodeId } from '@/app/lib/nodeRoles';
import type { GraphError } from '@/nodes/core/types';
import type { EpochLog } from '@/nodes/engine/types';
import { LiveCharts } from './LiveCharts';
import { EvaluationPanel } from './EvaluationPanel';
import { ComparePanel } from './ComparePanel';
import { TryIt } from './TryIt';
import { ExportButton } from './ExportButton';
import { HistoryTable } from './HistoryTable';
import { TrialsPanel } from './TrialsPanel';
import { SeeingInside } from './views/SeeingInside';
import { DataEfficiencyCard } from './views/DataEfficiencyCard';
import { RepeatPanel } from './RepeatPanel';
import { SharedModelCard } from './SharedModelCard';
import { WebDemoButton } from './WebDemoButton';
import { ClearFeatureCacheButton } from './ClearFeatureCacheButton';
import { duration, pct } from './format';
import { Explain } from './Explain';
import { RunSummaryCard } from './RunSummaryCard';
import { useRestoreLastResults } from './useRestoreLastResults';
import styles from './run.module.css';

// Re-rendered only when their own props or store subscriptions change, not on every progress event.
const TrialsCard = memo(TrialsPanel);
const ExplainCard = memo(Explain);
const EvaluationCard = memo(EvaluationPanel);
const SummaryCard = memo(RunSummaryCard);
const SeeingInsideCard = memo(SeeingInside);
const CompareCard = memo(ComparePanel);
const DataEfficiency = memo(DataEfficiencyCard);
const TryItCard = memo(TryIt);
const ExportCard = memo(ExportButton);
const WebDemoCard = memo(WebDemoButton);
const Repeat = memo(RepeatPanel);
const History = memo(HistoryTable);
const SharedModel = memo(SharedModelCard);
const Blocked = memo(BlockedList);

function useNodeName(): (nodeId: string | null) => string | null {
  const graph = useGraphStore((s) => s.graph);
  return (nodeId) => {
    if (!nodeId) return null;
    const node = graph.nodes.find((n) => n.id === nodeId);
    if (!node) return null;
    return node.label || getNodeDefinition(node.type)?.title || node.type;
  };
}

function ShowNodeButton({ nodeId, name }: { nodeId: string; name: string }) {
  const select = useGraphStore((s) => s.setSelection);
  return (
    <button type="button" className={`btn btn-small btn-ghost ${styles.nodeLink}`} onClick={() => select([nodeId])}>
      {name}
    </button>
  );
}

function BlockedList({ errors }: { errors: GraphError[] }) {
  const nodeName = useNodeName();
  return (
    <div className={styles.errorBox} role="alert" aria-label="Problems blocking the run">
      <strong>Can&apos;t run yet — fix {errors.length === 1 ? 'this problem' : `these ${errors.length} problems`} first:</strong>
      <ul>
        {errors.slice(0, 12).map((e, i) => {
          const name = nodeName(e.nodeId);
          return (
            <li key={i}>
              {name && e.nodeId ? <ShowNodeButton nodeId={e.nodeId} name={name} /> : null}
              {name ? ': ' : ''}
              {e.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function RunError({ session }: { session: RunSession }) {
  const nodeName = useNodeName();
  if (!session.error || session.status === 'cancelled') return null;
  const name = nodeName(session.error.nodeId);
  return (
    <div className={styles.errorBox} role="alert" aria-label="Run error">
      <strong>{session.kind === 'scratch' ? 'The from-scratch run failed' : 'The run failed'}</strong>
      {name && session.error.nodeId ? (
        <>
          {' '}
          at <ShowNodeButton nodeId={session.error.nodeId} name={name} />
        </>
      ) : null}
      : {session.error.message}
    </div>
  );
}

/** After a run: the worker's tensor count before vs after (kept models excluded, shown separately), so anyone can
 * see a finished, failed or cancelled run left nothing behind. */
function TensorMemory({ session }: { session: RunSession }) {
  const t = session.tensors;
  if (session.status === 'running' || !t) return null;
  const leaked = t.tensorsAfter - t.tensorsBefore;
  const kept = [
    t.keptModelTensors > 0 ? `trained model kept: ${t.keptModelTensors}` : null,
    t.inspectorTensors > 0 ? `layer inspector models: ${t.inspectorTensors}` : null,
  ].filter(Boolean);
  return (
    <p
      role="status"
      aria-label="Tensor memory"
      className={`muted ${styles.tensorMemory}`}
      title="tf.memory().numTensors in the training engine just before the run and after it ended and cleaned up, not counting models kept on purpose."
    >
      Tensors: {t.tensorsBefore} before → {t.tensorsAfter} after
      {kept.length > 0 ? ` (${kept.join(', ')})` : ''}
      {leaked > 0 ? ` — ${leaked} not freed` : ''}
    </p>
  );
}

function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function ProgressHeader({ session }: { session: RunSession }) {
  const running = session.status === 'running';
  const now = useTicker(running);
  const p = session.progress;
  // The one progress value: the trainer node's chip prints the same percent (nodePercent), the ETA comes with it.
  const view = sessionProgress(session);
  const percent = view.percent;
  const epochText =
    session.batch && session.totalEpochs
      ? `epoch ${session.batch.epoch}/${session.totalEpochs}`
      : session.epochs.length && session.totalEpochs
        ? `epoch ${session.epochs[session.epochs.length - 1].epoch}/${session.totalEpochs}`
        : null;
  const batchText = session.batch && running ? `batch ${session.batch.batch}/${session.batch.batchesPerEpoch} · loss ${session.batch.loss.toFixed(3)}` : null;
  const phaseText = running
    ? (view.phaseLabel ?? session.statusMessage)
    : session.status === 'done'
      ? 'Finished'
      : session.status === 'cancelled'
        ? 'Cancelled'
        : session.status === 'error'
          ? 'Failed'
          : 'Finished';
  const valueText = [phaseText, epochText, `${percent}%`].filter(Boolean).join(', ');
  const elapsed = (session.finishedAt ?? now) - session.startedAt;
  const ips = session.result?.imagesPerSecond ?? p?.imagesPerSecond;
  const b = session.backend;
  const result = session.result;

  return (
    <div className={styles.header}>
      <div className={styles.progressLine}>
        <div
          role="progressbar"
          aria-label="Training progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={valueText}
          className={`${styles.progress} ${session.status === 'error' ? styles.progressError : ''}`}
        >
          <div className={styles.progressFill} style={{ transform: `scaleX(${percent / 100})` }} />
        </div>
        <span className={styles.progressPct}>{percent}%</span>
      </div>
      <div className={styles.statusRow} aria-live="polite">
        <span className={styles.phase}>
          {session.kind === 'scratch' ? 'From scratch — ' : ''}
          {phaseText}
        </span>
        {epochText && <span>{epochText}</span>}
        {batchText && <span>{batchText}</span>}
        {view.etaText && <span data-testid="run-eta">{view.etaText}</span>}
        <span className="muted">elapsed {duration(elapsed)}</span>
        {running && session.statusMessage && p && <span className="muted">{session.statusMessage}</span>}
      </div>
      {b && (
        <div className={styles.badgeRow}>
          <span className={styles.badge} data-testid="backend-badge" title={b.reason}>
            Backend: {result?.backend ?? b.backend}
          </span>
          {(result?.featureBackend ?? b.featureBackend) && (result?.featureBackend ?? b.featureBackend) !== (result?.backend ?? b.backend) && (
            <span className={styles.badgeSoft}>features: {result?.featureBackend ?? b.featureBackend}</span>
          )}
          {b.wasm && (
            <span className={styles.badgeSoft} data-testid="wasm-threads" title={b.wasm.note ?? `${b.wasm.threads} WebAssembly threads`}>
              {b.wasm.threads > 1 ? `WASM · ${b.wasm.threads} threads` : `WASM · single-threaded${b.wasm.note ? ` (${b.wasm.note})` : ''}`}
            </span>
          )}
          {ips !== undefined && ips > 0 && <span className={styles.badgeSoft}>{ips.toFixed(ips < 10 ? 1 : 0)} images/s</span>}
          {result?.featuresReused && <span className={styles.badgeSoft} data-testid="features-reused">features reused from cache</span>}
          <ClearFeatureCacheButton />
        </div>
      )}
    </div>
  );
}

/** Developer diagnostics (why this backend and path, tensor accounting, engine messages), folded away. */
function DeveloperDetails({ session }: { session: RunSession }) {
  const b = session.backend;
  const result = session.result;
  if (!b && !session.tensors && session.notes.length === 0) return null;
  return (
    <details className={styles.details}>
      <summary>Details</summary>
      {b && (
        <p className={styles.reason}>
          {result ? `Path: ${result.path}. ${result.pathReason}` : ''} {b.reason}
          {b.adapter ? ` Adapter: ${b.adapter}.` : ''}
        </p>
      )}
      <TensorMemory session={session} />
      {session.notes.length > 0 && (
        <div className={styles.notes}>
          Engine messages ({session.notes.length})
          <ul>
            {session.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}

const NO_EPOCHS: EpochLog[] = [];

export function RunPanel() {
  const main = useRunStore((s) => s.main);
  const scratch = useRunStore((s) => s.scratch);
  const blockedBy = useRunStore((s) => s.blockedBy);
  // Trials come from the graph's trainer (a search is a trainer): asked of the definitions, not by type name.
  const trainerId = useGraphStore((s) => trainerNodeId(s.graph));
  const collapsed = useLayoutStore((s) => s.dockCollapsed);
  const setCollapsed = useLayoutStore((s) => s.setDockCollapsed);
  const active = shownSession({ main, scratch });
  const latestResult = main?.result ?? null;
  // The result cards (evaluation, confusion drill-down, views, comparison…) mount in a deferred render React can
  // interrupt, after the progress bar already says "Finished". Null until that render catches up, never a stale one.
  const deferredResult = useDeferredValue(latestResult);
  const result = latestResult !== null && deferredResult === latestResult ? latestResult : null;
  /** A run finished in this page: its trained model is alive in the worker (not reopened from saved results). */
  const live = main?.status === 'done' && !main.restored && result !== null;
  useRestoreLastResults();

  return (
    <section className={styles.panel} aria-label="Run panel">
      <div className={styles.panelBar}>
        <h2 className={styles.panelTitle}>Run</h2>
        {!active && blockedBy.length === 0 && <span className="muted">Press Run to compile the graph and train it in this browser.</span>}
        {active && !collapsed && active.status !== 'running' && main?.result && (
          <span className="muted">
            Last run: {pct(main.result.evaluation.testSize ? main.result.evaluation.accuracy : null)} test accuracy on {main.result.backend}
          </span>
        )}
        <span className={styles.spacer} />
        <button type="button" className="btn btn-small btn-ghost" aria-expanded={!collapsed} onClick={() => setCollapsed(!collapsed)}>
          {collapsed ? 'Show run panel' : 'Hide run panel'}
        </button>
      </div>
      {!collapsed && (
        <div className={styles.body}>
          {blockedBy.length > 0 && <Blocked errors={blockedBy} />}
          <SharedModel />
          {active && <ProgressHeader session={active} />}
          {main?.restored && (
            <p className={`muted ${styles.restoredNote}`} role="note">
              Results of the run of {new Date(main.startedAt).toLocaleString()}, kept in this browser. Run again to try the trained model.
            </p>
          )}
          {main && <RunError session={main} />}
          {scratch && scratch !== active && <RunError session={scratch} />}
          {active && !active.restored && <DeveloperDetails session={active} />}
          {main && (
            <div className={styles.grid}>
              {(main.trials.length > 0 || result?.tune) && (
                <section className={`${styles.card} ${styles.wide}`} aria-label="Hyperparameter trials">
                  <TrialsCard
                    trials={main.trials}
                    metric={result?.tune?.metric ?? 'val_accuracy'}
                    bestTrialId={result?.tune?.bestTrialId}
                    tuneNodeId={main.trainNodeId ?? trainerId}
                    running={main.status === 'running'}
                  />
                </section>
              )}
              <section className={`${styles.card} ${styles.wide}`} aria-label="Training curves">
                <h3 className={styles.cardTitle}>
                  Training curves{active && active.kind === 'scratch' ? ' (from scratch)' : ''}
                </h3>
                <LiveCharts epochs={active?.epochs ?? NO_EPOCHS} />
              </section>
              {result && <ExplainCard result={result} />}
              {result && <EvaluationCard result={result} />}
              {result && main.summary && <SummaryCard lines={main.summary} />}
              {result && live && <SeeingInsideCard runId={main.runId} result={result} />}
              {live && <CompareCard />}
              {result && live && <DataEfficiency runId={main.runId} result={result} />}
              {live && (
                <section className={styles.card} aria-label="Use the trained model">
                  <TryItCard />
                  <ExportCard />
                  <WebDemoCard />
                </section>
              )}
            </div>
          )}
          {main && <Repeat />}
          <History />
        </div>
      )}
    </section>
  );
}

export default RunPanel;
