/**
 * Engine tests with real tfjs training on a tiny CNN (saved to a temp folder) and Graft's synthetic shapes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost, loadModelFrom, resolveModelLocation, tf } from './host-node';
import { runPlan } from './run';
import { RunError, type RunEvent, type RunResult } from './types';
import type { ImageSource, TrainedModel } from './host';
import { saveTinyCnn, testPlan } from './test-utils';
import { FeatureStore, featureCacheKey } from './feature-store';
import { syntheticImageSource } from '../dataset/synthetic';

let modelsDir = '';
const DATASET = 'builtin:shapes-target';

beforeAll(async () => {
  modelsDir = await saveTinyCnn();
});

function host(extra: Parameters<typeof createNodeHost>[0] = {}) {
  return createNodeHost({ modelsDir, publicDir: path.join(modelsDir, 'no-public'), ...extra });
}

async function expectRunError(promise: Promise<unknown>): Promise<RunError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RunError);
    return error as RunError;
  }
  throw new Error('expected the run to fail');
}

describe('runPlan on the Node host', () => {
  it('streams node states, progress and epochs, and evaluates consistently (cached path)', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 4 });
    const events: RunEvent[] = [];
    const result = await runPlan(plan, host(), { onEvent: (e) => events.push(e) });

    expect(result.path).toBe('cached');
    expect(result.backend).toBe('wasm');
    expect(result.truncateAt).toBe('pool2'); // generic heuristic: before GAP + dense softmax
    expect(result.inputScaling).toBe('zero1'); // unknown model, 'auto' → [0,1]
    expect(result.epochs).toHaveLength(4);
    const { evaluation, splitSizes } = result;
    expect(splitSizes.train + splitSizes.validation + splitSizes.test).toBe(120);
    expect(evaluation.testSize).toBe(splitSizes.test);
    const matrixSum = evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0);
    expect(matrixSum).toBe(splitSizes.test);
    expect(evaluation.perClass.map((c) => c.support).reduce((a, b) => a + b, 0)).toBe(splitSizes.test);
    const diagonal = evaluation.confusionMatrix.reduce((s, row, i) => s + row[i], 0);
    expect(evaluation.accuracy).toBeCloseTo(diagonal / splitSizes.test, 6);
    for (const m of evaluation.misclassified) expect(m.trueLabel).not.toBe(m.predictedLabel);

    const nodeIds = new Set(Object.values(plan.nodeIds).filter(Boolean));
    for (const id of nodeIds) {
      const states = events.filter((e) => e.type === 'node' && e.nodeId === id).map((e) => (e as { state: string }).state);
      expect(states[0], id).toBe('waiting');
      expect(states.at(-1), id).toBe('done');
      expect(states, id).toContain('running');
    }
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(4);
    expect(events.some((e) => e.type === 'progress' && e.phase === 'features')).toBe(true);
    const training = events.filter((e) => e.type === 'progress' && e.phase === 'training');
    expect(training.length).toBeGreaterThan(0);
    expect(events.at(-1)?.type).toBe('done');
  });

  it('cached features and naive full forward passes train the same head, dropout and standardisation included (frozen BN stays in inference mode)', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 3 });
    const results: RunResult[] = [];
    for (const forcePath of ['cached', 'full'] as const) {
      results.push(await runPlan(plan, host(), { forcePath, onEvent: () => {} }));
    }
    const [cached, full] = results;
    expect(cached.path).toBe('cached');
    expect(full.path).toBe('full');
    // Same seeds, same batches, same features → the same optimisation up to float rounding. A BN layer running
    // on batch statistics in the full path would change the features and break this.
    cached.epochs.forEach((log, i) => {
      expect(Math.abs(log.loss - full.epochs[i].loss)).toBeLessThan(2e-3);
      expect(Math.abs((log.valLoss ?? 0) - (full.epochs[i].valLoss ?? 0))).toBeLessThan(2e-3);
    });
    expect(Math.abs(cached.evaluation.loss - full.evaluation.loss)).toBeLessThan(2e-3);
    expect(cached.evaluation.accuracy).toBeCloseTo(full.evaluation.accuracy, 5);
  });

  it('augmented cached views: the views really differ, validation/test features are not augmented', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 2, augment: true });
    const store = new FeatureStore();
    const result = await runPlan(plan, host(), { onEvent: () => {}, featureStore: store });
    expect(result.path).toBe('cached');
    expect(result.pathReason).toMatch(/4 cached random views/);
    expect(result.epochs).toHaveLength(2);
    const augmented = store.findByPlanKey(featureCacheKey(plan, { featureBackend: result.featureBackend ?? result.backend }))!;
    expect(augmented.trainViews).toHaveLength(4);
    const views = augmented.trainViews.map((v) => Array.from(v.features));
    for (let v = 1; v < 4; v++) expect(views[v], `view ${v} vs view 0`).not.toEqual(views[0]);

    const plain = structuredClone(plan);
    plain.dataset.augment = null;
    const plainStore = new FeatureStore();
    const plainResult = await runPlan(plain, host(), { onEvent: () => {}, featureStore: plainStore });
    const unaugmented = plainStore.findByPlanKey(featureCacheKey(plain, { featureBackend: plainResult.featureBackend ?? plainResult.backend }))!;
    expect(unaugmented.trainViews).toHaveLength(1);
    expect(Array.from(augmented.validation.features)).toEqual(Array.from(unaugmented.validation.features));
    expect(Array.from(augmented.test!.features)).toEqual(Array.from(unaugmented.test!.features));
    for (const view of views) expect(view).not.toEqual(Array.from(unaugmented.trainViews[0].features));
  });

  it('fine-tuning (first 4 layers frozen) runs full passes on WASM (Graft\'s convolution gradient kernels): trunk weights change, frozen ones stay bit-identical', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 1 });
    plan.classifier.model.freeze = { mode: 'firstN', count: 4 }; // conv1, bn1, relu1, pool1; conv2 + bn2 train
    plan.dataset.maxImagesPerClass = 10;
    plan.train.learningRate = 0.01;
    let trained: TrainedModel | null = null;
    const result = await runPlan(plan, host(), { onEvent: () => {}, onTrainedModel: (t) => (trained = t) });
    expect(result.path).toBe('full');
    expect(result.backend).toBe('wasm');
    expect(result.pathReason).toMatch(/trainable/);

    const original = await loadModelFrom(resolveModelLocation({ kind: 'catalog', id: 'tiny-cnn' }, { modelsDir }), { modelsDir });
    const kept = (trained as unknown as TrainedModel).model;
    const valuesByName = async (m: tf.LayersModel) => {
      const out = new Map<string, Float32Array>();
      for (const w of m.weights) out.set(w.originalName.replace(/^.*?(conv\d|bn\d)/, '$1'), (await w.read().data()) as Float32Array);
      return out;
    };
    const before = await valuesByName(original);
    const after = await valuesByName(kept);
    const frozen = ['conv1/kernel', 'conv1/bias', 'bn1/gamma', 'bn1/beta', 'bn1/moving_mean', 'bn1/moving_variance'];
    const trainable = ['conv2/kernel', 'bn2/gamma', 'bn2/beta'];
    for (const name of [...frozen, ...trainable]) {
      expect(before.has(name), `original ${name} in ${[...before.keys()]}`).toBe(true);
      expect(after.has(name), `trained ${name} in ${[...after.keys()]}`).toBe(true);
    }
    for (const name of frozen) expect(Array.from(after.get(name)!), name).toEqual(Array.from(before.get(name)!));
    for (const name of trainable) expect(Array.from(after.get(name)!), name).not.toEqual(Array.from(before.get(name)!));
    original.dispose();
    kept.dispose();
  });

  it('early stopping ends a real run and reports the kept epoch', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 6 });
    plan.train.earlyStoppingPatience = 1;
    plan.train.learningRate = 0; // the validation loss cannot improve after epoch 1
    const events: RunEvent[] = [];
    const result = await runPlan(plan, host(), { onEvent: (e) => events.push(e) });
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(result.keptEpoch).toBe(1);
    const trainMessages = events.filter((e) => e.type === 'node' && e.nodeId === plan.nodeIds.train).map((e) => (e as { message?: string }).message);
    expect(trainMessages).toContain('2 epochs (early stop), kept the weights of epoch 1 (best validation loss), train acc ' + result.epochs[1].accuracy.toFixed(2));
  });

  it('hands over a standalone trained classifier that predicts like the evaluation', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 2 });
    const before = tf.memory().numTensors;
    let trained: TrainedModel | null = null;
    const result = await runPlan(plan, host(), { onEvent: () => {}, onTrainedModel: (t) => (trained = t) });
    expect(trained).not.toBeNull();
    const kept = trained as unknown as TrainedModel;
    expect(kept.labels).toEqual(result.labels);
    expect(kept.inputSize).toEqual([32, 32]);
    const out = tf.tidy(() => kept.model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor);
    expect(out.shape).toEqual([2, result.labels.length]);
    const sumTensor = out.sum(1);
    const sums = (await sumTensor.array()) as number[];
    sumTensor.dispose();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 4));
    out.dispose();
    kept.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('no tensor leaks', () => {
  it('finished, failed and cancelled runs leave tf.memory() as before', async () => {
    const h = host();
    const before = tf.memory().numTensors;

    await runPlan(testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 2, augment: true }), h, { onEvent: () => {} });
    expect(tf.memory().numTensors).toBe(before);

    const full = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 1, augment: true });
    full.classifier.model.freeze = { mode: 'none' };
    full.dataset.maxImagesPerClass = 8;
    await runPlan(full, h, { onEvent: () => {} });
    expect(tf.memory().numTensors).toBe(before);

    // Full passes with early stopping that triggers (learning rate 0: nothing improves after epoch 1), so the best
    // weights are saved, restored and released.
    const stopping = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 4 });
    stopping.dataset.maxImagesPerClass = 8;
    stopping.train.earlyStoppingPatience = 1;
    stopping.train.learningRate = 0;
    const stopped = await runPlan(stopping, h, { forcePath: 'full', onEvent: () => {} });
    expect([stopped.path, stopped.epochs.length, stopped.keptEpoch]).toEqual(['full', 2, 1]);
    expect(tf.memory().numTensors).toBe(before);

    const failing = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 3 });
    failing.train.learningRate = 1e38;
    const nan = await expectRunError(runPlan(failing, h, { onEvent: () => {} }));
    expect(nan.kind).toBe('nan-loss');
    expect(tf.memory().numTensors).toBe(before);

    for (const phase of ['features', 'training'] as const) {
      const controller = new AbortController();
      const events: RunEvent[] = [];
      const cancelled = await expectRunError(
        runPlan(testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 50 }), h, {
          signal: controller.signal,
          onEvent: (e) => {
            events.push(e);
            if (e.type === 'progress' && e.phase === phase) controller.abort();
          },
        }),
      );
      expect(cancelled.kind).toBe('cancelled');
      expect(tf.memory().numTensors).toBe(before);
      const last = events.filter((e) => e.type === 'node').at(-1) as { state: string };
      expect(last.state).toBe('cancelled');
    }
  });
});

describe('every optimizer leaves tf.memory() as before', () => {
  it.each(['sgd', 'rmsprop', 'adam'] as const)('%s (momentum 0.9)', async (optimizer) => {
    const before = tf.memory().numTensors;
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 2 });
    plan.train.optimizer = optimizer;
    plan.train.momentum = 0.9;
    await runPlan(plan, host(), { onEvent: () => {} });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Cancel from outside the engine', () => {
  it('a Cancel that arrives as a host event (a timer here, a worker message in the browser) stops training promptly', async () => {
    // On WASM every await inside a batch is a microtask: unless the loop yields to the event loop, a timer (or the
    // worker's Cancel message) never runs and the run trains all its epochs.
    const controller = new AbortController();
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 400 });
    plan.train.earlyStoppingPatience = 0;
    let epochsSeen = 0;
    const started = runPlan(plan, host(), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'epoch') {
          epochsSeen++;
          if (epochsSeen === 1) setTimeout(() => controller.abort(), 0);
        }
      },
    });
    const error = await expectRunError(started);
    expect(error.kind).toBe('cancelled');
    expect(epochsSeen).toBeLessThan(50);
  });
});

describe('errors a user can fix, located on their node', () => {
  it('unreachable model URL → model-unreachable on the model node', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET });
    plan.classifier.model.source = { kind: 'url', url: 'http://127.0.0.1:9/nothing/model.json' };
    const error = await expectRunError(runPlan(plan, host(), { onEvent: () => {} }));
    expect(error.kind).toBe('model-unreachable');
    expect(error.nodeId).toBe(plan.nodeIds.model);
  });

  it('JSON that is not a LayersModel → model-invalid', async () => {
    const dir = path.join(modelsDir, 'not-a-model');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ hello: 'world' }));
    const graphDir = path.join(modelsDir, 'graph-model');
    fs.mkdirSync(graphDir, { recursive: true });
    fs.writeFileSync(
      path.join(graphDir, 'model.json'),
      JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }),
    );
    for (const id of ['not-a-model', 'graph-model']) {
      const error = await expectRunError(
        runPlan(testPlan({ model: id, datasetId: DATASET }), host(), { onEvent: () => {} }),
      );
      expect(error.kind).toBe('model-invalid');
      expect(error.nodeId).toBe('model');
    }
  });

  it('unknown truncation layer names the valid layers', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET });
    plan.classifier.model.truncateAt = 'conv99';
    const error = await expectRunError(runPlan(plan, host(), { onEvent: () => {} }));
    expect(error.kind).toBe('model-invalid');
    expect(error.nodeId).toBe('model');
    expect(error.message).toMatch(/conv99/);
    expect(error.message).toMatch(/relu2/);
  });

  it('a one-class dataset → too-few-classes on the dataset node', async () => {
    const shapes = syntheticImageSource(DATASET);
    const oneClass: ImageSource = {
      ...shapes,
      items: shapes.items.filter((item) => item.label === 0),
      load: (i, maxSide) => shapes.load(i, maxSide),
    };
    const h = host({ openDataset: async (id) => (id === 'test:one-class' ? oneClass : null) });
    const plan = testPlan({ model: 'tiny-cnn', datasetId: 'test:one-class' });
    const error = await expectRunError(runPlan(plan, h, { onEvent: () => {} }));
    expect(error.kind).toBe('too-few-classes');
    expect(error.nodeId).toBe('dataset');
  });

  it('an absurd learning rate → nan-loss on the train node suggesting a lower rate', async () => {
    const plan = testPlan({ model: 'tiny-cnn', datasetId: DATASET, epochs: 3 });
    plan.train.learningRate = 1e38; // Adam steps ≈ lr per weight: logits overflow to ±Infinity → NaN
    const events: RunEvent[] = [];
    const error = await expectRunError(runPlan(plan, host(), { onEvent: (e) => events.push(e) }));
    expect(error.kind).toBe('nan-loss');
    expect(error.nodeId).toBe('train');
    expect(error.message).toMatch(/learning rate/i);
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'nan-loss', nodeId: 'train' });
    expect(events.some((e) => e.type === 'node' && e.nodeId === 'train' && e.state === 'error')).toBe(true);
  });
});
