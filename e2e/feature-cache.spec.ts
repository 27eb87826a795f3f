/**
 * Features that outlive a run (issue 12): a second Run after changing only the learning rate reuses the trunk
 * features (the run panel says "features reused from cache"); "Clear feature cache" empties the cache, so the next
 * Run extracts again. Short: Graft's small CNN on its built-in shapes, WASM, 2 epochs. Also: WASM runs multi-threaded
 * (≥ 2 threads when the machine has ≥ 2 cores), shown in the run panel.
 */
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspector, message, node, openEditor, selectNode, serveWithoutIsolation } from './helpers';
import { E2E_DATASETS_DIR } from '../playwright.config';
import { writeShapesFolder } from '../nodes/engine/test-datasets';
import { minimalTemplate } from '../nodes/templates';

const panel = (page: Page) => page.getByRole('region', { name: 'Run panel' });
const progress = (page: Page) => panel(page).getByRole('progressbar', { name: 'Training progress' });

async function runToEnd(page: Page) {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toBeEnabled();
  await expect(progress(page)).toHaveAttribute('aria-valuetext', /Finished/, { timeout: 50_000 });
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

test('a second Run after changing only the learning rate reuses the features; clearing the cache extracts again', async ({ page }) => {
  test.setTimeout(60_000);
  await openEditor(page);
  await page.getByRole('combobox', { name: 'Start from template' }).selectOption({ label: 'Transfer learning pipeline' });
  await expect(node(page, 'Train')).toBeVisible();
  await selectNode(page, 'Train');
  const train = inspector(page, 'Train');
  await train.getByRole('combobox', { name: 'Backend' }).selectOption({ label: 'wasm' });
  await train.getByRole('spinbutton', { name: 'Epochs' }).fill('2');
  await train.getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
  await expect(node(page, 'Train')).toContainText('Epochs 2');
  // Start from an empty cache whatever ran before in this browser profile.
  await runToEnd(page);
  // Multi-threaded WASM: the page is cross-origin isolated, so WASM runs one thread per logical core (CI: 2).
  const { cores, isolated } = await page.evaluate(() => ({ cores: navigator.hardwareConcurrency, isolated: self.crossOriginIsolated }));
  expect(isolated).toBe(true);
  const threadsBadge = panel(page).getByTestId('wasm-threads');
  if (cores >= 2) {
    await expect(threadsBadge).toHaveText(/^WASM · \d+ threads$/);
    expect(Number((await threadsBadge.textContent())?.match(/\d+/)?.[0])).toBeGreaterThanOrEqual(2);
  } else {
    await expect(threadsBadge).toHaveText(/^WASM · single-threaded/);
  }
  await panel(page).getByRole('button', { name: 'Clear feature cache' }).click();
  await expect(panel(page).getByRole('status').filter({ hasText: 'feature cache cleared' })).toBeVisible();

  await runToEnd(page);
  await expect(panel(page).getByText('features reused from cache')).toHaveCount(0);

  await rerunWithNewLearningRate(page);

  await panel(page).getByRole('button', { name: 'Clear feature cache' }).click();
  await runToEnd(page);
  await expect(panel(page).getByTestId('features-reused')).toHaveCount(0);
});

test('a dir: dataset is keyed by the server\'s content hashes: reused on the second Run, extracted again after an image changed', async ({ page }) => {
  test.setTimeout(60_000);
  const name = 'e2e-feature-hashes';
  const dir = path.join(E2E_DATASETS_DIR, name);
  fs.rmSync(dir, { recursive: true, force: true });
  await writeShapesFolder(dir, { perClass: 8 });
  const graph = minimalTemplate();
  graph.name = 'Feature hashes';
  graph.nodes = graph.nodes.map((n) => {
    if (n.type === 'dataset') return { ...n, params: { ...n.params, datasetId: `dir:${name}` } };
    if (n.type === 'train') return { ...n, params: { ...n.params, epochs: 2, backend: 'wasm' } };
    return n;
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'graft-e2e-hashes-')), 'hashes.graft.json');
  fs.writeFileSync(file, JSON.stringify(graph));
  await openEditor(page);
  await page.getByLabel('Import graph file').setInputFiles(file);
  await expect(message(page, /Imported “Feature hashes”/)).toBeVisible();
  const listing = (await (await page.request.get(`/api/datasets/${name}?hashes=1`)).json()) as { classes: Array<{ hashes: string[] }> };
  expect(listing.classes[0].hashes[0]).toMatch(/^[0-9a-f]{64}$/);

  await runToEnd(page);
  await expect(panel(page).getByTestId('features-reused')).toHaveCount(0);
  await rerunWithNewLearningRate(page);

  // One image's pixels change in place (same folder, same file name): its hash changes, so nothing stale is reused.
  const first = path.join(dir, fs.readdirSync(dir).sort()[0]);
  const [a, b] = fs.readdirSync(first).sort();
  fs.copyFileSync(path.join(first, b), path.join(first, a));
  // The changed image is fetched under its new hash: the HTTP cache cannot hand the decoder its old bytes.
  const relisted = (await (await page.request.get(`/api/datasets/${name}?hashes=1`)).json()) as { classes: Array<{ hashes: string[] }> };
  const changedHash = relisted.classes[0].hashes[0];
  expect(changedHash).not.toBe(listing.classes[0].hashes[0]);
  const fetchedNew = page.waitForRequest((request) => request.url().endsWith(`/${a}?v=${changedHash}`), { timeout: 30_000 });
  await runToEnd(page);
  await expect(panel(page).getByTestId('features-reused')).toHaveCount(0);
  await fetchedNew;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('served without cross-origin isolation, WASM falls back to one thread and the run panel says why', async ({ page }) => {
  test.setTimeout(60_000);
  // The same app behind a proxy that drops COOP/COEP: no SharedArrayBuffer, so no WebAssembly threads.
  await serveWithoutIsolation(page);
  await openEditor(page);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);
  await selectNode(page, 'Train');
  const train = inspector(page, 'Train');
  await train.getByRole('combobox', { name: 'Backend' }).selectOption({ label: 'wasm' });
  await train.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
  await train.getByRole('spinbutton', { name: 'Epochs' }).press('Enter');
  await expect(node(page, 'Train')).toContainText('Epochs 1');
  await runToEnd(page);
  await expect(panel(page).getByTestId('wasm-threads')).toHaveText('WASM · single-threaded (the page is not cross-origin isolated, so WebAssembly threads are unavailable)');
});

/** Change only the learning rate and Run again: the trunk features must come from the cache. */
async function rerunWithNewLearningRate(page: Page): Promise<void> {
  await selectNode(page, 'Train');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Learning rate' }).fill('0.003');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Learning rate' }).press('Enter');
  await expect(node(page, 'Train')).toContainText('Learning rate 0.003');
  await runToEnd(page);
  await expect(panel(page).getByTestId('features-reused')).toHaveText('features reused from cache');
}
