/**
 * Split fingerprint: a short hash of the sorted test-set file identities, so anyone can see whether two runs
 * (browser, CLI, exported program, another seed) were scored on the same test images. Dependency-free on purpose:
 * "View code" embeds this file's text.
 */

/** 12 hex characters: two independent 32-bit FNV-1a hashes (different offset bases) of the sorted ids. */
export function splitFingerprint(testIds: readonly string[]): string {
  const sorted = [...testIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const text = sorted.join('\n');
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193) >>> 0;
    h2 = (h2 ^ (h2 >>> 13)) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 12);
}
