/**
 * "View code" tells the truth: the program it exports, run as a separate Node process on a folder of class
 * folders, splits and trains exactly like the engine (deterministic settings: dropout 0, fixed seeds, WASM), and
 * with augmentation keeps the same split and lands within noise of the engine.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from './host-node';
import { runPlan } from './run';
import { compileGraph, planToCode } from '../compiler';
import { minimalTemplate, pipelineTemplate } from '../templates';
import { openFolderDataset } from '../dataset/folder-node';
import { splitDataset } from '../dataset/split';
import { splitFingerprint } from '../dataset/fingerprint';
import { writeShapesFolder } from './test-datasets';
import type { GraftGraph } from '../core/graph';
import type { Plan } from '../core/plan';

const run = promisify(execFile);
// Inside the checkout, so the program's imports (@tensorflow/tfjs, jpeg-js, pngjs) resolve from node_modules.
const PROGRAM_DIR = path.resolve('node_modules/.cache/graft-parity');
let datasetDir = '';

beforeAll(async () => {
  datasetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-parity-'));
  await writeShapesFolder(datasetDir, { perClass: 15 });
  fs.mkdirSync(PROGRAM_DIR, { recursive: true });
}, 120_000);

function planOf(graph: GraftGraph, epochs: number): Plan {
  graph.nodes = graph.nodes.map((n) => {
    if (n.type === 'add-head') return { ...n, params: { ...n.params, dropout: 0 } };
    if (n.type === 'train') return { ...n, params: { ...n.params, epochs, earlyStoppingPatience: 2 } };
    return n;
  });
  const compiled = compileGraph(graph);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return compiled.plan;
}

interface ProgramOutput {
  accuracy: number;
  loss: number;
  splitFingerprint: string;
  trainFingerprint: string;
  validationFingerprint: string;
  testSize: number;
  keptEpoch: number;
  path: string;
}

async function runEmitted(plan: Plan, name: string): Promise<ProgramOutput> {
  const file = path.join(PROGRAM_DIR, `${name}.ts`);
  fs.writeFileSync(file, planToCode(plan));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file, '--dataset', datasetDir, '--json'], {
    cwd: process.cwd(),
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, MODELS_DIR: '' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ProgramOutput;
}

async function expectedSplit(plan: Plan) {
  const source = await openFolderDataset(datasetDir);
  const split = splitDataset(source.items.map((i) => i.label), {
    maxImagesPerClass: plan.dataset.maxImagesPerClass,
    testSplit: plan.dataset.testSplit,
    validationSplit: plan.train.validationSplit,
    seed: plan.dataset.splitSeed,
  });
  const ids = (list: number[]) => splitFingerprint(list.map((i) => source.items[i].name));
  return { train: ids(split.train), validation: ids(split.validation), test: ids(split.test) };
}

describe('the exported program vs the engine, in Node', () => {
  it('deterministic settings: identical split membership, identical test accuracy and loss', async () => {
    const plan = planOf(minimalTemplate(), 8);
    const engine = await runPlan(plan, createNodeHost(), { onEvent: () => {}, overrides: { dataset: datasetDir } });
    const program = await runEmitted(plan, 'minimal');
    const split = await expectedSplit(plan);
    expect(program.splitFingerprint).toBe(engine.splitFingerprint);
    expect([program.trainFingerprint, program.validationFingerprint, program.splitFingerprint]).toEqual([split.train, split.validation, split.test]);
    expect(program.path).toBe(engine.path);
    expect(program.testSize).toBe(engine.evaluation.testSize);
    expect(program.keptEpoch).toBe(engine.keptEpoch);
    expect(program.accuracy).toBe(engine.evaluation.accuracy);
    expect(program.loss).toBeCloseTo(engine.evaluation.loss, 5);
  }, 600_000);

  it('with augmentation: the same split, accuracy within noise', async () => {
    const plan = planOf(pipelineTemplate(), 6);
    expect(plan.dataset.augment).not.toBeNull();
    const engine = await runPlan(plan, createNodeHost(), { onEvent: () => {}, overrides: { dataset: datasetDir } });
    const program = await runEmitted(plan, 'augmented');
    expect(program.splitFingerprint).toBe(engine.splitFingerprint);
    expect(program.testSize).toBe(engine.evaluation.testSize);
    // 12 test images: within 3 images of each other.
    expect(Math.abs(program.accuracy - engine.evaluation.accuracy)).toBeLessThanOrEqual(0.25 + 1e-9);
  }, 600_000);
});
