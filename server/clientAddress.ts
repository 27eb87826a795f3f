/**
 * Who is calling: the socket address, unless a trusted proxy is configured (GRAFT_TRUST_PROXY).
 *
 * X-Forwarded-For is written by whoever sent the request, so it is only believed for the hops the operator says
 * are their own proxies:
 *   GRAFT_TRUST_PROXY unset / "" / "0" / "false"  → the socket address; X-Forwarded-For is ignored
 *   GRAFT_TRUST_PROXY=<n>                          → n proxies in front: the client is the n-th address from the
 *                                                    right of [...X-Forwarded-For, socket]
 *   GRAFT_TRUST_PROXY=10.0.0.5,10.0.0.6            → strip trusted addresses from the right; the first untrusted
 *                                                    one is the client ("loopback" = 127.0.0.1 and ::1)
 *
 * Under Next.js, route handlers never see the socket: `server/next-entry.mjs` (what `npm start` / `npm run serve`
 * run) stamps it into SOCKET_ADDRESS_HEADER, always overwriting a client-sent copy, together with a per-process
 * secret (SOCKET_STAMP_HEADER / SOCKET_STAMP_ENV) so a stamp can only come from that entry. Without the entry
 * (`next dev`, plain `next start`) the address is unknown and every client shares one rate-limit bucket.
 */
import { isIP } from 'node:net';

export const SOCKET_ADDRESS_HEADER = 'x-graft-socket-address';
export const SOCKET_STAMP_HEADER = 'x-graft-socket-stamp';
export const SOCKET_STAMP_ENV = 'GRAFT_SOCKET_STAMP';
/** The shared bucket key when the socket address cannot be known (see above). */
export const UNKNOWN_CLIENT = 'unknown-client';

export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; addresses: ReadonlySet<string> };

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return { kind: 'none' };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) };
  const addresses = new Set<string>();
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'loopback') {
      addresses.add('127.0.0.1');
      addresses.add('::1');
    } else if (isIP(normalizeAddress(part))) addresses.add(normalizeAddress(part));
    else throw new Error(`GRAFT_TRUST_PROXY must be a hop count or a comma-separated list of proxy IP addresses, got "${raw}"`);
  }
  return { kind: 'list', addresses };
}

/** "::ffff:1.2.3.4" → "1.2.3.4"; "[::1]" → "::1"; "1.2.3.4:5678" → "1.2.3.4". */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(a)) a = a.slice(7);
  return a.toLowerCase();
}

/**
 * The client address for rate limiting. `socketAddress` null = unknown (Next without the entry): then only a
 * trusted proxy's X-Forwarded-For can name the client, otherwise everyone is UNKNOWN_CLIENT.
 */
export function resolveClientAddress(socketAddress: string | null, forwardedFor: string | null, trust: TrustProxy): string {
  const socket = socketAddress ? normalizeAddress(socketAddress) : null;
  if (trust.kind === 'none') return socket ?? UNKNOWN_CLIENT;
  const forwarded = (forwardedFor ?? '')
    .split(',')
    .map((p) => normalizeAddress(p))
    .filter(Boolean);
  const chain = [...forwarded, socket ?? UNKNOWN_CLIENT];
  if (trust.kind === 'hops') return chain[Math.max(0, chain.length - 1 - trust.hops)]!;
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!trust.addresses.has(chain[i]!)) return chain[i]!;
  }
  return chain[0]!;
}

/** The socket address the entry stamped into a (Next route) request, or null when it was not stamped by it. */
export function stampedSocketAddress(headers: Headers): string | null {
  const secret = process.env[SOCKET_STAMP_ENV];
  if (!secret || headers.get(SOCKET_STAMP_HEADER) !== secret) return null;
  return headers.get(SOCKET_ADDRESS_HEADER);
}
