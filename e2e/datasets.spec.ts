/**
 * Datasets in the browser: upload a folder of class folders (real photos when ../shared is present, generated PNGs
 * otherwise), see counts / thumbnails / split / skipped files, survive a reload, manage classes, upload the same
 * content as a zip, and train on it. Driven by role + accessible name only.
 */
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';

const sharedDatasets = path.resolve(__dirname, '../../shared/assets/datasets');
const flowers = path.join(sharedDatasets, 'flower_photos');
const PER_CLASS = 10;

let uploadRoot: string;
let folder: string;
let zipPath: string;
let classes: string[];

function makePng(seed: number, index: number): Buffer {
  const size = 48;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = seed === 0 ? 220 : (x * 5 + index * 9) & 255;
      png.data[i + 1] = seed === 1 ? 200 : (y * 3 + index * 7) & 255;
      png.data[i + 2] = seed === 2 ? 230 : ((x + y) * 2) & 255;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

test.beforeAll(() => {
  uploadRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-e2e-datasets-'));
  folder = path.join(uploadRoot, 'flowers');
  const useReal = fs.existsSync(flowers);
  classes = useReal ? ['daisy', 'roses', 'tulips'] : ['red', 'green', 'blue'];
  classes.forEach((cls, c) => {
    fs.mkdirSync(path.join(folder, cls), { recursive: true });
    if (useReal) {
      for (const f of fs.readdirSync(path.join(flowers, cls)).sort().slice(0, PER_CLASS)) {
        fs.copyFileSync(path.join(flowers, cls, f), path.join(folder, cls, f));
      }
    } else {
      for (let i = 0; i < PER_CLASS; i++) fs.writeFileSync(path.join(folder, cls, `img${i}.png`), makePng(c, i));
    }
  });
  // Unusable files: a truncated JPEG and a text file. They must be listed, never crash the import.
  const sample = useReal
    ? fs.readFileSync(path.join(folder, classes[0], fs.readdirSync(path.join(folder, classes[0]))[0]))
    : Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  fs.writeFileSync(path.join(folder, classes[1], 'zz-corrupt.jpg'), sample.subarray(0, Math.min(2000, sample.length - 4)));
  fs.writeFileSync(path.join(folder, classes[2], 'notes.txt'), 'not a picture');

  // The same content as a zip, wrapped in a top-level folder with macOS junk, as Finder's "Compress" makes it.
  const files: Record<string, Uint8Array> = { '__MACOSX/flowers/._junk': new Uint8Array([1, 2, 3]) };
  for (const cls of classes) {
    for (const f of fs.readdirSync(path.join(folder, cls))) files[`flowers/${cls}/${f}`] = fs.readFileSync(path.join(folder, cls, f));
  }
  zipPath = path.join(uploadRoot, 'flowers.zip');
  fs.writeFileSync(zipPath, zipSync(files));
});

test.afterAll(() => fs.rmSync(uploadRoot, { recursive: true, force: true }));

async function openDatasetInspector(page: Page) {
  const node = page.getByRole('group', { name: 'Dataset node' }).first();
  await expect(node).toBeVisible({ timeout: 60_000 });
  await node.click();
  await expect(page.getByRole('button', { name: 'Upload folder' })).toBeVisible();
}

async function upload(page: Page, button: 'Upload folder' | 'Upload zip', file: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button }).click();
  await (await chooser).setFiles(file);
  await expect(page.getByText(new RegExp(`Imported ${classes.length * PER_CLASS} images into ${classes.length} classes; 2 files skipped`))).toBeVisible({
    timeout: 60_000,
  });
}

