/**
 * The canvas editor (issue #2), driven by role + accessible name: palette, wiring by dragging handles, refused
 * connections, node errors, undo/redo, export/import, View code.
 */
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  NODE_TITLES,
  TEMPLATE_TITLES,
  allEdges,
  allNodes,
  canvas,
  dragHandle,
  edge,
  fitView,
  handle,
  inspector,
  message,
  node,
  nodeNames,
  openEditor,
  paletteButton,
  selectNode,
} from './helpers';

// A roomy window, like a desktop user's: eight nodes and their handles fit on the canvas at a usable zoom.
test.use({ viewport: { width: 1600, height: 1100 } });

let tmp: string;
test.beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-e2e-canvas-'));
});
test.afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function startEmpty(page: Page) {
  await openEditor(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(allNodes(page)).toHaveCount(0);
  await expect(canvas(page).getByText('An empty canvas')).toBeVisible();
}

test('add all eight node types from the palette and wire a valid pipeline by dragging', async ({ page }) => {
  await startEmpty(page);

  for (const title of NODE_TITLES) {
    await paletteButton(page, title).click();
    await expect(node(page, title)).toBeVisible();
  }
  await expect(allNodes(page)).toHaveCount(NODE_TITLES.length);
  // Freshly added nodes with required inputs are not valid yet and say why.
  await expect(node(page, 'Train').getByRole('img', { name: /^\d+ problems?$/ })).toBeVisible();
  await expect(node(page, 'Train').getByRole('list', { name: 'Train problems' })).toBeVisible();
  await expect(node(page, 'Dataset').getByRole('img', { name: 'Valid' })).toBeVisible();

  // This pipeline uses Train, not the tuner: remove it (select, then the Delete tool).
  await selectNode(page, 'Hyperparameter Tune');
  await page.getByRole('toolbar', { name: 'Edit tools' }).getByRole('button', { name: 'Delete' }).click();
  await expect(node(page, 'Hyperparameter Tune')).toHaveCount(0);


  const wires: Array<[string, string, string, string, string, string]> = [
    // [from node, output port, to node, input port, port type label]
    ['Dataset', 'Images', 'Augment Data', 'Images', 'dataset', 'dataset'],
    ['Augment Data', 'Augmented', 'Train', 'Data', 'dataset', 'dataset'],
    ['Pretrained Model', 'Model', 'Freeze Layers', 'Model', 'model', 'model'],
    ['Freeze Layers', 'Model', 'Add Head', 'Trunk', 'model', 'model'],
    ['Add Head', 'Classifier', 'Train', 'Classifier', 'classifier', 'classifier'],
    ['Train', 'Trained', 'Evaluate', 'Trained model', 'trained model', 'trained model'],
  ];
  for (const [from, out, to, inp, type] of wires) {
    // Tidy up after each new link (as a user would), then frame the whole graph.
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await fitView(page);
    await dragHandle(page, handle(page, from, 'output', out, type), handle(page, to, 'input', inp, type));
    await expect(edge(page, from, to, type)).toHaveCount(1);
  }
  await expect(allEdges(page)).toHaveCount(wires.length);

  // Every node is valid now and the problems panel is clear.
  for (const title of TEMPLATE_TITLES) {
    await expect(node(page, title).getByRole('img', { name: 'Valid' })).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: /^Problems/ })).toContainText('none');
  await expect(page.getByText('The pipeline is ready to run.')).toBeVisible();
});

test('an incompatible connection is refused with a reason', async ({ page }) => {
  await openEditor(page);
  const edgesBefore = await allEdges(page).count();
  await fitView(page);
  // A dataset output cannot feed a model input.
  await dragHandle(page, handle(page, 'Dataset', 'output', 'Images', 'dataset'), handle(page, 'Freeze Layers', 'input', 'Model', 'model'));
  await expect(message(page, /Can’t connect/)).toBeVisible();
  await expect(message(page, /Can’t connect/)).toContainText(/dataset|model/i);
  await expect(allEdges(page)).toHaveCount(edgesBefore);
  await expect(edge(page, 'Dataset', 'Freeze Layers', 'dataset')).toHaveCount(0);

  // Two outputs can't be joined either.
  await fitView(page);
  await dragHandle(page, handle(page, 'Dataset', 'output', 'Images', 'dataset'), handle(page, 'Augment Data', 'output', 'Augmented', 'dataset'));
  await expect(message(page, /Can’t connect two outputs/)).toBeVisible();
  await expect(allEdges(page)).toHaveCount(edgesBefore);
});

