/**
 * Seeing inside (issue #11), by role and name: after a Run of the template, a confusion cell opens its images,
 * "Show heatmaps" draws overlays, the feature map has one dot per image, "Which layer to cut?" draws one point per
 * candidate layer, the data-efficiency curve has both trunks — and every view leaves the worker's tensor count
 * where it found it.
 */
import { test, expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { inspector, node, openEditor, selectNode } from './helpers';

const panel = (page: Page) => page.getByRole('region', { name: 'Run panel' });

async function expectNoViewLeak(page: Page, view: string) {
  const note = panel(page).getByRole('status', { name: 'View tensor memory' });
  await expect(note).toContainText(view);
  const text = (await note.textContent()) ?? '';
  const m = text.match(/tensors (\d+) before → (\d+) after/);
  expect(m, text).not.toBeNull();
  test.info().annotations.push({ type: `tensors (${view})`, description: text });
  expect(Number(m![2])).toBe(Number(m![1]));
}

test.describe.serial('seeing inside a trained model', () => {
  let page: Page;
  let split = { train: 0, validation: 0, test: 0 };

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
  });
  test.afterAll(async () => {
    await page?.close();
  });

  test('run the template, then drill into a confusion cell', async () => {
    test.setTimeout(360_000);
    await openEditor(page);
    await page.getByRole('combobox', { name: 'Start from template' }).selectOption({ label: 'Transfer learning pipeline' });
    await expect(node(page, 'Train')).toBeVisible();
    await selectNode(page, 'Train');
    await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).fill('8');
    await inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
    await expect(node(page, 'Train')).toContainText('Epochs 8');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(panel(page).getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute('aria-valuetext', /Finished/, {
      timeout: 300_000,
    });
    const sizes = (await panel(page).getByText(/^\d+\/\d+\/\d+$/).first().textContent())!.split('/').map(Number);
    split = { train: sizes[0], validation: sizes[1], test: sizes[2] };

    const drill = panel(page).getByRole('region', { name: 'Confusion matrix drill-down' });
    const cells = drill.getByRole('button', { name: / predicted as .+: \d+ images?$/ });
    const labels = await drill.getByRole('rowheader').allTextContents();
    await expect(cells).toHaveCount(labels.length * labels.length);
    // The first non-empty cell (keyboard: focus it and press Enter).
    const names = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const target = names.find((n) => !/: 0 images$/.test(n))!;
    const count = Number(target.match(/: (\d+) images?$/)![1]);
    const cell = drill.getByRole('button', { name: target, exact: true });
    await cell.focus();
    await page.keyboard.press('Enter');
    await expect(cell).toHaveAttribute('aria-pressed', 'true');
    const [trueLabel, predicted] = target.replace(/: \d+ images?$/, '').split(' predicted as ');
    const gallery = drill.getByRole('list', { name: `Images: ${trueLabel} predicted as ${predicted}` });
    await expect(gallery.getByRole('listitem').filter({ has: page.getByRole('list', { name: /^Predicted probabilities/ }) })).toHaveCount(count);
    await expect(gallery.getByRole('img', { name: new RegExp(`^Test image .*: true ${trueLabel}, predicted ${predicted}$`) })).toHaveCount(count, {
      timeout: 30_000,
    });
  });

  test('Show heatmaps draws overlays on the drill-down and the mistakes; opacity and class apply', async () => {
    test.setTimeout(120_000);
    const drill = panel(page).getByRole('region', { name: 'Confusion matrix drill-down' });
    const shownImages = await drill.getByRole('img', { name: /^Test image / }).count();
    await panel(page).getByRole('checkbox', { name: 'Show heatmaps' }).check();
    const overlays = drill.getByRole('img', { name: /^Heatmap: where the model sees / });
    await expect(overlays).toHaveCount(shownImages, { timeout: 60_000 });
    // The overlay really has pixels (a non-transparent heatmap was painted).
    const painted = await overlays.first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let alpha = 0;
      for (let i = 3; i < d.length; i += 4) alpha += d[i];
      return alpha;
    });
    expect(painted).toBeGreaterThan(0);
    await panel(page).getByRole('slider', { name: 'Heatmap opacity' }).fill('0.8');
    await expect(overlays.first()).toHaveAttribute('data-opacity', '0.8');
    await panel(page).getByRole('combobox', { name: 'Heatmap class' }).selectOption({ label: 'the true class' });
    await expect(overlays).toHaveCount(shownImages, { timeout: 60_000 });
    const mistakes = panel(page).getByRole('region', { name: 'Most confident mistakes' });
    const mistakeCount = await mistakes.getByRole('listitem').count();
    await expect(mistakes.getByRole('img', { name: /^Heatmap: / })).toHaveCount(mistakeCount, { timeout: 60_000 });
    await expectNoViewLeak(page, 'heatmaps');

    // Try it: a dropped image gets its heatmap too.
    const png = new PNG({ width: 48, height: 48 });
    for (let i = 0; i < 48 * 48; i++) {
      const x = i % 48;
      const y = Math.floor(i / 48);
      const inside = x > 14 && x < 34 && y > 10 && y < 38 && Math.abs(x - 24) < (y - 8) / 1.5;
      png.data.set(inside ? [230, 60, 40, 255] : [30, 30, 40, 255], i * 4);
    }
    const tryIt = panel(page).getByRole('region', { name: 'Try it' });
    await tryIt.getByLabel('Image to classify').setInputFiles({ name: 'shape.png', mimeType: 'image/png', buffer: PNG.sync.write(png) });
    await expect(tryIt.getByRole('list', { name: 'Predictions' })).toBeVisible({ timeout: 30_000 });
    await expect(tryIt.getByRole('img', { name: /^Heatmap: where the model sees / })).toHaveCount(1, { timeout: 60_000 });
    await expectNoViewLeak(page, 'Try it heatmap');
  });

  test('the feature map shows one dot per image in both panels', async () => {
    test.setTimeout(180_000);
    const map = panel(page).getByRole('region', { name: 'Feature map' });
    await map.getByRole('button', { name: 'Show feature map' }).click();
    const trunk = map.getByRole('figure', { name: 'Frozen trunk features' });
    await expect(trunk.getByRole('img', { name: `Frozen trunk features: ${split.train + split.test} images` })).toBeVisible({ timeout: 120_000 });
    await expect(trunk.locator('circle')).toHaveCount(split.train + split.test);
    await expect(map.getByRole('figure', { name: /^Head: / }).locator('circle')).toHaveCount(split.train + split.test);
    await expectNoViewLeak(page, 'feature map');
  });

  test('How much data do I need? draws both trunks at every size', async () => {
    test.setTimeout(180_000);
    const card = panel(page).getByRole('region', { name: 'How much data do I need?' });
    await card.getByRole('button', { name: 'How much data do I need?' }).click();
    const chart = card.getByRole('img', { name: /^Test accuracy against training images per class/ });
    await expect(chart).toBeVisible({ timeout: 150_000 });
    const sizes = (await chart.getAttribute('aria-label'))!.split(';').length;
    expect(sizes).toBeGreaterThanOrEqual(3);
    await expect(chart.locator('circle')).toHaveCount(2 * sizes);
    await expectNoViewLeak(page, 'data efficiency');
  });

  test('Which layer to cut? charts one point per candidate and can use a layer', async () => {
    test.setTimeout(180_000);
    await selectNode(page, 'Pretrained Model');
    const sweep = page.getByRole('region', { name: 'Layer sweep' });
    await sweep.getByRole('button', { name: 'Which layer to cut?' }).click();
    const table = sweep.getByRole('table', { name: 'Layer sweep results' });
    await expect(table).toBeVisible({ timeout: 150_000 });
    const candidates = await table.getByRole('radio').count();
    expect(candidates).toBeGreaterThanOrEqual(6);
    const chart = sweep.getByRole('img', { name: /^Validation accuracy of a linear probe per cut layer/ });
    await expect(chart.locator('circle')).toHaveCount(candidates);
    // Pick a shallower layer than the current cut and use it.
    await table.getByRole('radio').nth(2).check();
    const chosen = (await table.getByRole('radio').nth(2).getAttribute('aria-label'))!.split(':')[0];
    await sweep.getByRole('button', { name: 'Use this layer' }).click();
    await expect(sweep.getByRole('button', { name: 'Use this layer' })).toBeDisabled();
    await expect(inspector(page, 'Pretrained Model').getByRole('combobox', { name: 'Cut at layer' })).toHaveValue(chosen);
  });
});
