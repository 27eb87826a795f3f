/**
 * Sharing a graph together with its dataset (issue #5): images uploaded in the Dataset inspector live only in this
 * browser; "Include dataset images" in the Share popover uploads them with the graph, so someone opening the link in
 * another browser profile sees the classes and can run it. Driven by role + accessible name only.
 */
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { inspector, message, openEditor, selectNode, waitSaved } from './helpers';

const CLASSES = ['red', 'green', 'blue'];
const PER_CLASS = 10;
let uploadRoot: string;
let folder: string;

/** 40 px images: a dominant colour per class plus per-image texture, so the classes are learnable. */
function makePng(cls: number, index: number): Buffer {
  const size = 40;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const texture = ((x * (index + 3) + y * 7) % 60) - 30;
      png.data[i] = cls === 0 ? 210 + (texture >> 2) : 60 + texture;
      png.data[i + 1] = cls === 1 ? 200 + (texture >> 2) : 60 - (texture >> 1);
      png.data[i + 2] = cls === 2 ? 215 + (texture >> 2) : 50 + (texture >> 1);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

test.beforeAll(() => {
  uploadRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-e2e-share-dataset-'));
  folder = path.join(uploadRoot, 'colours');
  CLASSES.forEach((cls, c) => {
    fs.mkdirSync(path.join(folder, cls), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) fs.writeFileSync(path.join(folder, cls, `${cls}-${i}.png`), makePng(c, i));
  });
});

test.afterAll(() => fs.rmSync(uploadRoot, { recursive: true, force: true }));

test.use({ viewport: { width: 1600, height: 1100 } });

const datasetSource = (page: Page) => inspector(page, 'Dataset').getByRole('combobox', { name: 'Dataset source' });

async function expectClassCounts(page: Page) {
  for (const cls of CLASSES) await expect(page.getByRole('listitem', { name: `Class ${cls}` })).toContainText(`${PER_CLASS} images`);
  const split = page.getByRole('table', { name: 'Split' });
  await expect(split.getByRole('row', { name: /^Total\b/ }).getByRole('cell').first()).toHaveText(String(CLASSES.length * PER_CLASS));
}

test('share a graph with its uploaded dataset; the link opens and runs in another browser profile', async ({ page, browser }) => {
  test.setTimeout(360_000);

  // --- Owner: upload a folder dataset (stored in this browser only).
  await openEditor(page);
  await selectNode(page, 'Dataset');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Upload folder' }).click();
  await (await chooser).setFiles(folder);
  await expect(message(page, `Imported ${CLASSES.length * PER_CLASS} images into ${CLASSES.length} classes`)).toBeVisible({ timeout: 60_000 });
  await expect(datasetSource(page)).toHaveValue(/^local:/);
  await waitSaved(page);

  // --- Share with the dataset images.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const share = page.getByRole('dialog', { name: 'Share link' });
  const linkBox = share.getByRole('textbox', { name: 'Share link URL' });
  await expect(linkBox).toHaveValue(/\/g\/[^/]+$/);
  const include = share.getByRole('checkbox', { name: 'Include dataset images' });
  await expect(include).not.toBeChecked();
  await expect(include).toBeEnabled();
  await expect(share).toContainText(`${CLASSES.length * PER_CLASS} images`);
  // The images travel through an upload session (start, batches, finish), not the one-shot dataset.upload.
  const uploadCalls: string[] = [];
  page.on('request', (r) => {
    const m = /\/api\/trpc\/(dataset\.upload\w*)/.exec(new URL(r.url()).pathname);
    if (m && r.method() === 'POST') uploadCalls.push(m[1]!);
  });
  await include.check();
  await expect(share.getByRole('status').filter({ hasText: `Dataset images included: ${CLASSES.length * PER_CLASS} images` })).toBeVisible({
    timeout: 60_000,
  });
  expect(uploadCalls[0]).toBe('dataset.uploadStart');
  expect(uploadCalls.at(-1)).toBe('dataset.uploadFinish');
  expect(uploadCalls.filter((c) => c === 'dataset.uploadImages').length).toBeGreaterThanOrEqual(1);
  expect(uploadCalls).not.toContain('dataset.upload');
  await expect(include).toBeChecked();
  const link = await linkBox.inputValue();
  await share.getByRole('button', { name: 'Close' }).click();

  // The Dataset node now points at the shared copy, as an undoable edit; the browser copy is still there.
  await expect(datasetSource(page)).toHaveValue(/^shared:/);
  await expect(inspector(page, 'Dataset')).toContainText('Shared with this graph');
  const tools = page.getByRole('toolbar', { name: 'Edit tools' });
  await tools.getByRole('button', { name: 'Undo' }).click();
  await expect(datasetSource(page)).toHaveValue(/^local:/);
  await expectClassCounts(page);
  await tools.getByRole('button', { name: 'Redo' }).click();
  await expect(datasetSource(page)).toHaveValue(/^shared:/);
  await waitSaved(page);

  // --- Visitor: a fresh profile (no IndexedDB copy, no edit token) opens the link.
  const visitorContext = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
  const visitor = await visitorContext.newPage();
  try {
    await visitor.goto(new URL(link).pathname);
    await expect(visitor.getByRole('region', { name: 'Read-only notice' })).toBeVisible({ timeout: 30_000 });
    await selectNode(visitor, 'Dataset');
    await expect(datasetSource(visitor)).toHaveValue(/^shared:/);
    await expect(inspector(visitor, 'Dataset')).toContainText('Shared with this graph');
    await expectClassCounts(visitor);
    const thumbs = visitor.getByRole('list', { name: `Example images of ${CLASSES[0]}` });
    await thumbs.scrollIntoViewIfNeeded();
    await expect(thumbs.getByRole('img').first()).toBeVisible();
    await expect.poll(() => thumbs.getByRole('img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40);
    // Not flagged as a missing dataset.
    await expect(visitor.getByRole('list', { name: 'Dataset problems' })).toHaveCount(0);

    // Run it: the worker downloads and decodes the shared images and trains.
    await visitor.getByRole('button', { name: 'Run', exact: true }).click();
    const perClass = visitor.getByRole('table', { name: 'Per-class metrics' });
    await expect(perClass).toBeVisible({ timeout: 240_000 });
    for (const cls of CLASSES) await expect(perClass).toContainText(cls);
    await expect(visitor.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
  } finally {
    await visitorContext.close();
  }
});
