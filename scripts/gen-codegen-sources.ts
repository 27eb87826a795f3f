/**
 * Writes nodes/compiler/codegen-sources.generated.ts (see nodes/compiler/codegen-sources-build.ts). Run
 * `npx tsx scripts/gen-codegen-sources.ts` after changing an embedded module; codegen-sources.test.ts fails while the
 * copy is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generatedSourcesText } from '../nodes/compiler/codegen-sources-build';

const out = path.resolve('nodes/compiler/codegen-sources.generated.ts');
fs.writeFileSync(out, generatedSourcesText());
console.log(`wrote ${out}`);
