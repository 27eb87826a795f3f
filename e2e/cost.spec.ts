/**
 * Cost before cost: a run that trains conv layers asks first, with a training-time estimate the worker measured by a
 * short probe (nodes/engine/cost-probe.ts), and Cancel starts nothing.
 */
import { test, expect } from '@playwright/test';
import { inspector, node, openEditor, selectNode } from './helpers';

test('fine-tuning asks before running, with an estimate measured by a probe', async ({ page }) => {
  await openEditor(page);
  await page.getByRole('combobox', { name: 'Start from template' }).selectOption({ label: 'Transfer learning pipeline' });
  await expect(node(page, 'Train')).toBeVisible();
  await selectNode(page, 'Dataset');
  await inspector(page, 'Dataset').getByRole('spinbutton', { name: 'Max images per class' }).fill('8');
  await inspector(page, 'Dataset').getByRole('spinbutton', { name: 'Max images per class' }).press('Enter');
  await selectNode(page, 'Freeze Layers');
  await inspector(page, 'Freeze Layers').getByRole('combobox', { name: 'Freeze', exact: true }).selectOption('none');
  await expect(page.getByRole('heading', { name: /^Problems/ })).not.toContainText('error');

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'This run will be slow' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('status')).toContainText(/Estimated training time: about .+ images × \d+ epochs at \d+ ms per batch of \d+ images on [A-Z]+, measured just now by a short probe/, { timeout: 90_000 });
  await dialog.getByText('What was measured').click();
  await expect(dialog).toContainText(/Auto measured 2 batches per backend — fine-tuning/);
  await expect(dialog.getByRole('button', { name: 'Run anyway' })).toBeEnabled();
  await expect(dialog.getByRole('button', { name: 'Freeze the trunk and run' })).toBeEnabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toBeDisabled(); // no run started
});
