/**
 * A student's first hour (issue #16): the graph stays in view and readable, the page never scrolls, invalid drafts
 * are problems (never applied), lessons open prepared graphs, reload keeps the graph and its last results, and axe
 * finds no serious or critical violations. Short tests on the built-in tiny dataset with few epochs.
 */
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { TEMPLATE_TITLES, allNodes, canvas, inspector, node, openEditor, selectNode, waitSaved } from './helpers';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
];

/** Every template node's box lies inside the visible canvas (not under the dock, toolbar or side panels). */
async function expectNodesInsideCanvas(page: Page) {
  const box = await canvas(page).boundingBox();
  expect(box).not.toBeNull();
  for (const title of TEMPLATE_TITLES) {
    const b = await node(page, title).boundingBox();
    expect(b, title).not.toBeNull();
    const where = `${title} ${JSON.stringify(b)} in canvas ${JSON.stringify(box)}`;
    expect(b!.x, where).toBeGreaterThanOrEqual(box!.x - 0.5);
    expect(b!.y, where).toBeGreaterThanOrEqual(box!.y - 0.5);
    expect(b!.x + b!.width, where).toBeLessThanOrEqual(box!.x + box!.width + 0.5);
    expect(b!.y + b!.height, where).toBeLessThanOrEqual(box!.y + box!.height + 0.5);
  }
}

/** The document itself never scrolls: the app shell is exactly the viewport. */
async function expectNoDocumentScroll(page: Page) {
  const m = await page.evaluate(() => ({
    scrollY: window.scrollY,
    scrollX: window.scrollX,
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
    vh: window.innerHeight,
    vw: window.innerWidth,
  }));
  expect(m.scrollY, JSON.stringify(m)).toBe(0);
  expect(m.scrollX, JSON.stringify(m)).toBe(0);
  expect(m.height, JSON.stringify(m)).toBeLessThanOrEqual(m.vh);
  expect(m.width, JSON.stringify(m)).toBeLessThanOrEqual(m.vw);
}

/** On-screen size (px) of node titles and summaries: computed font size × the canvas zoom. */
async function onScreenFontSizes(page: Page) {
  return page.evaluate(() => {
    const vp = document.querySelector('.react-flow__viewport') as HTMLElement;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(vp).transform).a;
    const size = (sel: string) =>
      [...document.querySelectorAll(sel)].map((e) => parseFloat(getComputedStyle(e).fontSize) * zoom);
    return { zoom, titles: size('.gn-title'), summaries: size('.gn-summary') };
  });
}

async function setEpochs(page: Page, epochs: number) {
  await selectNode(page, 'Train');
  const field = inspector(page, 'Train').getByRole('spinbutton', { name: 'Epochs' });
  await field.fill(String(epochs));
  await field.press('Enter');
  await expect(node(page, 'Train')).toContainText(`Epochs ${epochs}`);
}

