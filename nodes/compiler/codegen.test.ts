import { describe, expect, it } from 'vitest';
import path from 'node:path';
import ts from 'typescript';
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
