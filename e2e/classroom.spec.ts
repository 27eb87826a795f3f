/**
 * Classroom (issue #15) with three browser profiles: a teacher turns the template into an assignment with a generated
 * hidden test set; two students join by link, train in their browsers and submit; the leaderboard orders them by
 * score (ties: earliest); the teacher view shows both submissions, the charts and the CSV download.
 */
import { test, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import { allNodes, canvas, inspector, node, openEditor, selectNode } from './helpers';

const VIEWPORT = { width: 1600, height: 1000 };

async function newProfile(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  return { context, page: await context.newPage() };
}

const progress = (page: Page) => page.getByRole('region', { name: 'Run panel' }).getByRole('progressbar', { name: 'Training progress' });

/** The hidden test set: 8 generated images for each of the shapes dataset's 4 classes. */
const TEST_IMAGES = 32;
const CHANCE_PCT = 25;

/** What the student sees after submitting, as the one-decimal percentages the app prints. */
interface StudentScore {
  score: string;
  accuracy: string;
  macroF1: string;
}

/** The `predictions` array of the submit mutation's request body (tRPC batch: {"0": input}). */
function submittedPredictions(body: unknown): string[] {
  const input = (body as Record<string, { predictions?: unknown }>)['0'] ?? (body as { predictions?: unknown });
  expect(Array.isArray(input.predictions), JSON.stringify(body).slice(0, 200)).toBe(true);
  return input.predictions as string[];
}

/** Join, train the starter as is, submit; returns the score shown to the student. */
async function studentRun(page: Page, studentPath: string, name: string): Promise<StudentScore> {
  await page.goto(studentPath);
  await expect(page.getByRole('heading', { name: 'E2E shapes challenge' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  const bar = page.getByRole('region', { name: 'Assignment' });
  await expect(bar).toContainText(`as ${name}`);
  await expect(allNodes(page)).toHaveCount(6, { timeout: 30_000 });
  await expect(page.getByRole('status', { name: 'Save status: Saved' })).toBeVisible({ timeout: 60_000 });

  // Submit before training says what to do.
  await bar.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(bar.getByRole('alert')).toContainText('Run the pipeline first');

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(progress(page)).toHaveAttribute('aria-valuetext', /Finished/, { timeout: 300_000 });
  const submitRequest = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('assignment.submit'), { timeout: 120_000 });
  await bar.getByRole('button', { name: 'Submit', exact: true }).click();
  // The browser predicted a class for every hidden image (only the classes go to the server), not one class for all.
  const predictions = submittedPredictions((await submitRequest).postDataJSON());
  expect(predictions).toHaveLength(TEST_IMAGES);
  expect(new Set(predictions).size).toBeGreaterThan(1);

  const status = bar.getByRole('status').filter({ hasText: /^Score:/ });
  await expect(status).toBeVisible({ timeout: 120_000 });
  const text = (await status.textContent())!;
  const m = text.match(/^Score: ([\d.]+ %) accuracy \(accuracy ([\d.]+ %), macro-F1 ([\d.]+ %)\)/);
  expect(m, text).not.toBeNull();
  const [score, accuracy, macroF1] = [m![1]!, m![2]!, m![3]!];
  // The assignment is scored by accuracy: a whole number of the 32 hidden images, clearly above guessing.
  expect(score).toBe(accuracy);
  const correct = (parseFloat(accuracy) / 100) * TEST_IMAGES;
  expect(Math.abs(correct - Math.round(correct)), `${accuracy} of ${TEST_IMAGES} images`).toBeLessThan(0.02);
  console.log(`${name}: score ${score} (macro-F1 ${macroF1}) on ${TEST_IMAGES} hidden images`);
  expect(parseFloat(accuracy)).toBeGreaterThan(CHANCE_PCT);
  await expect(bar).toContainText('9 of 10 submissions left today');
  return { score, accuracy, macroF1 };
}

test('teacher creates an assignment; two students train and submit; leaderboard and teacher view agree', async ({ browser }) => {
  test.setTimeout(900_000);
  const teacher = await newProfile(browser);
  const ana = await newProfile(browser);
  const ben = await newProfile(browser);
  try {
    // --- Teacher: the minimal template, a short training, then "Create assignment".
    const t = teacher.page;
    await openEditor(t);
    await t.getByRole('combobox', { name: 'Start from template' }).selectOption({ label: 'Minimal pipeline' });
    await expect(allNodes(t)).toHaveCount(6);
    await selectNode(t, 'Train');
    await inspector(t, 'Train').getByRole('spinbutton', { name: 'Epochs' }).fill('4');
    await inspector(t, 'Train').getByRole('spinbutton', { name: 'Epochs' }).press('Enter'); // fields apply when the student finishes typing
    await expect(node(t, 'Train')).toContainText('Epochs 4');
    // Generous: the first save also opens and migrates the server's database (slow on a loaded machine).
    await expect(t.getByRole('status', { name: 'Save status: Saved' })).toBeVisible({ timeout: 120_000 });

    await t.getByRole('button', { name: 'Create assignment' }).click();
    const dialog = t.getByRole('dialog', { name: 'Create assignment' });
    await dialog.getByRole('textbox', { name: 'Title' }).fill('E2E shapes challenge');
    await dialog.getByRole('textbox', { name: 'Instructions' }).fill('Train, then press Submit.\n<b>not bold</b>');
    await expect(dialog.getByRole('textbox', { name: 'Training set' })).toHaveValue('builtin:shapes-target');
    await dialog.getByRole('combobox', { name: 'Test set' }).selectOption({ label: 'Generate new images of a built-in dataset' });
    await dialog.getByRole('spinbutton', { name: 'Test images per class' }).fill('8');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(dialog.getByRole('status').filter({ hasText: 'hidden test set of 32 images' })).toBeVisible({ timeout: 60_000 });
    const studentLink = await dialog.getByRole('textbox', { name: 'Student link' }).inputValue();
    const teacherLink = await dialog.getByRole('textbox', { name: 'Teacher link' }).inputValue();
    expect(studentLink).toMatch(/\/a\/[A-Za-z0-9_-]+$/);
    expect(teacherLink).toMatch(/\/a\/[A-Za-z0-9_-]+\/teach#token=[A-Za-z0-9_-]{43}$/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    const studentPath = new URL(studentLink).pathname;

    // --- Two students, each in their own browser profile, one after the other (2 cores).
    const anaScore = await studentRun(ana.page, studentPath, 'Ana');
    const benScore = await studentRun(ben.page, studentPath, 'Ben');

    // Instructions are plain text (no HTML rendered).
    const benBar = ben.page.getByRole('region', { name: 'Assignment' });
    await benBar.getByRole('button', { name: 'Instructions' }).click();
    await expect(ben.page.getByRole('region', { name: 'Instructions panel' })).toContainText('<b>not bold</b>');

    // Leaderboard: best first; equal scores → Ana (submitted first) first.
    await benBar.getByRole('button', { name: 'Leaderboard' }).click();
    const board = ben.page.getByRole('region', { name: 'Leaderboard panel' }).getByRole('table', { name: 'Leaderboard' });
    const rows = board.getByRole('row');
    await expect(rows).toHaveCount(3);
    const scores = { Ana: anaScore, Ben: benScore };
    const order: Array<keyof typeof scores> = parseFloat(benScore.score) > parseFloat(anaScore.score) ? ['Ben', 'Ana'] : ['Ana', 'Ben'];
    // Each row shows the score its student was shown on submitting (rank, student, accuracy, macro-F1, …).
    for (const [i, who] of order.entries()) {
      await expect(rows.nth(i + 1).getByRole('cell')).toHaveText([String(i + 1), who, scores[who].score, scores[who].macroF1, '1', /^version \d+$/]);
    }
    // Each entry links to the exact submitted graph version, read-only.
    const href = await rows.nth(1).getByRole('link').getAttribute('href');
    expect(href).toMatch(/^\/g\/[A-Za-z0-9_-]+\?v=\d+$/);
    const viewer = await ben.context.newPage();
    await viewer.goto(href!);
    await expect(allNodes(viewer)).toHaveCount(6, { timeout: 30_000 });
    await expect(viewer.getByText('Read-only', { exact: true })).toBeVisible();
    await viewer.close();

    // --- Teacher view: both submissions, charts, choices, CSV.
    await t.goto(new URL(teacherLink).pathname + new URL(teacherLink).hash);
    await expect(t.getByRole('heading', { name: 'E2E shapes challenge' })).toBeVisible();
    const all = t.getByRole('table', { name: 'All submissions' });
    await expect(all.getByRole('row')).toHaveCount(3, { timeout: 30_000 });
    await expect(all).toContainText('Ana');
    await expect(all).toContainText('Ben');
    await expect(t.getByRole('figure', { name: 'Score distribution chart' })).toHaveAttribute('data-students', '2');
    await expect(t.getByRole('figure', { name: 'Submissions over time chart' })).toHaveAttribute('data-points', '2');
    await expect(t.getByRole('table', { name: 'Pipeline choices and scores' })).toContainText('graft-shapes-cnn');

    const [download] = await Promise.all([t.waitForEvent('download'), t.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('E2E-shapes-challenge-submissions.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/);
    expect(csv[0]).toBe('submitted_at,student,accuracy,macro_f1,score,model,freeze,augmentation,tuned,graph_version_url');
    expect(csv).toHaveLength(3);
    expect(csv.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['Ana', 'Ben']);
    // The teacher's numbers are the students' numbers: score = accuracy, both as shown to the student.
    const asShown = (v: string) => `${(Number(v) * 100).toFixed(1)} %`;
    for (const line of csv.slice(1)) {
      const [, student, accuracy, macroF1, score] = line.split(',');
      const shown = scores[student as keyof typeof scores];
      expect({ accuracy: asShown(accuracy!), macroF1: asShown(macroF1!), score: asShown(score!) }, line).toEqual(shown);
    }

    // Close submissions: students see it.
    await t.getByRole('button', { name: 'Close submissions' }).click();
    await expect(t.getByRole('button', { name: 'Reopen submissions' })).toBeVisible();
    await ana.page.reload();
    await expect(ana.page.getByRole('region', { name: 'Assignment' }).getByRole('button', { name: 'Submit', exact: true })).toBeDisabled();
    await expect(canvas(ana.page)).toBeVisible();
  } finally {
    await Promise.all([teacher.context.close(), ana.context.close(), ben.context.close()]);
  }
});
