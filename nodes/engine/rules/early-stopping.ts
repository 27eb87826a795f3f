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
