/**
 * Features that outlive a run (issue 12): a second Run after changing only the learning rate reuses the trunk
 * features (the run panel says "features reused from cache"); "Clear feature cache" empties the cache, so the next
 * Run extracts again. Short: Graft's small CNN on its built-in shapes, WASM, 2 epochs. Also: WASM runs multi-threaded
 * (≥ 2 threads when the machine has ≥ 2 cores), shown in the run panel.
 */
import { test, expect, type Page } from '@playwright/test';
import { inspector, node, openEditor, selectNode, serveWithoutIsolation } from './helpers';

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

  await selectNode(page, 'Train');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Learning rate' }).fill('0.003');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Learning rate' }).press('Enter');
  await expect(node(page, 'Train')).toContainText('Learning rate 0.003');
  await runToEnd(page);
  await expect(panel(page).getByTestId('features-reused')).toHaveText('features reused from cache');

  await panel(page).getByRole('button', { name: 'Clear feature cache' }).click();
  await runToEnd(page);
  await expect(panel(page).getByTestId('features-reused')).toHaveCount(0);
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
