import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/**
 * e2e runs against a production build (started by `webServer`) in Debian's Chromium with WebGPU enabled:
 * `navigator.gpu` then yields a real (software) adapter, so the tfjs WebGPU backend really trains.
 */
const PORT = Number(process.env.E2E_PORT ?? 3200);
const sharedAssets = path.resolve(__dirname, '..', 'shared', 'assets');
const hasShared = fs.existsSync(sharedAssets);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Class-folder datasets tests generate (served as `dir:<name>`), listed before the shared real ones. */
export const E2E_DATASETS_DIR = path.resolve(__dirname, 'e2e', 'data', 'datasets');
fs.mkdirSync(E2E_DATASETS_DIR, { recursive: true });

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: fs.existsSync(chromium) ? chromium : undefined,
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // `npm run build` = `next build --webpack` (Turbopack's production build hangs at 0% CPU here; webpack ~1 min),
    // then the same entry `npm start` uses (server/next-entry.mjs: socket client addresses, 400 on bad escapes).
    command: `npm run build && PORT=${PORT} node server/next-entry.mjs`,
    url: `http://127.0.0.1:${PORT}`,
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    env: {
      NEXT_DIST_DIR: '.next-e2e',
      DATA_DIR: path.resolve(__dirname, 'data', 'e2e'),
      DATASETS_DIR: [E2E_DATASETS_DIR, ...(hasShared ? [path.join(sharedAssets, 'datasets')] : [])].join(path.delimiter),
      ...(hasShared ? { MODELS_DIR: path.join(sharedAssets, 'models') } : {}),
    },
  },
});
