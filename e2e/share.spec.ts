/**
 * Saving and sharing (issue #5): autosave, a share link opened by someone else is read-only, they fork it and edit
 * their copy, and the original stays as it was.
 */
import { test, expect, type Page } from '@playwright/test';
import {
  TEMPLATE_TITLES,
  allNodes,
  dragHandle,
  fitView,
  handle,
  inspector,
  node,
  nodeNames,
  openEditor,
  paletteButton,
  selectNode,
  waitSaved,
} from './helpers';

test.use({ viewport: { width: 1600, height: 1100 } });

const graphName = (page: Page) => page.getByRole('textbox', { name: 'Graph name' });

test('save, open the share link read-only elsewhere, fork, edit the fork; the original is unchanged', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const name = `Shared pipeline ${Date.now().toString(36)}`;

  // --- Owner: edit → autosave → share link.
  await openEditor(page);
  await graphName(page).fill(name);
  await graphName(page).press('Enter');
  await selectNode(page, 'Train');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).fill('5');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
  await expect(node(page, 'Train')).toContainText('Epochs 5');
  await waitSaved(page);
  await expect(page).toHaveURL(/\/g\/[^/]+$/);
  const ownerUrl = page.url();
  const originalNames = await nodeNames(page);
  expect(originalNames).toHaveLength(TEMPLATE_TITLES.length);

  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const share = page.getByRole('dialog', { name: 'Share link' });
  await expect(share).toBeVisible();
  const linkBox = share.getByRole('textbox', { name: 'Share link URL' });
  await expect(linkBox).toHaveValue(/\/g\/[^/]+$/);
  const link = await linkBox.inputValue();
  expect(new URL(link).pathname).toBe(new URL(ownerUrl).pathname);
  // The link never carries the edit token.
  expect(link).not.toMatch(/token/i);
  await share.getByRole('button', { name: 'Close' }).click();

  // --- Visitor: a fresh browser profile (no edit token) opens the link.
  const visitorContext = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
  const visitor = await visitorContext.newPage();
  try {
    await visitor.goto(new URL(link).pathname);
    await expect(allNodes(visitor)).toHaveCount(TEMPLATE_TITLES.length, { timeout: 30_000 });
    await expect(graphName(visitor)).toHaveValue(name);
    expect(await nodeNames(visitor)).toEqual(originalNames);

    // Read-only: a notice with Fork, nothing editable.
    const notice = visitor.getByRole('region', { name: 'Read-only notice' });
    await expect(notice).toBeVisible();
    await expect(graphName(visitor)).not.toBeEditable();
    for (const title of ['Dataset', 'Train', 'Evaluate']) await expect(paletteButton(visitor, title)).toBeDisabled();
    await expect(visitor.getByRole('button', { name: 'New', exact: true })).toBeDisabled();
    await expect(visitor.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
    await expect(visitor.getByRole('combobox', { name: 'Start from template' })).toBeDisabled();
    await expect(visitor.getByRole('status', { name: /^Save status/ })).toHaveCount(0);

    // Nodes can be inspected but not changed.
    await selectNode(visitor, 'Train');
    const epochs = inspector(visitor, 'Train').getByRole('spinbutton', { name: 'Epochs' });
    await expect(epochs).toHaveValue('5');
    await expect(epochs).not.toBeEditable();
    await expect(inspector(visitor, 'Train').getByRole('combobox', { name: 'Backend' })).toBeDisabled();
    await expect(inspector(visitor, 'Train').getByRole('combobox', { name: 'Train input Data (dataset) source' })).toBeDisabled();
    const tools = visitor.getByRole('toolbar', { name: 'Edit tools' });
    await expect(tools.getByRole('button', { name: 'Delete' })).toBeDisabled();
    await expect(tools.getByRole('button', { name: 'Duplicate' })).toBeDisabled();
    // The Delete key does nothing either.
    await visitor.keyboard.press('Delete');
    await expect(node(visitor, 'Train')).toBeVisible();
    // Dragging between handles does not connect anything.
    const edgesBefore = await visitor.getByRole('group', { name: /^Connection from / }).count();
    await fitView(visitor);
    await dragHandle(visitor, handle(visitor, 'Dataset', 'output', 'Images', 'dataset'), handle(visitor, 'Train', 'input', 'Data', 'dataset'), {
      requireReachable: false,
    });
    await expect(visitor.getByRole('group', { name: /^Connection from / })).toHaveCount(edgesBefore);
    await expect(visitor.getByRole('group', { name: 'Connection from Dataset to Train (dataset)' })).toHaveCount(0);

    // --- Fork: the visitor gets an editable copy at a new address.
    await notice.getByRole('button', { name: 'Fork' }).click();
    await expect(notice).toHaveCount(0);
    await expect(visitor).not.toHaveURL(new URL(link).href);
    await expect(visitor).toHaveURL(/\/g\/[^/]+$/);
    const forkUrl = visitor.url();
    await expect(paletteButton(visitor, 'Dataset')).toBeEnabled();
    await expect(graphName(visitor)).toBeEditable();

    // Edit the fork: add a node and change a setting; it autosaves.
    await paletteButton(visitor, 'Hyperparameter Tune').click();
    await expect(node(visitor, 'Hyperparameter Tune')).toBeVisible();
    await visitor.getByRole('button', { name: 'Auto layout' }).click();
    await selectNode(visitor, 'Train');
    await inspector(visitor, 'Train').getByRole('spinbutton', { name: 'Epochs' }).fill('11');
    await inspector(visitor, 'Train').getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
    await expect(node(visitor, 'Train')).toContainText('Epochs 11');
    await waitSaved(visitor);

    // The fork persisted (reload it).
    await visitor.reload();
    await expect(allNodes(visitor)).toHaveCount(TEMPLATE_TITLES.length + 1, { timeout: 30_000 });
    await expect(node(visitor, 'Hyperparameter Tune')).toBeVisible();
    expect(visitor.url()).toBe(forkUrl);
    await expect(visitor.getByRole('region', { name: 'Read-only notice' })).toHaveCount(0);

    // The original link still shows the original, read-only, to the visitor.
    await visitor.goto(new URL(link).pathname);
    await expect(allNodes(visitor)).toHaveCount(TEMPLATE_TITLES.length, { timeout: 30_000 });
    await expect(visitor.getByRole('region', { name: 'Read-only notice' })).toBeVisible();
  } finally {
    await visitorContext.close();
  }

  // --- Owner: reload — the original is unchanged and still editable here.
  await page.reload();
  await expect(allNodes(page)).toHaveCount(TEMPLATE_TITLES.length, { timeout: 30_000 });
  expect(await nodeNames(page)).toEqual(originalNames);
  await expect(node(page, 'Hyperparameter Tune')).toHaveCount(0);
  await expect(graphName(page)).toHaveValue(name);
  await expect(graphName(page)).toBeEditable();
  await expect(page.getByRole('region', { name: 'Read-only notice' })).toHaveCount(0);
  await selectNode(page, 'Train');
  await expect(inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' })).toHaveValue('5');
});

test('a share link to a graph that does not exist says so', async ({ page }) => {
  await page.goto('/g/does-not-exist-0000');
  await expect(page.getByRole('heading', { name: 'Graph not found' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: /no saved graph/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Start a new graph' })).toBeVisible();
});
