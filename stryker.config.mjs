// Mutation testing of Graft's core rules (run: `npm run test:mutation`, or one group:
// `npm run test:mutation -- metrics`). Groups and their guarding tests: mutation-groups.mjs.
import { MUTATION_GROUPS, selectedGroups } from './mutation-groups.mjs';

const groups = selectedGroups();
const reportDir = `reports/mutation/${groups.length === 1 ? groups[0] : 'all'}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.mts', related: false },
  coverageAnalysis: 'perTest',
  concurrency: 1,
  mutate: groups.flatMap((g) => MUTATION_GROUPS[g].mutate),
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 80, low: 60, break: null },
  // Real training is slow on this machine; a mutant that hangs a loop is still caught by the timeout.
  timeoutMS: 60_000,
  timeoutFactor: 2,
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // Root-anchored: a bare 'data' would also drop nodes/engine/data/ from the sandbox.
  ignorePatterns: ['/.next*', '/data', '/e2e', '/reports', '/test-results', '/playwright-report', '/docs', '/bench'],
};
