/**
 * The optimizer table, the only copy: the engine and the exported program ("View code" embeds this file's text)
 * build the Train node's optimizer here. Dependency-free on purpose (tfjs is passed in).
 *
 * momentum: SGD with momentum > 0 is classical momentum; RMSprop uses it as its momentum term; Adam ignores it
 * (its β1 plays that role).
 */
export interface OptimizerSettings {
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  learningRate: number;
  momentum: number;
}

export function makeOptimizer(tf: typeof import('@tensorflow/tfjs'), s: OptimizerSettings): import('@tensorflow/tfjs').Optimizer {
  switch (s.optimizer) {
    case 'sgd':
      return s.momentum > 0 ? tf.train.momentum(s.learningRate, s.momentum) : tf.train.sgd(s.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(s.learningRate, 0.9, s.momentum);
    case 'adam':
    default:
      return tf.train.adam(s.learningRate);
  }
}

/**
 * `optimizer.dispose()`, plus the learning-rate scalar that tfjs 4.22's MomentumOptimizer.dispose() forgets (it
 * never calls SGDOptimizer.dispose(), so every SGD-with-momentum run would leak one tensor).
 */
export function disposeOptimizer(optimizer: import('@tensorflow/tfjs').Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: { isDisposed: boolean; dispose(): void } }).c;
  if (c && !c.isDisposed) c.dispose();
}
