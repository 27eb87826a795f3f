/**
 * The hyperparameter search runner. For each trial: plan it (the caller's TrialPlanner overrides the searched params
 * in the graph and recompiles it; the engine never imports the compiler), apply the run's PlanOverrides, train it through the engine, and stream a TrialRecord ('trial' event). Trunk features are
 * shared across trials through a FeatureStore whenever the trunk/freeze/augmentation/dataset settings are the same,
 * so a search over head/optimiser settings costs little more than one run.
 *
 * The winner is chosen on the validation split only; RunResult.evaluation is the winner's test evaluation, so the
 * test split stays an honest estimate. Trials keep the plan's training seed, so they differ only by their config
 * and the search is reproducible for a seed.
 */
import type { Plan } from '../core/plan';
import { applyPlanOverrides } from './overrides';
import type { EngineHost, RunPlan, RunPlanOptions, TrainedModel } from './host';
import { RunError, type RunEvent, type RunResult, type TrialRecord, type TuneSummary } from './types';
import { FeatureStore } from './feature-store';
import {
  SuccessiveHalving,
  TuneBudget,
  configsForPlan,
  isBetter,
  parseDimensionKey,
  type TrialConfig,
  type TuneMetric,
} from '../hyperparameter-tune/search';
import type { TrialPlanner } from './trial-planner';

/** Errors that belong to one configuration (the search goes on); anything else fails every trial alike. */
const TRIAL_SPECIFIC_ERRORS = new Set<RunError['kind']>(['nan-loss', 'out-of-memory', 'input-shape', 'model-invalid']);

export interface TuneRunOptions extends RunPlanOptions {
  /** Plans each trial (the compiler's planTrial, or pre-compiled trials in the worker). */
  planTrial: TrialPlanner;
  /** Share trunk features across trials (default true) through `featureStore`, or a fresh store for this search
   * when none is given. False: each trial computes its own (the naive baseline the benchmark compares against). */
  shareFeatures?: boolean;
}

/** The validation metric of the weights a run ended with: the epoch the engine kept (RunResult.keptEpoch — the
 * best epoch after early stopping, by the one early-stopping rule), else the last epoch. Null when there is no
 * validation split (or it produced no value). */
export function trialMetric(result: RunResult, metric: TuneMetric): number | null {
  const kept = result.epochs.find((e) => e.epoch === result.keptEpoch) ?? result.epochs[result.epochs.length - 1];
  if (!kept) return null;
  const value = metric === 'val_loss' ? kept.valLoss : kept.valAccuracy;
  return value !== null && Number.isFinite(value) ? value : null;
}

interface Job {
  trialId: number;
  /** Halving rung (0 for grid/random). */
  rung: number;
  /** Epochs to train (halving: the rung's budget scaled to the trial's own epoch count). */
  epochs: number;
  /** Last rung (or no halving): evaluate on the test split and keep the model. */
  final: boolean;
}

interface Candidate {
  trialId: number;
  rung: number;
  metric: number;
  result: RunResult;
  evaluated: boolean;
  model: TrainedModel | null;
}

function disposeTrained(model: TrainedModel | null): void {
  if (!model) return;
  try {
    model.model.dispose();
  } catch {
    /* already disposed */
  }
}

