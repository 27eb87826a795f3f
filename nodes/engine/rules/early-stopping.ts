/**
 * The early-stopping rule, the only copy: the engine's fit loop, the tuner ("best" = the kept epoch's metric) and
 * the exported program ("View code" embeds this file's text) all use it. Dependency-free on purpose.
 *
 * Keras semantics: monitor the validation loss (the training loss when there is no validation split); an epoch
 * improves when it beats the best so far by more than MIN_DELTA; after `patience` epochs without improvement
 * training stops and the best epoch's weights are restored. With patience 0 the last epoch is kept.
 */
export const EARLY_STOPPING_MIN_DELTA = 1e-4;

export type EarlyStoppingDecision = 'improved' | 'wait' | 'stop';

export class EarlyStoppingRule {
  best = Infinity;
  /** 1-based epoch whose weights are kept (0 before the first epoch). */
  bestEpoch = 0;
  private sinceBest = 0;

  constructor(readonly patience: number) {}

  /** Feed one finished epoch's monitored value (lower is better). */
  update(epoch: number, monitored: number): EarlyStoppingDecision {
    if (this.patience <= 0) {
      this.bestEpoch = epoch;
      this.best = monitored;
      return 'improved';
    }
    if (monitored < this.best - EARLY_STOPPING_MIN_DELTA) {
      this.best = monitored;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      return 'improved';
    }
    this.sinceBest += 1;
    return this.sinceBest >= this.patience ? 'stop' : 'wait';
  }
}

/** The value early stopping watches for one epoch: validation loss when there is one, else the training loss. */
export function monitoredLoss(epoch: { loss: number; valLoss: number | null }): number {
  return epoch.valLoss !== null && Number.isFinite(epoch.valLoss) ? epoch.valLoss : epoch.loss;
}

/** What the kept epoch was best at, for the run record and progress text. */
export type MonitoredMetric = 'validation loss' | 'training loss';

/** Anything with weights that can be copied out and put back (a tfjs LayersModel; tensors are cloned/disposed). */
export interface WeightsOwner<W extends { clone(): W; dispose(): void }> {
  getWeights(): W[];
  setWeights(weights: W[]): void;
}

/**
 * Early stopping with best-weight restore, the one implementation (engine fit loop and "View code"). With patience > 0
 * it keeps a copy of the best epoch's weights and puts them back when training ends — after an early stop and also
 * when the epoch budget runs out — so the model always ends with the epoch that was best at the monitored loss. With
 * patience 0 (off) the last epoch is kept and nothing is copied. Call `release()` in every case (also on errors).
 */
export class BestWeightsKeeper<W extends { clone(): W; dispose(): void }> {
  readonly rule: EarlyStoppingRule;
  private best: W[] | null = null;
  private lastEpoch = 0;
  private restored = false;
  monitored: MonitoredMetric = 'validation loss';
  stoppedEarly = false;

  constructor(patience: number) {
    this.rule = new EarlyStoppingRule(patience);
  }

  /** Feed one finished epoch; returns 'stop' when training should end now. */
  epochEnd(log: { epoch: number; loss: number; valLoss: number | null }, model: WeightsOwner<W>): 'stop' | 'continue' {
    this.lastEpoch = log.epoch;
    this.monitored = log.valLoss !== null && Number.isFinite(log.valLoss) ? 'validation loss' : 'training loss';
    const decision = this.rule.update(log.epoch, monitoredLoss(log));
    if (this.rule.patience <= 0) return 'continue';
    if (decision === 'improved') {
      this.dropCopy();
      this.best = model.getWeights().map((w) => w.clone());
    } else if (decision === 'stop') {
      this.stoppedEarly = true;
      return 'stop';
    }
    return 'continue';
  }

  /** The epoch whose weights the model ends with: the best one once `finish` restored it, else the last. */
  get keptEpoch(): number {
    return this.restored ? this.rule.bestEpoch : this.lastEpoch;
  }

  /** Training finished normally: put the best epoch's weights back (a no-op when the last epoch was the best). */
  finish(model: WeightsOwner<W>): number {
    if (this.best) {
      if (this.rule.bestEpoch !== this.lastEpoch) model.setWeights(this.best);
      this.restored = true;
    }
    return this.keptEpoch;
  }

  /** Free the kept copy. */
  release(): void {
    this.dropCopy();
  }

  private dropCopy(): void {
    if (this.best) for (const w of this.best) w.dispose();
    this.best = null;
  }
}

/** The run-record sentence for the kept epoch, e.g. "kept the weights of epoch 7 (best validation loss)". */
export function keptEpochText(keptEpoch: number, epochsRun: number, monitored: MonitoredMetric): string {
  return keptEpoch === epochsRun
    ? `kept the weights of the last epoch (${keptEpoch})`
    : `kept the weights of epoch ${keptEpoch} (best ${monitored})`;
}