async function expectDatasetShown(page: Page) {
  const split = page.getByRole('table', { name: 'Split' });
  for (const cls of classes) {
    // Default split: 20% test, 15% of the rest for validation → 10 images = 7 train / 1 validation / 2 test.
    await expect(split.getByRole('row', { name: new RegExp(`^${cls}\\b`) }).getByRole('cell')).toHaveText(['10', '7', '1', '2']);
  }
  await expect(split.getByRole('row', { name: /^Total\b/ }).getByRole('cell')).toHaveText(['30', '21', '3', '6']);
  for (const cls of classes) {
    await expect(page.getByRole('listitem', { name: `Class ${cls}` })).toContainText('10 images');
    // Thumbnails are generated lazily, once the class scrolls into view.
    const thumbs = page.getByRole('list', { name: `Example images of ${cls}` });
    await thumbs.scrollIntoViewIfNeeded();
    await expect(thumbs.getByRole('img').first()).toBeVisible({ timeout: 20_000 });
    await expect(thumbs.getByRole('img')).toHaveCount(8);
  }
  const skipped = page.getByRole('list', { name: 'Skipped files' });
  await expect(skipped.getByRole('listitem')).toHaveCount(2);
  await expect(skipped).toContainText(`${classes[1]}/zz-corrupt.jpg — corrupt`);
  await expect(skipped).toContainText(`${classes[2]}/notes.txt — not an image`);
}

test('upload a folder: counts, thumbnails, split, skipped files; survives a reload', async ({ page }) => {
  await page.goto('/');
  await openDatasetInspector(page);
  await upload(page, 'Upload folder', folder);
  await expect(page.getByLabel('Dataset source')).toHaveValue(/^local:/);
  await expectDatasetShown(page);

  // Autosave binds the graph to /g/<id>; reloading must bring back the graph and the images.
  await expect(page).toHaveURL(/\/g\//, { timeout: 30_000 });
  await page.reload();
  await openDatasetInspector(page);
  await expect(page.getByLabel('Dataset source')).toHaveValue(/^local:/);
  await expectDatasetShown(page);

  // Classes: add, rename, delete.
  await page.getByRole('textbox', { name: 'New class name' }).fill('extra');
  await page.getByRole('button', { name: 'Add class' }).click();
  await expect(page.getByRole('listitem', { name: 'Class extra' })).toContainText('0 images');
  await expect(page.getByRole('list', { name: 'Problems with this dataset' })).toContainText('Too few: "extra" (0)');
  await page.getByRole('button', { name: 'Rename class extra' }).click();
  await page.getByRole('textbox', { name: 'New name for class extra' }).fill('bonus');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('listitem', { name: 'Class bonus' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete class bonus' }).click();
  await expect(page.getByRole('listitem', { name: 'Class bonus' })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Problems with this dataset' })).toHaveCount(0);

  // Deleting a class with images asks first.
  await page.getByRole('button', { name: `Delete class ${classes[2]}` }).click();
  await page.getByRole('button', { name: `Confirm delete class ${classes[2]}` }).click();
  await expect(page.getByRole('listitem', { name: `Class ${classes[2]}` })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Split' }).getByRole('row', { name: /^Total\b/ }).getByRole('cell').first()).toHaveText('20');
});

test('a new empty dataset explains what is missing; a zip of the same class folders replaces its empty classes', async ({ page }) => {
  await page.goto('/');
  await openDatasetInspector(page);
  await page.getByRole('button', { name: 'New dataset' }).click();
  await expect(page.getByRole('listitem', { name: 'Class Class 1' })).toBeVisible();
  const problems = page.getByRole('list', { name: 'Problems with this dataset' });
  await expect(problems).toContainText('at least 2 classes with images');
  await expect(problems).toContainText('Each class needs at least 3 images');
  await expect(page.getByRole('button', { name: 'Record webcam burst for Class 1' })).toBeVisible();

  // Upload zip into the new dataset: the same dataset as the folder upload, without the empty placeholders.
  await upload(page, 'Upload zip', zipPath);
  await expectDatasetShown(page);
  await expect(page.getByRole('listitem', { name: /^Class Class [12]$/ })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Problems with this dataset' })).toHaveCount(0);
});

test('train the pipeline on uploaded photos', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await openDatasetInspector(page);
  await upload(page, 'Upload folder', folder);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const perClass = page.getByRole('table', { name: 'Per-class metrics' });
  await expect(perClass).toBeVisible({ timeout: 240_000 });
  for (const cls of classes) await expect(perClass).toContainText(cls);
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
});