function describeConfig(config: TrialConfig): string {
  const entries = Object.entries(config);
  if (entries.length === 0) return 'current settings';
  return entries.map(([k, v]) => `${parseDimensionKey(k).param}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(', ');
}

/**
 * Run a tuning plan. `runSingle` trains one (non-tuning) plan: the engine's single-run function.
 * Emits 'trial' events (every trial up front as pending, then on each change), forwards the trials' progress,
 * and finishes with one 'done' (the winner's result + TuneSummary) or one 'error'.
 */
export async function runTune(plan: Plan, host: EngineHost, options: TuneRunOptions, runSingle: RunPlan): Promise<RunResult> {
  const tune = plan.tune;
  if (!tune) throw new Error('runTune needs a plan with tuning');
  const startedAt = Date.now();
  const emit = (event: RunEvent) => {
    try {
      options.onEvent(event);
    } catch {
      // A broken listener must not break the search.
    }
  };
  const tuneNode = plan.nodeIds.train;
  const evaluateNode = plan.nodeIds.evaluate;
  const metric = tune.metric;
  // contentKeyedFeaturesOnly (a plain browser Run): trials share features through a store of this search only, over
  // the persistent backing, so a source without content hashes never reads features of an earlier search.
  const store =
    options.shareFeatures === false
      ? null
      : options.contentKeyedFeaturesOnly
        ? new FeatureStore(undefined, options.featureStore?.backing)
        : (options.featureStore ?? new FeatureStore());

  let configs: TrialConfig[];
  try {
    configs = configsForPlan(tune);
  } catch (error) {
    const runError = new RunError(
      `The search space is invalid: ${error instanceof Error ? error.message : String(error)}`,
      'internal',
      tuneNode,
    );
    emit({ type: 'error', nodeId: tuneNode, message: runError.message, kind: runError.kind });
    throw runError;
  }
  const records: TrialRecord[] = configs.map((config, i) => ({
    id: i + 1,
    config,
    status: 'pending',
    metric: null,
    epochs: 0,
    ms: 0,
  }));
  const byId = new Map(records.map((r) => [r.id, r]));
  const publish = (r: TrialRecord) => emit({ type: 'trial', trial: { ...r, config: { ...r.config } } });
  records.forEach(publish);

  const halving =
    tune.strategy === 'halving' ? new SuccessiveHalving(records.map((r) => r.id), plan.train.epochs, metric) : null;
  const lastRung = halving ? halving.rungs.length - 1 : 0;
  const budget = new TuneBudget(tune.maxTrials, tune.maxMinutes);
  const launched = new Set<number>();
  const plans = new Map<number, Plan>();
  let best: Candidate | null = null;
  let firstSystemError: RunError | null = null;
  let firstTrialError: RunError | null = null;
  let completed = 0;
  let backendSent = false;
  let finishedJobs = 0;
  const totalJobs = halving ? halving.rungs.reduce((n, r) => n + r.size, 0) : records.length;

  const setTuneNode = (state: 'running' | 'done' | 'error' | 'cancelled', message?: string, progress?: number) => {
    if (tuneNode) emit({ type: 'node', nodeId: tuneNode, state, message, progress });
  };

  const nextJob = (): Job | null => {
    if (halving) {
      const job = halving.next();
      if (!job) return null;
      const trialEpochs = plans.get(job.trialId)?.train.epochs ?? plan.train.epochs;
      // A searched epoch count is the trial's own full budget; rungs scale it.
      const scaled = Math.max(1, Math.round((trialEpochs * job.epochs) / Math.max(1, plan.train.epochs)));
      return { trialId: job.trialId, rung: job.rung, epochs: job.rung === lastRung ? trialEpochs : scaled, final: job.rung === lastRung };
    }
    const record = records.find((r) => r.status === 'pending' && !launched.has(r.id));
    if (!record) return null;
    return { trialId: record.id, rung: 0, epochs: -1, final: true };
  };

  const reportHalving = (trialId: number, value: number | null, epochs: number) => {
    if (!halving) return;
    halving.report(trialId, value, epochs);
    // Promotion decisions change other trials' statuses at the end of a rung.
    for (const r of records) {
      const s = halving.status(r.id);
      const mapped: TrialRecord['status'] = s === 'running' ? 'running' : s;
      if (r.id !== trialId && r.status !== mapped && (mapped === 'stopped' || mapped === 'done')) {
        r.status = mapped;
        publish(r);
      }
    }
  };

  try {
    for (let job = nextJob(); job; job = nextJob()) {
      const record = byId.get(job.trialId)!;
      if (options.signal?.aborted) throw new RunError('Run cancelled.', 'cancelled', null);
      const isNew = !launched.has(job.trialId);
      if (isNew ? !budget.canLaunch() : budget.timeUp) {
        // Out of budget: this job stays unrun (stopAll below marks it stopped).
        break;
      }
      if (isNew) {
        budget.recordLaunch();
        launched.add(job.trialId);
      }

      // The trial's plan (compiled once per trial).
      let tp = plans.get(job.trialId);
      if (!tp) {
        try {
          // Overrides (CLI --dataset, repeat seeds…) apply to every trial: trials are re-planned from the graph.
          tp = applyPlanOverrides(options.planTrial(plan, record.config), options.overrides);
          plans.set(job.trialId, tp);
        } catch (error) {
          const e = error instanceof RunError ? error : new RunError(String(error), 'internal', tuneNode);
          record.status = 'failed';
          record.error = e.message;
          publish(record);
          firstTrialError ??= e;
          reportHalving(job.trialId, null, 0);
          continue;
        }
        if (halving && job.rung === 0) {
          // Now that the trial's own epochs are known, rescale this first job.
          const scaled = Math.max(1, Math.round((tp.train.epochs * halving.rungs[0]!.epochs) / Math.max(1, plan.train.epochs)));
          job = { ...job, epochs: job.final ? tp.train.epochs : scaled };
        }
      }
      const epochs = job.epochs > 0 ? job.epochs : tp.train.epochs;
      const runPlan: Plan = epochs === tp.train.epochs ? tp : { ...tp, train: { ...tp.train, epochs } };

      record.status = 'running';
      publish(record);
      const rungNote = halving ? ` (round ${job.rung + 1} of ${halving.rungs.length}, ${epochs} epochs)` : '';
      setTuneNode('running', `Trial ${job.trialId} of ${records.length}${rungNote}: ${describeConfig(record.config)}`, finishedJobs / totalJobs);
      emit({ type: 'status', message: `Trial ${job.trialId}${rungNote}: ${describeConfig(record.config)}` });

      // Each trial gets its own abort signal: the user's cancel, or the time budget running out (only once some
      // trial has finished, so a search always has a result).
      const controller = new AbortController();
      const onUserAbort = () => controller.abort();
      options.signal?.addEventListener('abort', onUserAbort);
      let budgetCut = false;
      let timer: ReturnType<typeof setTimeout> | null = null;
      if (completed > 0 && Number.isFinite(budget.remainingMs)) {
        timer = setTimeout(() => {
          budgetCut = true;
          controller.abort();
        }, Math.max(0, budget.remainingMs));
      }
      let trialModel: TrainedModel | null = null;
      const trialStart = Date.now();
      const evaluate = job.final;
      try {
        const result = await runSingle(runPlan, host, {
          onEvent: (event) => {
            switch (event.type) {
              case 'done':
              case 'error':
                return; // the search reports its own outcome
              case 'backend':
                if (backendSent) return;
                backendSent = true;
                emit(event);
                return;
              case 'node':
                // The tune and evaluate nodes show the search's state; others show the trial's first setup only.
                if (event.nodeId === tuneNode || event.nodeId === evaluateNode) return;
                if (completed > 0 && event.state === 'waiting') return;
                emit(event);
                return;
              case 'epoch':
                emit({ ...event, trialId: job!.trialId });
                return;
              default:
                emit(event);
            }
          },
          signal: controller.signal,
          randomTrunk: options.randomTrunk,
          pixelCacheBytes: options.pixelCacheBytes,
          featureStore: store ?? undefined,
          skipEvaluation: !evaluate,
          onTrainedModel:
            options.onTrainedModel && evaluate
              ? (trained) => {
                  trialModel = trained;
                }
              : undefined,
        });
        const value = trialMetric(result, metric);
        record.ms += Date.now() - trialStart;
        record.epochs = result.epochs.length;
        record.metric = value;
        completed++;
        if (value === null) {
          record.status = 'failed';
          record.error = 'No validation metric: the validation split is empty.';
        } else {
          record.status = halving && !job.final ? 'pending' : 'done';
          delete record.error;
          // Trials that trained longer (a later halving round) beat earlier rounds; within a round the metric decides.
          if (!best || job.rung > best.rung || (job.rung === best.rung && isBetter(metric, value, best.metric))) {
            disposeTrained(best?.model ?? null);
            best = { trialId: job.trialId, rung: job.rung, metric: value, result, evaluated: evaluate, model: trialModel };
            trialModel = null;
          }
        }
        disposeTrained(trialModel);
        trialModel = null;
        publish(record);
        reportHalving(job.trialId, value, result.epochs.length);
      } catch (raw) {
        disposeTrained(trialModel);
        trialModel = null;
        record.ms += Date.now() - trialStart;
        const error = raw instanceof RunError ? raw : new RunError(raw instanceof Error ? raw.message : String(raw), 'internal', null);
        if (error.kind === 'cancelled' && !budgetCut) throw error;
        if (budgetCut) {
          record.status = 'stopped';
          record.error = 'Time budget reached during this trial.';
          publish(record);
          break;
        }
        record.status = 'failed';
        record.error = error.message;
        publish(record);
        reportHalving(job.trialId, null, 0);
        if (TRIAL_SPECIFIC_ERRORS.has(error.kind)) {
          firstTrialError ??= error;
        } else {
          // Dataset unreadable, model unreachable, no backend…: every trial would fail the same way.
          firstSystemError = error;
          break;
        }
      } finally {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onUserAbort);
        finishedJobs++;
      }
    }

    // Trials the budget never reached.
    halving?.stopAll();
    for (const r of records) {
      if (r.status === 'pending' || r.status === 'running') {
        r.status = 'stopped';
        if (r.metric === null && !r.error) r.error = budget.timeUp ? 'Not run: time budget reached.' : 'Not run.';
        publish(r);
      }
    }

    if (firstSystemError) throw firstSystemError;
    if (!best) {
      throw (
        firstTrialError ??
        new RunError('No trial finished with a validation score; check the validation split and the search settings.', 'internal', tuneNode)
      );
    }
    const winner: Candidate = best;

    // A halving search cut short by the time budget may end with a winner from an early round, trained without
    // test evaluation: train that configuration once more with evaluation so the result is complete.
    if (!winner.evaluated) {
      const tp = plans.get(winner.trialId)!;
      const epochs = winner.result.epochs.length;
      emit({ type: 'status', message: `Evaluating the best trial (${winner.trialId}) on the test split` });
      let model: TrainedModel | null = null;
      const result = await runSingle({ ...tp, train: { ...tp.train, epochs } }, host, {
        onEvent: (event) => {
          if (event.type === 'progress' || event.type === 'status') emit(event);
        },
        signal: options.signal,
        randomTrunk: options.randomTrunk,
        pixelCacheBytes: options.pixelCacheBytes,
        featureStore: store ?? undefined,
        onTrainedModel: options.onTrainedModel
          ? (trained) => {
              model = trained;
            }
          : undefined,
      });
      winner.result = result;
      winner.model = model;
      winner.evaluated = true;
    }

    const summary: TuneSummary = {
      trials: records.map((r) => ({ ...r, config: { ...r.config } })),
      bestTrialId: winner.trialId,
      metric,
    };
    const final: RunResult = { ...winner.result, totalMs: Date.now() - startedAt, tune: summary };
    if (options.onTrainedModel && winner.model) {
      const handed = winner.model;
      winner.model = null;
      options.onTrainedModel(handed);
    }
    const metricText = metric === 'val_accuracy' ? `${(winner.metric * 100).toFixed(1)}% validation accuracy` : `validation loss ${winner.metric.toFixed(4)}`;
    setTuneNode('done', `Best: trial ${winner.trialId} of ${records.length} — ${metricText} (${describeConfig(byId.get(winner.trialId)!.config)})`, 1);
    if (evaluateNode) {
      emit({
        type: 'node',
        nodeId: evaluateNode,
        state: 'done',
        message: `Test accuracy ${(final.evaluation.accuracy * 100).toFixed(1)}% (best trial ${winner.trialId})`,
      });
    }
    emit({ type: 'done', result: final });
    return final;
  } catch (raw) {
    disposeTrained(best?.model ?? null);
    const error = raw instanceof RunError ? raw : new RunError(`Internal error: ${raw instanceof Error ? raw.message : String(raw)}`, 'internal', null);
    for (const r of records) {
      if (r.status === 'pending' || r.status === 'running') {
        r.status = 'stopped';
        publish(r);
      }
    }
    setTuneNode(error.kind === 'cancelled' ? 'cancelled' : 'error', error.kind === 'cancelled' ? 'Search cancelled' : error.message);
    if (evaluateNode) emit({ type: 'node', nodeId: evaluateNode, state: 'cancelled' });
    emit({ type: 'error', nodeId: error.nodeId, message: error.message, kind: error.kind });
    throw error;
  }
}