async function runAndWait(page: Page) {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Run panel' });
  await expect(panel.getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute('aria-valuenow', '100', { timeout: 50_000 });
  await expect(panel.getByRole('region', { name: 'Evaluation' })).toBeVisible();
}

async function expectNoSeriousAxeViolations(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`).join('\n');
  expect(serious, `${where}:\n${report}`).toEqual([]);
}

for (const size of SIZES) {
  test(`layout at ${size.width}×${size.height}: one-row toolbar, no document scroll, every node in view`, async ({ page }) => {
    await page.setViewportSize(size);
    await openEditor(page);
    await page.waitForTimeout(400); // the initial fit settles
    await expectNoDocumentScroll(page);
    const toolbar = page.getByRole('toolbar', { name: 'Graph toolbar' });
    expect((await toolbar.boundingBox())!.height).toBeLessThan(56);
    // Save/share and Run never fall off the right edge.
    for (const name of ['Run', 'Share']) {
      const b = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(b.x + b.width, name).toBeLessThanOrEqual(size.width);
    }
    await expectNodesInsideCanvas(page);
    if (size.width === 1280) {
      const f = await onScreenFontSizes(page);
      test.info().annotations.push({ type: 'fonts at default fit', description: JSON.stringify(f) });
      expect(Math.min(...f.titles)).toBeGreaterThanOrEqual(12);
      expect(Math.min(...f.summaries)).toBeGreaterThanOrEqual(11);
      // Summaries name things instead of showing ids.
      await expect(node(page, 'Dataset')).toContainText('Shapes');
      await expect(node(page, 'Pretrained Model')).toContainText('Graft Shapes CNN');
    }
    // Tabbing through every control never scrolls the page.
    for (let i = 0; i < 70; i++) await page.keyboard.press('Tab');
    await expectNoDocumentScroll(page);
  });
}

test('an invalid learning rate is a problem, blocks Run with the reason and is never applied', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openEditor(page);
  await selectNode(page, 'Train');
  const lr = inspector(page, 'Train').getByRole('spinbutton', { name: 'Learning rate' });
  await lr.fill('');
  // Typed key by key: the intermediate "1" must never reach the graph.
  await lr.pressSequentially('1e-9', { delay: 60 });
  await expect(node(page, 'Train')).toContainText('Learning rate 0.001');
  await lr.press('Tab');
  await expect(node(page, 'Train')).toContainText('Learning rate 0.001');
  const problems = page.getByRole('region', { name: 'Problems' }).or(page.locator('section.problems'));
  await expect(problems.getByRole('link', { name: /Train.*Learning rate/ })).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('alert', { name: 'Problems blocking the run' })).toContainText('Learning rate');
  await expect(page.getByRole('progressbar', { name: 'Training progress' })).toHaveCount(0);
  // Fixed: applied on leaving the field, and the problem is gone.
  await lr.fill('0.01');
  await lr.press('Tab');
  await expect(node(page, 'Train')).toContainText('Learning rate 0.01');
  await expect(problems.getByRole('link', { name: /Learning rate/ })).toHaveCount(0);
});

/** The lesson files as shipped (plain data in lessons/): title, side text and the graph each opens. */
const LESSONS = fs
  .readdirSync(path.resolve(__dirname, '../lessons'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.resolve(__dirname, '../lessons', f), 'utf8')) as { title: string; text: string[]; graph: { nodes: unknown[] } });

test('every lesson opens its prepared graph with side text and a question, and the graph compiles', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openEditor(page);
  const menu = page.getByRole('combobox', { name: 'Lessons' });
  // The menu lists every lesson file.
  await expect(menu.getByRole('option')).toHaveText(['Lessons…', ...LESSONS.map((l) => l.title)]);
  for (const lesson of LESSONS) {
    await menu.selectOption({ label: lesson.title });
    const side = page.getByRole('region', { name: `Lesson: ${lesson.title}` });
    await expect(side).toBeVisible();
    await expect(side).toContainText(lesson.text[0]);
    await expect(side).toContainText('Question');
    await expect(allNodes(page)).toHaveCount(lesson.graph.nodes.length);
    // The lesson's graph compiles: no errors (and nothing left over from the previous graph).
    await expect(page.getByRole('heading', { name: /^Problems/ })).not.toContainText('error');
  }
  // A lesson's own settings are on its nodes.
  await menu.selectOption({ label: 'The learning rate' });
  await expect(node(page, 'Train')).toContainText('Learning rate 0.3');
  await expectNoDocumentScroll(page);
});

test('after a run: every node in view with results open, reload keeps graph and results, axe finds nothing serious', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openEditor(page);
  await setEpochs(page, 2);
  await runAndWait(page);
  // The run summary: one line per node, as each node definition words it (Train: epochs run and backend).
  const summary = page.getByRole('region', { name: 'Run summary' });
  await expect(summary.getByRole('listitem')).toHaveCount(TEMPLATE_TITLES.length);
  await expect(summary).toContainText(/Train — 2 epochs on \w+/);
  // The canvas re-fits after the dock grew and the cards got their "Done" chips.
  await expect(async () => expectNodesInsideCanvas(page)).toPass({ timeout: 5_000 });
  await expectNoDocumentScroll(page);
  // The same with results open at the other sizes (the canvas re-fits when the window changes size).
  for (const size of SIZES.slice(1)) {
    await page.setViewportSize(size);
    await expect(async () => expectNodesInsideCanvas(page)).toPass({ timeout: 5_000 });
    await expectNoDocumentScroll(page);
  }
  await page.setViewportSize(SIZES[0]);
  await expect(async () => expectNodesInsideCanvas(page)).toPass({ timeout: 5_000 });
  await expectNoSeriousAxeViolations(page, 'editor after a run');

  // "Choose image…" is a button, and focusing it doesn't scroll the page.
  const choose = page.getByRole('button', { name: 'Choose image…' });
  await choose.focus();
  await expectNoDocumentScroll(page);

  await waitSaved(page);
  const url = page.url();
  expect(url).toMatch(/\/g\//);
  const accuracy = await page.getByTestId('test-accuracy').textContent();
  await page.reload();
  await expect(allNodes(page)).toHaveCount(TEMPLATE_TITLES.length, { timeout: 30_000 });
  await expect(node(page, 'Train')).toContainText('Epochs 2');
  await expect(page.getByTestId('test-accuracy')).toHaveText(accuracy ?? '%', { timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'What does this mean?' })).toContainText('chance');
  await expect(page.getByRole('region', { name: 'Run summary' })).toContainText(/Train — 2 epochs/);

  // "/" reopens the graph this browser last edited.
  await page.goto('/');
  await expect(page).toHaveURL(url, { timeout: 15_000 });

  // The read-only view (another browser) and My graphs.
  // axe's Playwright builder needs a page of a context made with browser.newContext().
  const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const visitor = await visitorContext.newPage();
  await visitor.goto(url);
  await expect(allNodes(visitor)).toHaveCount(TEMPLATE_TITLES.length, { timeout: 30_000 });
  await expectNoSeriousAxeViolations(visitor, 'read-only view');
  await visitorContext.close();
  await page.goto('/mine');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoSeriousAxeViolations(page, 'My graphs');
});
