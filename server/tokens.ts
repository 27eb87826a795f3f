/** Graph ids and edit tokens. Only a sha256 of a token is stored; comparison is constant-time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 96 random bits → 16 base64url chars: short enough for a link, not enumerable. */
export function newGraphId(): string {
  return randomBytes(12).toString('base64url');
}

/** 256 random bits → 43 base64url chars. */
export function newEditToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
