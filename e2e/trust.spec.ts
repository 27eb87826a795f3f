/**
 * Results you can trust and share (issue #14): runs compared in the history get a McNemar p-value and a verdict;
 * Repeat with N seeds reports mean ± sd; an author shares the link with the trained model and a second browser
 * profile gets a Try it prediction without training and a Re-run and check that matches; the exported web demo,
 * served by a plain static file server, classifies an image.
 */
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { inspector, node, openEditor, selectNode, waitSaved } from './helpers';

test.use({ viewport: { width: 1600, height: 1100 } });

const runPanel = (page: Page) => page.getByRole('region', { name: 'Run panel' });
const progress = (page: Page) => runPanel(page).getByRole('progressbar', { name: 'Training progress' });

async function runAndWait(page: Page) {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(progress(page)).toHaveAttribute('aria-valuetext', /Finished/, { timeout: 240_000 });
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

async function setEpochs(page: Page, epochs: number) {
  await selectNode(page, 'Train');
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).fill(String(epochs));
  await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
  await expect(node(page, 'Train')).toContainText(`Epochs ${epochs}`);
}

/** A small PNG (a filled disc on a plain background) to classify. */
function samplePng(): Buffer {
  const side = 64;
  const png = new PNG({ width: side, height: side });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y * side + x) * 4;
      const inside = (x - 32) ** 2 + (y - 32) ** 2 < 20 ** 2;
      png.data[i] = inside ? 240 : 30;
      png.data[i + 1] = inside ? 200 : 30;
      png.data[i + 2] = inside ? 40 : 60;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

test('history: Compare two runs on the same split gives a p-value; Repeat with seeds gives mean ± sd', async ({ page }) => {
  test.setTimeout(600_000);
  await openEditor(page);
  await setEpochs(page, 3);
  await runAndWait(page);
  await setEpochs(page, 6);
  await runAndWait(page);

  const history = runPanel(page).getByRole('region', { name: 'Run history' });
  const boxes = history.getByRole('checkbox', { name: /^Select run from .* for comparison$/ });
  await expect(boxes).toHaveCount(2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await history.getByRole('button', { name: 'Compare', exact: true }).click();
  const comparison = history.getByRole('region', { name: 'Run comparison' });
  await expect(comparison.getByRole('table', { name: 'Agreement per test image' })).toBeVisible();
  await expect(comparison.getByTestId('compare-p')).toHaveText(/^p [=<] [0-9.]+$/);
  await expect(comparison.getByTestId('compare-verdict')).toHaveText(/(is better than|No evidence of a difference on \d+ test images)/);
  test.info().annotations.push({ type: 'compare', description: (await comparison.getByTestId('compare-verdict').textContent()) ?? '' });

  // Repeat: 2 seeds (count adjustable), each run listed, mean ± sd on the panel, in Evaluate and in the history.
  const repeat = runPanel(page).getByRole('region', { name: 'Repeat with different seeds' });
  await repeat.getByRole('spinbutton', { name: 'Number of seeds' }).fill('2');
  await repeat.getByRole('button', { name: 'Repeat with 2 seeds' }).click();
  await expect(repeat.getByTestId('repeat-summary')).toContainText(/\d+% ± \d+ over 2 splits/, { timeout: 480_000 });
  await expect(repeat.getByRole('table', { name: 'Repeated runs' }).getByRole('row')).toHaveCount(3);
  await expect(runPanel(page).getByTestId('repeat-headline')).toHaveText(/^\d+% ± \d+ over 2 splits$/);
  await expect(history.getByText(/\(2 seeds\)/)).toBeVisible();
});

test('share with the trained model: a visitor tries it without training, re-runs and checks; the web demo works from a static host', async ({ page, browser }) => {
  test.setTimeout(600_000);
  await openEditor(page);
  await page.getByRole('textbox', { name: 'Graph name' }).fill(`Trusted ${Date.now().toString(36)}`);
  await page.getByRole('textbox', { name: 'Graph name' }).press('Enter');
  await setEpochs(page, 4);
  await waitSaved(page);
  await runAndWait(page);
  const authorAccuracy = (await runPanel(page).getByTestId('test-accuracy').textContent())?.trim();

  // --- Export web demo, unzip it, serve it with a plain static file server, classify an image there.
  const downloadPromise = page.waitForEvent('download');
  await runPanel(page).getByRole('button', { name: 'Export web demo' }).click();
  const download = await downloadPromise;
  const zip = unzipSync(new Uint8Array(fs.readFileSync(await download.path())));
  expect(Object.keys(zip).sort()).toEqual(['README.txt', 'index.html', 'labels.json', 'model/model.json', 'model/weights.bin', 'tf.min.js']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-web-demo-'));
  for (const [name, bytes] of Object.entries(zip)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
  }
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !fs.existsSync(file)) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('content-type', types[path.extname(file)] ?? 'application/octet-stream');
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const demoContext = await browser.newContext({ offline: false });
  try {
    const demo = await demoContext.newPage();
    // Offline apart from the static host: block every other origin.
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await demo.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    await demo.goto(`${origin}/index.html`);
    await expect(demo.getByRole('status')).toHaveText(/Ready/, { timeout: 60_000 });
    await demo.getByLabel('Choose an image').setInputFiles({ name: 'disc.png', mimeType: 'image/png', buffer: samplePng() });
    await expect(demo.getByRole('status')).toHaveText(/^Prediction: .+ \(\d+%\)$/, { timeout: 60_000 });
    await expect(demo.getByRole('list', { name: 'Class probabilities' }).getByRole('listitem')).not.toHaveCount(0);
  } finally {
    await demoContext.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // --- Share with the trained model.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const share = page.getByRole('dialog', { name: 'Share link' });
  const link = await share.getByRole('textbox', { name: 'Share link URL' }).inputValue();
  // A controlled checkbox: it shows checked once the upload is acknowledged.
  await share.getByRole('checkbox', { name: 'Include trained model' }).click();
  await expect(share.getByRole('status').filter({ hasText: /Included the trained model/ })).toBeVisible({ timeout: 60_000 });
  await expect(share.getByRole('checkbox', { name: 'Include trained model' })).toBeChecked();
  await share.getByRole('button', { name: 'Close' }).click();

  // --- Visitor: a fresh profile opens the link; Try it works without pressing Run.
  const visitorContext = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
  try {
    const visitor = await visitorContext.newPage();
    await visitor.goto(new URL(link).pathname);
    const card = runPanel(visitor).getByRole('region', { name: 'Shared trained model' });
    await expect(card.getByTestId('author-metrics')).toContainText(`Author’s result: ${authorAccuracy}`, { timeout: 30_000 });
    await card.getByRole('button', { name: 'Try it', exact: true }).click();
    await expect(card.getByText(/The author’s model is loaded/)).toBeVisible({ timeout: 60_000 });
    await card.getByRole('region', { name: 'Try it' }).getByLabel('Image to classify').setInputFiles({ name: 'disc.png', mimeType: 'image/png', buffer: samplePng() });
    await expect(card.getByRole('list', { name: 'Predictions' }).getByRole('listitem')).not.toHaveCount(0, { timeout: 60_000 });
    await expect(progress(visitor)).toHaveCount(0); // no run happened

    // Re-run and check: the visitor retrains with the author's seeds and gets a verdict.
    await card.getByRole('button', { name: 'Re-run and check' }).click();
    await expect(card.getByTestId('rerun-check')).toHaveText(/Matches the author’s result within noise/, { timeout: 300_000 });
  } finally {
    await visitorContext.close();
  }
});