test('a node error appears when an input is disconnected or a value is invalid, and disappears when fixed', async ({ page }) => {
  await openEditor(page);
  const train = node(page, 'Train');
  await expect(train.getByRole('img', { name: 'Valid' })).toBeVisible();

  // Disconnect Train's required data input from its inspector.
  await selectNode(page, 'Train');
  const dataSource = inspector(page, 'Train').getByRole('combobox', { name: 'Train input Data (dataset) source' });
  await dataSource.selectOption({ label: '— not connected —' });
  await expect(train.getByRole('img', { name: '1 problem' })).toBeVisible();
  await expect(train.getByRole('list', { name: 'Train problems' })).toContainText(/Data/i);
  const problemLink = page.getByRole('link', { name: /Train/ }).first();
  await expect(problemLink).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Problems/ })).toContainText('1 error');

  // Fix it by choosing the source again.
  await dataSource.selectOption({ label: 'Augment Data → Augmented' });
  await expect(train.getByRole('img', { name: 'Valid' })).toBeVisible();
  await expect(train.getByRole('list', { name: 'Train problems' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: /^Problems/ })).toContainText('none');

  // An out-of-range value is shown as an error on the field and not applied.
  const epochs = inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' });
  const before = await epochs.inputValue();
  await epochs.fill('0');
  await expect(inspector(page, 'Train').getByRole('alert').filter({ hasText: /Epochs/ })).toBeVisible();
  await expect(epochs).toHaveAttribute('aria-invalid', 'true');
  // Not applied, but not silent either: the invalid draft is a problem on the node until fixed.
  await expect(train).toContainText(`Epochs ${before}`);
  await expect(train.getByRole('img', { name: '1 problem' })).toBeVisible();
  await epochs.fill('7');
  await epochs.press('Enter');
  await expect(epochs).not.toHaveAttribute('aria-invalid', 'true');
  await expect(inspector(page, 'Train').getByRole('alert').filter({ hasText: /Epochs/ })).toHaveCount(0);
  await expect(train).toContainText('Epochs 7');
  expect(before).not.toBe('7');
});

