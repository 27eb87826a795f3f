/**
 * The modules "View code" embeds verbatim in the exported program, in dependency order. Each is self-contained
 * apart from imports of each other and of types the program's preamble declares (codegen-program.ts).
 */
export const EMBEDDED_MODULES = [
  'nodes/dataset/rng.ts',
  'nodes/dataset/split.ts',
  'nodes/dataset/fingerprint.ts',
  'nodes/engine/rules/optimizer.ts',
  'nodes/engine/rules/early-stopping.ts',
  'nodes/engine/model/freeze.ts',
  'nodes/engine/model/layer-output.ts',
  'nodes/engine/model/fused-trunk.ts',
  'nodes/augment-data/augment.ts',
  'nodes/engine/metrics.ts',
  'nodes/engine/model/head.ts',
  'nodes/engine/data/pixel-store.ts',
  'nodes/dataset/resize.ts',
  'nodes/dataset/decode-node.ts',
  'nodes/dataset/class-folders.ts',
  'nodes/engine/kernels/conv-gradients.ts',
  'nodes/engine/kernels/register.ts',
  'nodes/engine/host-node/standalone-program.ts',
] as const;

/** A module's text without its import lines and re-exports (everything lives in one file in the program). */
export function stripModuleImports(text: string): string {
  return text
    .replace(/^import\s[\s\S]*?from\s+['"][^'"]+['"];[ \t]*\n/gm, '')
    .replace(/^export\s*(type\s*)?\{[^}]*\}\s*from\s+['"][^'"]+['"];[ \t]*\n/gm, '')
    .replace(/^\n{2,}/, '\n');
}
