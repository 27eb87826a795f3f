/**
 * Mutation-testing modules (`npm run test:mutation`): per group, the core files Stryker mutates and the vitest files
 * that guard them (only those run, so a group takes minutes, not the whole suite's time).
 */
export const MUTATION_GROUPS = {
  // compiler: fuzz.test.ts is left out (4000 random graphs per mutant would take hours; it guards "never throws").
  compiler: {
    mutate: ['nodes/compiler/index.ts', 'nodes/compiler/trial-plan.ts'],
    tests: [
      'nodes/compiler/compiler.test.ts',
      'nodes/compiler/params.test.ts',
      'nodes/compiler/graph-file.test.ts',
      'nodes/compiler/templates.test.ts',
      'nodes/compiler/trial-plan.test.ts',
      'nodes/compiler/messages.test.ts',
      'nodes/compiler/plan-rules.test.ts',
    ],
  },
  split: { mutate: ['nodes/dataset/split.ts', 'nodes/dataset/rng.ts'], tests: ['nodes/dataset/split.test.ts', 'nodes/dataset/rng-split.test.ts'] },
  metrics: { mutate: ['nodes/engine/metrics.ts'], tests: ['nodes/engine/metrics.test.ts'] },
  'feature-store': { mutate: ['nodes/engine/feature-store.ts'], tests: ['nodes/engine/feature-store.test.ts'] },
  'early-stopping': {
    mutate: ['nodes/engine/rules/early-stopping.ts', 'nodes/engine/fit/callbacks.ts', 'nodes/engine/fit/loop.ts'],
    tests: ['nodes/engine/rules/early-stopping.test.ts', 'nodes/engine/fit/fit.test.ts'],
  },
  augment: {
    mutate: ['nodes/augment-data/augment.ts'],
    tests: ['nodes/augment-data/augment.test.ts', 'nodes/augment-data/augment-params.test.ts'],
  },
  tokens: { mutate: ['server/tokens.ts'], tests: ['server/tokens.test.ts'] },
  // Repository rules only (every mutant reopens a PGlite database, ≈ 20 s each here): the edit-token check on every
  // write, optimistic concurrency, restore, canEdit, "my graphs" and attached results (line ranges of graphs.ts).
  repo: {
    mutate: ['server/repo/graphs.ts:61-65', 'server/repo/graphs.ts:116-116', 'server/repo/graphs.ts:137-157', 'server/repo/graphs.ts:196-246'],
    tests: ['server/repo/graphs.test.ts'],
  },
  'rate-limit': { mutate: ['server/rateLimit.ts'], tests: ['server/rateLimit.test.ts'] },
};

/** The groups named in MUTATION_GROUPS (comma-separated), default all. */
export function selectedGroups(env = process.env.MUTATION_GROUPS) {
  const names = env ? env.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(MUTATION_GROUPS);
  for (const n of names) if (!MUTATION_GROUPS[n]) throw new Error(`unknown mutation group "${n}" (${Object.keys(MUTATION_GROUPS).join(', ')})`);
  return names;
}
