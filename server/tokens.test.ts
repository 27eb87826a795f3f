/** Graph ids and edit tokens: shapes, randomness, the stored hash, and the comparison. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newEditToken, newGraphId, tokenMatches } from './tokens';

describe('tokens', () => {
  it('graph ids: 16 base64url chars (96 bits), all different', () => {
    const ids = Array.from({ length: 200 }, newGraphId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(200);
  });

  it('edit tokens: 43 base64url chars (256 bits), all different', () => {
    const tokens = Array.from({ length: 200 }, newEditToken);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(200);
  });

  it('stores the hex SHA-256 of the UTF-8 token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('é')).toBe(createHash('sha256').update(Buffer.from('c3a9', 'hex')).digest('hex'));
  });

  it('matches only the token whose hash is stored', () => {
    const token = newEditToken();
    const stored = hashToken(token);
    expect(tokenMatches(token, stored)).toBe(true);
    expect(tokenMatches(newEditToken(), stored)).toBe(false);
    expect(tokenMatches(token.slice(0, -1), stored)).toBe(false);
    expect(tokenMatches('', stored)).toBe(false);
    // A malformed or truncated stored hash never matches (and does not throw).
    expect(tokenMatches(token, stored.slice(0, 32))).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
    expect(tokenMatches(token, 'zz')).toBe(false);
  });
});
