/** Where tests find the large real assets (no tfjs import: dataset tests use this too). */
import fs from 'node:fs';
import path from 'node:path';

/** The large real assets (MobileNet, flower_photos) used by a few tests: GRAFT_TEST_ASSETS, else this machine's
 * shared folder — an absolute path, never relative to the checkout. Tests needing them say loudly when skipped. */
export const SHARED_ASSETS = path.resolve(process.env.GRAFT_TEST_ASSETS?.trim() || '/work/shared/assets');
export const SHARED_MODELS = path.join(SHARED_ASSETS, 'models');
export const SHARED_DATASETS = path.join(SHARED_ASSETS, 'datasets');
export const SHARED_FLOWERS = path.join(SHARED_DATASETS, 'flower_photos');
export const hasSharedAssets = fs.existsSync(path.join(SHARED_MODELS, 'mobilenet-v1-0.25-224', 'model.json'));
export const hasSharedFlowers = fs.existsSync(SHARED_FLOWERS);

/** Print a hard-to-miss line when a test is skipped for lack of the real assets; returns `available`. */
export function requireAssets(available: boolean, what: string): boolean {
  if (!available) {
    console.warn(`\n*** SKIPPING ${what}: real assets not found under ${SHARED_ASSETS} (set GRAFT_TEST_ASSETS) ***\n`);
  }
  return available;
}
