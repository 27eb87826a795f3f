/**
 * Shared e2e helpers. Everything is found by ARIA role + accessible name, as a user (or a screen reader) would:
 * no test ids, no app internals.
 */
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

export const NODE_TITLES = [
  'Dataset',
  'Pretrained Model',
  'Freeze Layers',
  'Add Head',
  'Augment Data',
  'Train',
  'Hyperparameter Tune',
  'Evaluate',
] as const;

/** The template pipeline's node titles (Dataset → Augment Data → Train ← Add Head ← Freeze Layers ← Pretrained Model, Train → Evaluate). */
export const TEMPLATE_TITLES = ['Dataset', 'Augment Data', 'Pretrained Model', 'Freeze Layers', 'Add Head', 'Train', 'Evaluate'];

export const canvas = (page: Page) => page.getByRole('main', { name: 'Graph canvas' });

/** A node on the canvas: React Flow renders it as a group named "<Title> node". */
export const node = (page: Page, title: string) => canvas(page).getByRole('group', { name: `${title} node`, exact: true });

/** Every node on the canvas. */
export const allNodes = (page: Page) => canvas(page).getByRole('group', { name: / node$/ });

/** A node's handle, e.g. handle(page, 'Train', 'input', 'Data', 'dataset') → "Train input Data (dataset)". */
export const handle = (page: Page, title: string, side: 'input' | 'output', port: string, type: string) =>
  page.getByRole('button', { name: `${title} ${side} ${port} (${type})`, exact: true });

/** A connection (React Flow edges are focusable groups). */
export const edge = (page: Page, from: string, to: string, type: string) =>
  canvas(page).getByRole('group', { name: `Connection from ${from} to ${to} (${type})`, exact: true });

export const allEdges = (page: Page) => canvas(page).getByRole('group', { name: /^Connection from / });

export const paletteButton = (page: Page, title: string) =>
  page.getByRole('navigation', { name: 'Node palette' }).getByRole('button', { name: title, exact: true });

export const inspector = (page: Page, title: string) => page.getByRole('region', { name: `Inspector: ${title}`, exact: true });

/** Status/alert messages (Next.js adds an empty route-announcer alert, so always match by text). */
export const message = (page: Page, text: string | RegExp) =>
  page.getByRole('status').filter({ hasText: text }).or(page.getByRole('alert').filter({ hasText: text }));

/** Open the editor on "/" and wait for the template pipeline to be drawn. */
export async function openEditor(page: Page) {
  await page.goto('/');
  await expect(canvas(page)).toBeVisible();
  await expect(allNodes(page)).toHaveCount(TEMPLATE_TITLES.length, { timeout: 30_000 });
}

/**
 * Select a node from the keyboard, as a keyboard user would: focus its card (React Flow pans it into view) and press
 * Enter. Works whatever covers or clips the card at the moment (a shrunken canvas, the minimap).
 */
export async function selectNode(page: Page, title: string) {
  const n = node(page, title);
  await n.focus();
  await page.keyboard.press('Enter');
  await expect(inspector(page, title)).toBeVisible();
}

/** Press-drag-release from one handle to another with real mouse events, the way React Flow expects a connection. */
export async function dragHandle(page: Page, from: Locator, to: Locator, { requireReachable = true } = {}) {
  await from.scrollIntoViewIfNeeded();
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('handle not visible');
  const ax = a.x + a.width / 2;
  const ay = a.y + a.height / 2;
  const bx = b.x + b.width / 2;
  const by = b.y + b.height / 2;
  // Fail clearly if something (a floating toolbar, another node) covers the handle. (Read-only handles take no
  // pointer events at all, so that check is skipped when trying to edit a read-only graph.)
  const covered = await from.evaluate((el, [x, y]) => {
    const top = document.elementFromPoint(x, y);
    return top && (top === el || el.contains(top)) ? null : (top?.outerHTML.slice(0, 120) ?? 'nothing');
  }, [ax, ay]);
  if (covered && requireReachable) throw new Error(`the handle is covered by ${covered}`);
  await page.mouse.move(ax, ay);
  await page.mouse.down();
  await page.mouse.move(ax + 12, ay + 6, { steps: 3 });
  await page.mouse.move(bx, by, { steps: 12 });
  await page.mouse.move(bx + 1, by, { steps: 1 });
  await page.mouse.up();
}

/**
 * Fit the whole graph into the view (React Flow's "Fit View" control), then zoom out one step so nodes at the
 * edges are clear of the floating edit tools and every handle can be reached.
 */
export async function fitView(page: Page) {
  // fitView/zoom animate; let them settle before measuring handle positions.
  await page.getByRole('button', { name: 'Fit View' }).click();
  await page.waitForTimeout(400);
  await page.getByRole('button', { name: 'Zoom Out' }).click();
  await page.waitForTimeout(400);
}

/** Names of the nodes on the canvas, sorted (for comparing graphs). */
export async function nodeNames(page: Page): Promise<string[]> {
  const names = await allNodes(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return names.sort();
}

/** Wait until autosave reports the graph as saved (and therefore bound to /g/<id>). */
export async function waitSaved(page: Page) {
  await expect(page.getByRole('status', { name: 'Save status: Saved' })).toBeVisible({ timeout: 30_000 });
}

/** Serve the app as a proxy that drops COOP/COEP would: not cross-origin isolated, so no SharedArrayBuffer and no
 * WebAssembly threads (used by the fallback e2e and by `npm run bench:browser`). */
export async function serveWithoutIsolation(target: Page | BrowserContext) {
  await target.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-embedder-policy'];
    delete headers['cross-origin-opener-policy'];
    await route.fulfill({ response, headers });
  });
}
