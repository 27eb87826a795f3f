import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSourcesText } from './codegen-sources-build';

describe('"View code" embeds the engine\'s own modules', () => {
  it('the embedded copy is up to date (else: npx tsx scripts/gen-codegen-sources.ts)', () => {
    expect(fs.readFileSync('nodes/compiler/codegen-sources.generated.ts', 'utf8')).toBe(generatedSourcesText());
  });
});
