/**
 * Import boundaries (issue 10, "Layers leak"). Layering:
 *   nodes/core + nodes/compiler → node definitions (nodes/<type>/) → nodes/engine → hosts → app/
 * Run by `npm run lint` (after ESLint). Rules are errors; fix the code, don't loosen them.
 */
/**
 * UI modules inside nodes/: custom inspectors and their parts (React). Only the app reaches them, through
 * nodes/ui/registry.ts; nothing pure may import them.
 */
const NODE_UI = ['\\.tsx$', '^nodes/ui/', '^nodes/[^/]+/inspector/'];
/** Modules that only exist in a React / DOM page (types of React count: the pure layers do not know React). */
const REACT_OR_DOM =
  '^node_modules/(react|react-dom|@types/react|@types/react-dom|@xyflow|zustand|next|uplot|@tanstack/react-query|@trpc/tanstack-react-query|@trpc/client)(/|$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order fragile and drag unrelated layers into bundles (e.g. React into the worker).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'nodes-not-to-app-server-scripts',
      severity: 'error',
      comment: 'nodes/ is below app/, server/ and scripts/: it never imports them. Inspectors get app services through props.',
      from: { path: '^nodes/' },
      to: { path: '^(app|server|scripts|bench|e2e)/' },
    },
    {
      name: 'pure-nodes-no-react-or-dom',
      severity: 'error',
      comment: 'Core, compiler, engine and node definitions run in Node and in the Web Worker: no React, no DOM-only modules.',
      from: { path: '^nodes/', pathNot: [...NODE_UI, '\\.test\\.tsx?$'] },
      to: { path: [REACT_OR_DOM, ...NODE_UI] },
    },
    {
      name: 'server-not-to-app-scripts',
      severity: 'error',
      comment: 'server/ may use nodes/ but never app/ or scripts/.',
      from: { path: '^server/' },
      to: { path: '^(app|scripts|bench|e2e)/' },
    },
    {
      name: 'outside-app-not-to-app-server-scripts',
      severity: 'error',
      comment: 'Only app/ (and the Next.js entry points in it) may import app/ and server/; scripts/ are leaves.',
      from: { pathNot: '^(app|server|scripts|bench|e2e)/|^node_modules/' },
      to: { path: '^(app|server|scripts)/' },
    },
    {
      name: 'scripts-are-leaves',
      severity: 'error',
      comment: 'Nothing imports scripts/ except scripts/, bench/ and e2e/ (test tooling).',
      from: { pathNot: '^(scripts|bench|e2e)/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.next|\\.next-e2e|data|public|models|datasets)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
