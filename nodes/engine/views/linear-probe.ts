/**
 * A linear probe: softmax regression on standardised features, trained full-batch with Adam in plain TypeScript.
 * Small (feature dims of a few hundred, a few thousand images), deterministic, no tensors at all — so probing eight
 * layers costs milliseconds and cannot leak GPU memory on any backend.
 */

export interface ProbeData {
  /** Row-major [n, dim]. */
  x: Float32Array;
  labels: number[];
}

export interface ProbeOptions {
  numClasses: number;
  dim: number;
  steps?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  l2?: number;
}

export interface Probe {
  /** Predicted class per row. */
  predict(x: Float32Array): number[];
}

function standardiser(x: Float32Array, n: number, dim: number): { mean: Float64Array; inv: Float64Array } {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < dim; d++) {
      const v = x[i * dim + d];
      mean[d] += v;
      sq[d] += v * v;
    }
  const inv = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    mean[d] /= Math.max(1, n);
    const variance = sq[d] / Math.max(1, n) - mean[d] * mean[d];
    inv[d] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
  }
  return { mean, inv };
}

export function trainLinearProbe(train: ProbeData, options: ProbeOptions): Probe {
  const { numClasses: C, dim } = options;
  const steps = options.steps ?? 300;
  const lr = options.learningRate ?? 0.05;
  const l2 = options.l2 ?? 1e-3;
  const n = train.labels.length;
  const { mean, inv } = standardiser(train.x, n, dim);
  const xs = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) xs[i * dim + d] = (train.x[i * dim + d] - mean[d]) * inv[d];
  const P = (dim + 1) * C; // weights then biases
  const w = new Float64Array(P);
  const g = new Float64Array(P);
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const logits = new Float64Array(C);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let step = 1; step <= steps; step++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let z = w[dim * C + c];
        for (let d = 0; d < dim; d++) z += xs[i * dim + d] * w[d * C + c];
        logits[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) {
        logits[c] = Math.exp(logits[c] - max);
        sum += logits[c];
      }
      for (let c = 0; c < C; c++) {
        const delta = logits[c] / sum - (c === train.labels[i] ? 1 : 0);
        if (delta === 0) continue;
        for (let d = 0; d < dim; d++) g[d * C + c] += xs[i * dim + d] * delta;
        g[dim * C + c] += delta;
      }
    }
    const b1 = 1 - beta1 ** step;
    const b2 = 1 - beta2 ** step;
    for (let p = 0; p < P; p++) {
      const grad = g[p] / Math.max(1, n) + (p < dim * C ? l2 * w[p] : 0);
      m[p] = beta1 * m[p] + (1 - beta1) * grad;
      v[p] = beta2 * v[p] + (1 - beta2) * grad * grad;
      w[p] -= (lr * (m[p] / b1)) / (Math.sqrt(v[p] / b2) + 1e-8);
    }
  }
  return {
    predict(x: Float32Array): number[] {
      const rows = Math.floor(x.length / Math.max(1, dim));
      const out: number[] = [];
      for (let i = 0; i < rows; i++) {
        let best = 0;
        let bestValue = -Infinity;
        for (let c = 0; c < C; c++) {
          let z = w[dim * C + c];
          for (let d = 0; d < dim; d++) z += (x[i * dim + d] - mean[d]) * inv[d] * w[d * C + c];
          if (z > bestValue) {
            bestValue = z;
            best = c;
          }
        }
        out.push(best);
      }
      return out;
    },
  };
}

export function accuracyOf(predicted: number[], labels: number[]): number {
  if (labels.length === 0) return NaN;
  let correct = 0;
  labels.forEach((l, i) => {
    if (predicted[i] === l) correct++;
  });
  return correct / labels.length;
}
