/** Types for dataDirLock.mjs (plain JS so server/next-entry.mjs can use it without a build step). */
export class DataDirLockedError extends Error {}
export function lockFileFor(dir: string): string;
export function acquireDataDirLock(dir: string): { file: string; release(): void };
