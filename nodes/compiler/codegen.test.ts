import { describe, expect, it } from 'vitest';
import path from 'node:path';
import ts from 'typescript';
import fs from 'node:fs';
import { compileGraph, planToCode, withParamOverrides } from './index';
import { EMBEDDED_MODULES, stripModuleImports } from './codegen-modules';
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
    types: ['node'],
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
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

describe('planToCode: the runnable "View code" program', () => {
  it('writes the plan into its config, one line per node', () => {
    const base = planToCode(planOf(pipelineTemplate()));
    expect(base).toContain('modelId: "graft-shapes-cnn"');
    expect(base).toContain('public/models/graft-shapes-cnn/model.json');
    expect(base).toContain('freeze: {"mode":"all"}');
    expect(base).toContain('"flipHorizontal":true');
    expect(base).toContain('"learningRate":0.001');
    expect(base).toContain("import * as tf from '@tensorflow/tfjs'");

    const m = planToCode(planOf(mobilenet()));
    expect(m).toContain('https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json');
    expect(m).toContain('truncateAt: "conv_pw_13_relu"');
    expect(m).toContain('knownScaling: "minus1to1"');
    expect(m).toContain('freeze: {"mode":"firstN","count":40}');
    expect(m).toContain('"hiddenUnits":200');
    expect(m).toContain('"optimizer":"sgd"');
    expect(m).toContain('"earlyStoppingPatience":4');

    const u = planToCode(planOf(urlModel()));
    expect(u).toContain('modelCandidates: ["https://example.org/my-net/model.json"]');
    expect(u).toContain('truncateAt: "block_5_out"');
    expect(u).toContain('augment: null');

    const t = planToCode(planOf(tuned()));
    expect(t).toContain('Hyperparameter Tune node "tune"');
  });

  it("embeds the engine's own rule modules verbatim (no re-typed copies)", () => {
    const code = planToCode(planOf(pipelineTemplate()));
    for (const file of EMBEDDED_MODULES) {
      expect(code).toContain(`// ---------------------------------------------------------------- ${file}`);
      const body = stripModuleImports(fs.readFileSync(file, 'utf8'));
      expect(code).toContain(body);
    }
  });

  it('generated code type-checks (strict) against @tensorflow/tfjs', () => {
    const errors = typeErrors({
      pipeline: planToCode(planOf(pipelineTemplate())),
      mobilenet: planToCode(planOf(mobilenet())),
      url: planToCode(planOf(urlModel())),
      tuned: planToCode(planOf(tuned())),
    });
    expect(errors).toEqual([]);
  });
});
