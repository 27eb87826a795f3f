/**
 * Run a saved Graft pipeline from the command line (same engine as the browser, on the Node host).
 *
 *   npm run pipeline -- <file.graft.json> [--dataset <dir>] [--model-dir <dir>] [--backend auto|wasm|cpu]
 *                       [--epochs <n>] [--json] [--emit-code <out.ts>] [--cache-dir <dir>]
 *
 * Prints per-epoch progress and the evaluation table. With --json, progress goes to stderr and stdout's last line
 * is one JSON object (accuracy, perClass, confusionMatrix, backend, epochs, trainMs, path, …). Exit code 1 when
 * the graph does not compile (errors located on nodes) or the run fails. --emit-code writes the "View code" program
 * (runnable: `npx tsx out.ts --dataset <dir> --json`) instead of training. --cache-dir keeps trunk features on disk
 * (keyed by image content, model weights, cut, scaling, augmentation views; bounded, least recently used first):
 * a later run that changes only head/optimizer/learning rate/batch size/epochs skips feature extraction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadGraphFile } from '../nodes/graph-file';
import { compileGraph, planToCode } from '../nodes/compiler';
import type { GraphError } from '../nodes/core/types';
import { createNodeHost } from '../nodes/engine/host-node';
import { runPlan } from '../nodes/engine/run';
import { planTrial } from '../nodes/compiler/trial-plan';
import { applyPlanOverrides, type PlanOverrides } from '../nodes/engine/overrides';
import { RunError, type RunEvent, type RunResult } from '../nodes/engine/types';
import { DEFAULT_FEATURE_STORE_BYTES, FeatureStore } from '../nodes/engine/feature-store';
import { DiskFeatureCache } from '../nodes/engine/host-node/feature-disk-cache';

const ArgsSchema = z.object({
  file: z.string().min(1),
  dataset: z.string().min(1).optional(),
  modelDir: z.string().min(1).optional(),
  backend: z.enum(['auto', 'wasm', 'cpu']).default('auto'),
  epochs: z.coerce.number().int().min(1).max(1000).optional(),
  json: z.boolean().default(false),
  emitCode: z.string().min(1).optional(),
  cacheDir: z.string().min(1).optional(),
});
type Args = z.infer<typeof ArgsSchema>;

const USAGE =
  'usage: npm run pipeline -- <file.graft.json> [--dataset <dir>] [--model-dir <dir>] [--backend auto|wasm|cpu] ' +
  '[--epochs <n>] [--json] [--emit-code <out.ts>] [--cache-dir <dir>]';

function parseArgs(argv: string[]): Args {
  const raw: Record<string, unknown> = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') raw.json = true;
    else if (arg === '--dataset') raw.dataset = value();
    else if (arg === '--model-dir' || arg === '--models-dir') raw.modelDir = value();
    else if (arg === '--backend') raw.backend = value();
    else if (arg === '--epochs') raw.epochs = value();
    else if (arg === '--emit-code') raw.emitCode = value();
    else if (arg === '--cache-dir') raw.cacheDir = value();
    else if (arg === '--help' || arg === '-h') throw new Error('help');
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (raw.file === undefined) raw.file = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  }
  return parsed.data;
}

function locate(error: GraphError, nodes: Map<string, string>): string {
  if (!error.nodeId) return error.message;
  const type = nodes.get(error.nodeId);
  const where = `${error.nodeId}${type ? ` (${type})` : ''}${error.param ? ` › ${error.param}` : ''}${error.port ? ` › port ${error.port}` : ''}`;
  return `${where}: ${error.message}`;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function evaluationTable(result: RunResult): string {
  const e = result.evaluation;
  const width = Math.max(8, ...e.labels.map((l) => l.length)) + 2;
  const lines = [
    `${pad('class', width)}${lpad('precision', 10)}${lpad('recall', 9)}${lpad('f1', 8)}${lpad('support', 9)}`,
    ...e.perClass.map(
      (c) =>
        `${pad(c.label, width)}${lpad(c.precision.toFixed(3), 10)}${lpad(c.recall.toFixed(3), 9)}` +
        `${lpad(c.f1.toFixed(3), 8)}${lpad(String(c.support), 9)}`,
    ),
    '',
    'confusion matrix (rows = true, columns = predicted):',
    `${pad('', width)}${e.labels.map((_, j) => lpad(String(j), 5)).join('')}`,
    ...e.confusionMatrix.map((row, i) => `${pad(`${i} ${e.labels[i]}`, width)}${row.map((v) => lpad(String(v), 5)).join('')}`),
  ];
  if (e.misclassified.length) {
    lines.push('', 'most confident mistakes:');
    for (const m of e.misclassified) {
      lines.push(`  test #${m.index}: ${m.trueLabel} → ${m.predictedLabel} (${pct(m.confidence)})`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    console.error(message === 'help' ? USAGE : `${message}\n${USAGE}`);
    return message === 'help' ? 0 : 2;
  }
  const log = (line: string) => (args.json ? process.stderr.write(`${line}\n`) : console.log(line));
  const fail = (message: string, extra: Record<string, unknown> = {}) => {
    if (args.json) console.log(JSON.stringify({ ok: false, error: message, ...extra }));
    else console.error(message);
    return 1;
  };

  let text: string;
  try {
    text = fs.readFileSync(args.file, 'utf8');
  } catch (error) {
    return fail(`Cannot read ${args.file}: ${(error as Error).message}`);
  }
  const parsed = loadGraphFile(text);
  if (!parsed.ok) return fail(`${args.file}: ${parsed.error}`);
  const compiled = compileGraph(parsed.graph);
  const nodeTypes = new Map(parsed.graph.nodes.map((n) => [n.id, n.type]));
  if (!compiled.ok) {
    const lines = compiled.errors.map((e) => locate(e, nodeTypes));
    if (args.json) {
      console.log(JSON.stringify({ ok: false, error: 'compile', errors: compiled.errors }));
    } else {
      console.error(`${args.file} does not compile:`);
      for (const line of lines) console.error(`  ✗ ${line}`);
    }
    return 1;
  }
  for (const warning of compiled.warnings) log(`  ! ${locate(warning, nodeTypes)}`);
  const plan = compiled.plan;
  if (args.emitCode) {
    const code = planToCode(applyPlanOverrides(plan, args.epochs ? { epochs: args.epochs } : undefined));
    fs.writeFileSync(args.emitCode, code);
    log(`wrote ${args.emitCode}: npx tsx ${args.emitCode} --dataset <folder of class folders> --json`);
    return 0;
  }
  // Overrides go to the engine, which applies them to the plan and to every tuning trial.
  const overrides: PlanOverrides = {
    ...(args.dataset ? { dataset: path.resolve(args.dataset) } : {}),
    ...(args.epochs ? { epochs: args.epochs } : {}),
  };

  const host = createNodeHost({ modelsDir: args.modelDir, backend: args.backend });
  log(`${parsed.graph.name}: dataset ${overrides.dataset ?? plan.dataset.datasetId}, model ${JSON.stringify(plan.classifier.model.source)}`);
  let lastProgress = 0;
  const onEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'backend':
        log(`backend: ${event.backend}${event.featureBackend ? ` (features on ${event.featureBackend})` : ''} — ${event.reason}`);
        break;
      case 'node':
        if (event.state === 'done' && event.message) log(`  ✓ ${event.nodeId}: ${event.message}`);
        break;
      case 'status':
        log(`  ${event.message}`);
        break;
      case 'progress':
        if (event.phase === 'features' && (Date.now() - lastProgress > 2000 || event.done === event.total)) {
          lastProgress = Date.now();
          log(`  features ${event.done}/${event.total}${event.imagesPerSecond ? ` (${event.imagesPerSecond.toFixed(0)} img/s)` : ''}`);
        }
        break;
      case 'epoch': {
        const l = event.log;
        log(
          `  epoch ${lpad(String(l.epoch), 3)}/${event.totalEpochs}  loss ${l.loss.toFixed(4)}  acc ${pct(l.accuracy)}` +
            (l.valLoss !== null ? `  val_loss ${l.valLoss.toFixed(4)}  val_acc ${pct(l.valAccuracy ?? NaN)}` : '') +
            `  ${l.ms} ms`,
        );
        break;
      }
      default:
        break;
    }
  };

  let result: RunResult;
  try {
    const featureStore = args.cacheDir ? new FeatureStore(DEFAULT_FEATURE_STORE_BYTES, new DiskFeatureCache(path.resolve(args.cacheDir))) : undefined;
    result = await runPlan(plan, host, { onEvent, overrides, planTrial, featureStore });
  } catch (error) {
    if (error instanceof RunError) {
      const where = error.nodeId ? `${error.nodeId}${nodeTypes.get(error.nodeId) ? ` (${nodeTypes.get(error.nodeId)})` : ''}: ` : '';
      return fail(`Run failed [${error.kind}] ${where}${error.message}`, { kind: error.kind, nodeId: error.nodeId });
    }
    return fail(`Run failed: ${(error as Error).message}`);
  }

  const e = result.evaluation;
  log('');
  log(`path: ${result.path} — ${result.pathReason}`);
  log(
    `split: ${result.splitSizes.train} train / ${result.splitSizes.validation} validation / ${result.splitSizes.test} test; ` +
      `test set ${result.splitFingerprint}; trained in ${(result.trainMs / 1000).toFixed(1)} s (${result.imagesPerSecond.toFixed(0)} img/s) on ${result.backend}`,
  );
  if (result.tune) {
    log(`tuning: ${result.tune.trials.length} trials, best #${result.tune.bestTrialId} (${result.tune.metric})`);
  }
  log(`test accuracy ${pct(e.accuracy)}, loss ${e.loss.toFixed(4)} on ${e.testSize} images (chance ${pct(1 / e.labels.length)})`);
  log('');
  log(evaluationTable(result));

  if (args.json) {
    console.log(
      JSON.stringify({
        ok: true,
        accuracy: e.accuracy,
        loss: e.loss,
        labels: e.labels,
        perClass: e.perClass,
        confusionMatrix: e.confusionMatrix,
        testSize: e.testSize,
        backend: result.backend,
        featureBackend: result.featureBackend,
        backendProbe: result.backendProbe ?? null,
        phaseMs: result.phaseMs ?? null,
        path: result.path,
        pathReason: result.pathReason,
        featuresReused: result.featuresReused === true,
        loadMs: result.loadMs ?? null,
        epochs: result.epochs.length,
        epochLogs: result.epochs,
        trainMs: result.trainMs,
        totalMs: result.totalMs,
        imagesPerSecond: result.imagesPerSecond,
        splitSizes: result.splitSizes,
        splitFingerprint: result.splitFingerprint,
        keptEpoch: result.keptEpoch,
        truncateAt: result.truncateAt,
        inputScaling: result.inputScaling,
        skipped: result.skipped?.length ?? 0,
        misclassified: e.misclassified.map(({ thumbnail: _thumbnail, ...rest }) => rest),
        ...(result.tune ? { tune: result.tune } : {}),
      }),
    );
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