test('undo and redo, with the keyboard and the buttons', async ({ page }) => {
  await openEditor(page);
  const undo = page.getByRole('toolbar', { name: 'Edit tools' }).getByRole('button', { name: 'Undo' });
  const redo = page.getByRole('toolbar', { name: 'Edit tools' }).getByRole('button', { name: 'Redo' });

  await paletteButton(page, 'Hyperparameter Tune').click();
  await expect(node(page, 'Hyperparameter Tune')).toBeVisible();
  await expect(allNodes(page)).toHaveCount(TEMPLATE_TITLES.length + 1);

  // Keyboard (focus on the canvas, not in a text field).
  await canvas(page).getByText('Evaluate', { exact: true }).first().click();
  await page.keyboard.press('Control+z');
  await expect(node(page, 'Hyperparameter Tune')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(node(page, 'Hyperparameter Tune')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(node(page, 'Hyperparameter Tune')).toHaveCount(0);
  await page.keyboard.press('Control+y');
  await expect(node(page, 'Hyperparameter Tune')).toBeVisible();

  // Buttons.
  await undo.click();
  await expect(node(page, 'Hyperparameter Tune')).toHaveCount(0);
  await expect(redo).toBeEnabled();
  await redo.click();
  await expect(node(page, 'Hyperparameter Tune')).toBeVisible();
  await expect(redo).toBeDisabled();

  // Deleting a connected node and undoing brings back its connections too.
  await selectNode(page, 'Evaluate');
  await page.getByRole('toolbar', { name: 'Edit tools' }).getByRole('button', { name: 'Delete' }).click();
  await expect(node(page, 'Evaluate')).toHaveCount(0);
  await expect(edge(page, 'Train', 'Evaluate', 'trained model')).toHaveCount(0);
  await undo.click();
  await expect(node(page, 'Evaluate')).toBeVisible();
  await expect(edge(page, 'Train', 'Evaluate', 'trained model')).toHaveCount(1);
});

test('export and import round-trip the graph', async ({ page }) => {
  await openEditor(page);
  // Make the graph distinctive: a renamed graph with an extra node and a changed setting.
  await page.getByRole('textbox', { name: 'Graph name' }).fill('Round trip check');
  await page.getByRole('textbox', { name: 'Graph name' }).press('Enter');
  await paletteButton(page, 'Hyperparameter Tune').click();
  await expect(node(page, 'Hyperparameter Tune')).toBeVisible();
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await selectNode(page, 'Train');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).fill('9');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
  await expect(node(page, 'Train')).toContainText('Epochs 9');
  const names = await nodeNames(page);
  const edgeCount = await allEdges(page).count();

  const downloadP = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloadP;
  expect(download.suggestedFilename()).toBe('round-trip-check.graft.json');
  const file = path.join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(saved.nodes).toHaveLength(names.length);

  // Start over, then import the file.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(allNodes(page)).toHaveCount(0);
  await page.getByLabel('Import graph file').setInputFiles(file);
  await expect(message(page, /Imported “Round trip check”/)).toBeVisible();
  await expect(allNodes(page)).toHaveCount(names.length);
  expect(await nodeNames(page)).toEqual(names);
  await expect(allEdges(page)).toHaveCount(edgeCount);
  await expect(page.getByRole('textbox', { name: 'Graph name' })).toHaveValue('Round trip check');
  await selectNode(page, 'Train');
  await expect(inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' })).toHaveValue('9');
});

test('a bad import file shows a clear message and keeps the canvas', async ({ page }) => {
  await openEditor(page);
  const names = await nodeNames(page);

  const broken = path.join(tmp, 'broken.graft.json');
  fs.writeFileSync(broken, '{ "version": 1, "nodes": [ this is not json');
  await page.getByLabel('Import graph file').setInputFiles(broken);
  await expect(message(page, /Could not import “broken\.graft\.json”/)).toBeVisible();
  expect(await nodeNames(page)).toEqual(names);

  // Valid JSON that is not a Graft graph.
  const other = path.join(tmp, 'package.json');
  fs.writeFileSync(other, JSON.stringify({ name: 'something-else', dependencies: {} }));
  await page.getByLabel('Import graph file').setInputFiles(other);
  await expect(message(page, /Could not import “package\.json”/)).toBeVisible();
  expect(await nodeNames(page)).toEqual(names);
});

test('View code shows the program and follows the chosen pretrained model', async ({ page }) => {
  await openEditor(page);
  await page.getByRole('button', { name: 'View code' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generated code' });
  await expect(dialog).toBeVisible();
  const code = dialog.getByLabel('Generated TensorFlow.js code');
  await expect(code).toContainText('graft-shapes-cnn');
  await expect(code).not.toContainText('mobilenet-v1-0.25-224');
  await expect(dialog.getByRole('button', { name: 'Copy code' })).toBeEnabled();
  // Download gives exactly the program shown: runnable with `npx tsx graft-pipeline.ts --dataset <dir> --json`.
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download code' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('graft-pipeline.ts');
  const downloaded = fs.readFileSync((await download.path())!, 'utf8');
  expect(downloaded).toContain('runProgram(config, process.argv.slice(2))');
  expect(downloaded.trim()).toBe(((await code.textContent()) ?? '').trim());
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  await selectNode(page, 'Pretrained Model');
  const picker = inspector(page, 'Pretrained Model').getByRole('combobox', { name: 'Pretrained model' });
  const mobilenet = picker.getByRole('option', { name: /^MobileNet v1 \(α 0\.25/ });
  await expect(mobilenet).toHaveCount(1);
  await picker.selectOption({ label: (await mobilenet.textContent())!.trim() });
  // The card names the model (its catalog title), not its id.
  await expect(node(page, 'Pretrained Model')).toContainText('MobileNet v1 (α 0.25, 224px)');

  await page.getByRole('button', { name: 'View code' }).click();
  await expect(dialog).toBeVisible();
  await expect(code).toContainText('mobilenet-v1-0.25-224');
  await expect(code).not.toContainText('graft-shapes-cnn');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
