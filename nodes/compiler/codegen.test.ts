import { describe, expect, it } from 'vitest';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import ts from 'typescript';
import * as tf from '@tensorflow/tfjs';
import { compileGraph, planToCode, withParamOverrides } from './index';
import { minimalTemplate, pipelineTemplate } from '../templates';
import type { GraftGraph } from '../core/graph';
import type { Plan } from '../core/plan';
import { tuneGraph } from './testGraphs';

function planOf(g: GraftGraph): Plan {
  const r = compileGraph(g);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

/** Type-check generated sources (strict) against the installed @tensorflow/tfjs typings. */
function typeErrors(sources: Record<string, string>): string[] {
  const dir = path.resolve(__dirname);
  const files = Object.fromEntries(Object.entries(sources).map(([name, text]) => [path.join(dir, `__generated_${name}.ts`), text]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => files[f] ?? readFile(f);
  host.fileExists = (f) => f in files || ts.sys.fileExists(f);
  host.getSourceFile = (f, lang, ...rest) =>
    f in files ? ts.createSourceFile(f, files[f]!, lang) : getSourceFile(f, lang, ...rest);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const mobilenet = () =>
  withParamOverrides(pipelineTemplate(), [
    { nodeId: 'model', param: 'catalogId', value: 'mobilenet-v1-0.25-224' },
    { nodeId: 'freeze', param: 'mode', value: 'firstN' },
    { nodeId: 'freeze', param: 'count', value: 40 },
    { nodeId: 'head', param: 'hiddenUnits', value: 200 },
    { nodeId: 'train', param: 'optimizer', value: 'sgd' },
    { nodeId: 'train', param: 'learningRate', value: 0.0003 },
    { nodeId: 'train', param: 'earlyStoppingPatience', value: 4 },
  ]);

const urlModel = () =>
  withParamOverrides(minimalTemplate(), [
    { nodeId: 'model', param: 'source', value: 'url' },
    { nodeId: 'model', param: 'url', value: 'https://example.org/my-net/model.json' },
    { nodeId: 'model', param: 'truncateAt', value: 'block_5_out' },
  ]);

const tuned = () =>
  tuneGraph(
    [
      { nodeId: 'tune', param: 'learningRate', range: { min: 1e-4, max: 1e-2, scale: 'log', steps: 3 } },
      { nodeId: 'head', param: 'activation', values: ['relu', 'tanh'] },
      { nodeId: 'freeze', param: 'count', range: { min: 0, max: 10, scale: 'linear', steps: 3 } },
    ],
    { strategy: 'grid', maxTrials: 9 },
  );

describe('planToCode', () => {
  it('mentions the chosen model and follows the params', () => {
    const base = planToCode(planOf(pipelineTemplate()));
    expect(base).toContain('graft-shapes-cnn');
    expect(base).toContain('/models/graft-shapes-cnn/model.json');
    expect(base).toContain('freezeMode: "all"');
    expect(base).toContain('tf.image.flipLeftRight');
    expect(base).toContain('tf.train.adam(cfg.learningRate)');
    expect(base).toContain('learningRate: 0.001,');

    const m = planToCode(planOf(mobilenet()));
    expect(m).toContain('mobilenet-v1-0.25-224');
    expect(m).toContain('https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json');
    expect(m).toContain('truncateAt: "conv_pw_13_relu"');
    expect(m).toContain('pixelScale: 0.00784313725490196, pixelOffset: -1');
    expect(m).toContain('freezeMode: "firstN"');
    expect(m).toContain('freezeCount: 40,');
    expect(m).toContain('hiddenUnits: 200,');
    expect(m).toContain('optimizer: "sgd"');
    expect(m).toContain('learningRate: 0.0003,');
    expect(m).toContain('earlyStoppingPatience: 4,');
    expect(m).toContain('[224, 224]');

    const u = planToCode(planOf(urlModel()));
    expect(u).toContain('https://example.org/my-net/model.json');
    expect(u).toContain('truncateAt: "block_5_out"');
    expect(u).toContain('No Augment Data node');
    expect(u).not.toContain('flipLeftRight');
    expect(u).toContain('inputSizeOfModel'); // unknown model: input size read from the model

    const t = planToCode(planOf(tuned()));
    expect(t).toContain('grid search, at most 9 trials');
    expect(t).toContain('learningRate: [0.0001, 0.001, 0.01]');
    expect(t).toContain('activation: ["relu", "tanh"]');
    expect(t).toContain('freezeCount: [0, 5, 10]');
  });

  it('generated code type-checks (strict) against @tensorflow/tfjs', () => {
    const errors = typeErrors({
      pipeline: planToCode(planOf(pipelineTemplate())),
      mobilenet: planToCode(planOf(mobilenet())),
      url: planToCode(planOf(urlModel())),
      tuned: planToCode(planOf(tuned())),
    });
    expect(errors).toEqual([]);
    // The checker itself must be able to fail.
    expect(typeErrors({ bad: "import * as tf from '@tensorflow/tfjs';\ntf.layers.dense({ unitz: 3 });\n" })).toHaveLength(1);
  });
});

/** Serve a small freshly built Layers model over HTTP (tf.loadLayersModel needs a URL). */
async function serveTinyModel(): Promise<{ url: string; close(): Promise<void> }> {
  const input = tf.input({ shape: [16, 16, 3] });
  const features = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'features' }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(features) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, activation: 'softmax', name: 'old_classes' }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const modelJson = JSON.stringify({
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  });
  const weights = Buffer.from(a.weightData as ArrayBuffer);
  const server = http.createServer((req, res) => {
    if (req.url === '/tiny/model.json') res.writeHead(200, { 'content-type': 'application/json' }).end(modelJson);
    else if (req.url === '/tiny/weights.bin') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(weights);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/tiny/model.json`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Transpile generated TS and load it as a module sharing this test's tfjs instance. */
function loadGenerated(code: string): Record<string, unknown> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const realRequire = createRequire(import.meta.url);
  const exports: Record<string, unknown> = {};
  const module = { exports };
  new Function('require', 'exports', 'module', js)((id: string) => (id === '@tensorflow/tfjs' ? tf : realRequire(id)), exports, module);
  return module.exports;
}

describe('generated code runs', () => {
  it('builds, trains (with augmentation) and evaluates a real tfjs model', async () => {
    await tf.setBackend('cpu');
    const server = await serveTinyModel();
    try {
      const g = withParamOverrides(pipelineTemplate(), [
        { nodeId: 'model', param: 'source', value: 'url' },
        { nodeId: 'model', param: 'url', value: server.url },
        { nodeId: 'augment', param: 'noise', value: 0.3 },
        { nodeId: 'augment', param: 'flipVertical', value: true },
        { nodeId: 'train', param: 'epochs', value: 2 },
        { nodeId: 'train', param: 'batchSize', value: 8 },
        { nodeId: 'train', param: 'earlyStoppingPatience', value: 1 },
        { nodeId: 'evaluate', param: 'misclassifiedCount', value: 3 },
      ]);
      const code = planToCode(planOf(g));
      const mod = loadGenerated(code) as {
        config: { epochs: number };
        trainOnce(cfg: unknown, train: { xs: tf.Tensor4D; ys: tf.Tensor2D }, k: number): Promise<{ model: tf.LayersModel; history: tf.History }>;
        preprocess(x: tf.Tensor4D, cfg: unknown): tf.Tensor4D;
        evaluate(model: tf.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor2D, names: string[], n: number): { accuracy: number; confusionMatrix: number[][]; misclassified: unknown[] };
      };
      expect(mod.config.epochs).toBe(2);
      const n = 24;
      const labels = Array.from({ length: n }, (_, i) => i % 3);
      const xs = tf.randomUniform([n, 16, 16, 3], 0, 255, 'float32', 1) as tf.Tensor4D;
      const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3) as tf.Tensor2D;
      const tensorsBefore = tf.memory().numTensors;
      const { model, history } = await mod.trainOnce(mod.config, { xs, ys }, 3);

      expect(history.epoch.length).toBeGreaterThanOrEqual(1);
      expect(Number.isFinite(history.history.loss![0] as number)).toBe(true);
      expect(model.outputs[0]!.shape).toEqual([null, 3]);
      // Frozen trunk: only the head's weights are trainable.
      expect(model.getLayer('features').trainable).toBe(false);
      const inputs = mod.preprocess(xs, mod.config);
      const beforeEval = tf.memory().numTensors;
      const report = mod.evaluate(model, inputs, ys, ['a', 'b', 'c'], 3);
      expect(tf.memory().numTensors).toBe(beforeEval);
      expect(report.confusionMatrix.flat().reduce((s, v) => s + v, 0)).toBe(n);
      expect(report.accuracy).toBeGreaterThanOrEqual(0);
      expect(report.misclassified.length).toBeLessThanOrEqual(3);
      tf.dispose(inputs);
      model.optimizer.dispose();
      model.dispose();
      // Nothing leaked: no batches, augmented copies, views, cut-off layers or optimizer state left behind.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      tf.dispose([xs, ys]);
    } finally {
      await server.close();
    }
  });
});
