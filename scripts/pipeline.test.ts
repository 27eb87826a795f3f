/**
 * The CLI end to end: `tsx scripts/pipeline.ts` spawned as a real process on the shipped example graph, its --json
 * line parsed and checked; plus its refusals (exit codes, located compile errors) and --emit-code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EarlyStoppingRule, monitoredLoss } from '../nodes/engine/rules/early-stopping';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function pipeline(...args: string[]) {
  const r = spawnSync(TSX, ['scripts/pipeline.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  const lastLine = r.stdout.trim().split('\n').at(-1) ?? '';
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lastLine };
}

describe('npm run pipeline (scripts/pipeline.ts)', () => {
  it('trains examples/minimal.graft.json and prints one JSON result line with plausible accuracy', () => {
    const r = pipeline('examples/minimal.graft.json', '--json', '--epochs', '12');
    expect(r.code, r.stderr).toBe(0);
    // Progress goes to stderr, stdout holds only the JSON object.
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/epoch +12\/12/);
    const out = JSON.parse(r.lastLine);
    expect(out.ok).toBe(true);
    expect(out.labels).toEqual(['arrow', 'crescent', 'heart', 'semicircle']);
    expect(out.splitSizes).toEqual({ train: 80, validation: 16, test: 24 });
    expect(out.testSize).toBe(24);
    expect(out.splitFingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(out.epochs).toBe(12);
    expect(out.epochLogs).toHaveLength(12);
    // The kept epoch follows from the printed epoch logs: the last one, unless early stopping fired on the 12th
    // epoch, then the best one.
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/minimal.graft.json'), 'utf8'));
    const rule = new EarlyStoppingRule(example.nodes.find((n: { id: string }) => n.id === 'train').params.earlyStoppingPatience);
    const decisions = (out.epochLogs as Array<{ epoch: number; loss: number; valLoss: number | null }>).map((e) => rule.update(e.epoch, monitoredLoss(e)));
    expect(decisions.slice(0, -1)).not.toContain('stop');
    expect(out.keptEpoch).toBe(decisions.at(-1) === 'stop' ? rule.bestEpoch : 12);
    expect(out.path).toBe('cached');
    expect(['wasm', 'cpu']).toContain(out.backend);
    // Graft's pretrained shapes CNN transfers well: far above chance (25 %) on 24 held-out images.
    expect(out.accuracy).toBeGreaterThanOrEqual(0.6);
    expect(out.accuracy).toBeLessThanOrEqual(1);
    const matrix = out.confusionMatrix as number[][];
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(24);
    expect(matrix.reduce((s, row, i) => s + row[i], 0) / 24).toBeCloseTo(out.accuracy, 10);
    expect((out.perClass as Array<{ support: number }>).map((c) => c.support)).toEqual(matrix.map((row) => row.reduce((a, b) => a + b, 0)));
    expect(out.misclassified).toHaveLength(Math.min(8, Math.round(24 * (1 - out.accuracy))));
  });

  it('refuses a graph that does not compile with exit code 1 and errors located on nodes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-cli-'));
    const graph = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/minimal.graft.json'), 'utf8'));
    graph.nodes.find((n: { id: string }) => n.id === 'train').params.learningRate = -1;
    const file = path.join(dir, 'broken.graft.json');
    fs.writeFileSync(file, JSON.stringify(graph));
    const r = pipeline(file, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.lastLine);
    expect(out).toMatchObject({ ok: false, error: 'compile' });
    expect(out.errors).toContainEqual(expect.objectContaining({ nodeId: 'train', param: 'learningRate' }));
  });

  it('bad arguments exit 2 with the usage; a missing file exits 1', () => {
    const unknown = pipeline('examples/minimal.graft.json', '--nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --nope\nusage: npm run pipeline/);
    const missing = pipeline('no/such/file.graft.json', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.lastLine)).toMatchObject({ ok: false, error: expect.stringMatching(/^Cannot read no\/such\/file\.graft\.json/) });
  });

  it('--emit-code writes the "View code" program with the plan in it', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'graft-cli-')), 'program.ts');
    const r = pipeline('examples/minimal.graft.json', '--emit-code', out, '--epochs', '3');
    expect(r.code, r.stderr).toBe(0);
    const code = fs.readFileSync(out, 'utf8');
    expect(code).toContain('"epochs":3');
    expect(code).toContain('builtin:shapes-target');
  });
});
