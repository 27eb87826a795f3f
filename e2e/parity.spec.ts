/**
 * One dataset, one truth (issue #10): the browser (engine in the Web Worker, images through /api/datasets) and the
 * CLI (`npm run pipeline`, Node host) train the same graph on the same generated `dir:` dataset. They must list the
 * same files, hold out the same test images (equal split fingerprint) and land within noise of each other.
 */
import { test, expect } from '@playwright/test';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { message, openEditor } from './helpers';
import { E2E_DATASETS_DIR } from '../playwright.config';
import { writeShapesFolder } from '../nodes/engine/test-datasets';
import { openFolderDataset } from '../nodes/dataset/folder-node';
import { minimalTemplate } from '../nodes/templates';

const NAME = 'e2e-parity-shapes';
const EPOCHS = 6;
const run = promisify(execFile);

test('browser worker and CLI: same files, same split fingerprint, accuracy within noise', async ({ page }) => {
  test.setTimeout(480_000);
  const dir = path.join(E2E_DATASETS_DIR, NAME);
  fs.rmSync(dir, { recursive: true, force: true });
  await writeShapesFolder(dir, { perClass: 15 });
  // A nested folder and an extension-less image: both listings must follow the same rule.
  const nested = path.join(dir, 'heart', 'more');
  fs.mkdirSync(nested, { recursive: true });
  fs.copyFileSync(path.join(dir, 'heart', '000.png'), path.join(nested, 'copy'));

  const graph = minimalTemplate();
  graph.name = 'Parity check';
  graph.nodes = graph.nodes.map((n) => {
    if (n.type === 'dataset') return { ...n, params: { ...n.params, datasetId: `dir:${NAME}` } };
    if (n.type === 'add-head') return { ...n, params: { ...n.params, dropout: 0 } };
    if (n.type === 'train') return { ...n, params: { ...n.params, epochs: EPOCHS, backend: 'wasm' } };
    return n;
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-e2e-parity-'));
  const file = path.join(tmp, 'parity.graft.json');
  fs.writeFileSync(file, JSON.stringify(graph));

  // CLI on the same folder.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/pipeline.ts', file, '--dataset', dir, '--json'], {
    maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, MODELS_DIR: '' },
  });
  const cli = JSON.parse(stdout.trim().split('\n').pop()!) as { accuracy: number; splitFingerprint: string; testSize: number };
  expect(cli.splitFingerprint).toMatch(/^[0-9a-f]{12}$/);

  // The server's listing (what the worker trains on) = the CLI's listing.
  await openEditor(page);
  const listing = (await (await page.request.get(`/api/datasets/${NAME}`)).json()) as { classes: Array<{ name: string; files: string[] }> };
  const served = listing.classes.flatMap((c) => c.files.map((f) => `${c.name}/${f}`));
  const node = (await openFolderDataset(dir)).items.map((i) => i.name);
  expect(served).toEqual(node);
  expect(served).toContain('heart/more/copy');

  // Browser run of the same graph.
  await page.getByLabel('Import graph file').setInputFiles(file);
  await expect(message(page, /Imported “Parity check”/)).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Run panel' });
  await expect(panel.getByTestId('split-fingerprint')).toBeVisible({ timeout: 400_000 });
  const browserFingerprint = ((await panel.getByTestId('split-fingerprint').textContent()) ?? '').trim();
  const browserAccuracy = Number(((await panel.getByTestId('test-accuracy').textContent()) ?? '').replace('%', '')) / 100;
  test.info().annotations.push({
    type: 'parity',
    description: `CLI ${(cli.accuracy * 100).toFixed(1)}% vs browser ${(browserAccuracy * 100).toFixed(1)}%, test set ${cli.splitFingerprint}`,
  });
  expect(browserFingerprint).toBe(cli.splitFingerprint);
  // Noise: different backends' float rounding; 13 test images → allow 3 of them.
  expect(Math.abs(browserAccuracy - cli.accuracy)).toBeLessThanOrEqual(3 / cli.testSize + 0.001);
  fs.rmSync(tmp, { recursive: true, force: true });
});
