/**
 * One writer per embedded-database folder. Two servers on one PGlite directory each believe they own it and lose
 * acknowledged writes, so the first takes `<dir>.lock` (created exclusively; pid, host, start time) and a second
 * refuses to start, naming the folder and the holder. A lock whose holder is dead (same host: no such pid, or the
 * pid now belongs to a process started later) is stale and taken over — e.g. after `kill -9`.
 *
 * Plain JS (with dataDirLock.d.mts) so server/next-entry.mjs can take the lock before Next starts, and the
 * bundled route code (a second module instance) shares the same per-process registry through globalThis.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REGISTRY = Symbol.for('graft.dataDirLocks');
/** @type {Map<string, { count: number }>} lock file → references held by this process */
const held = (globalThis[REGISTRY] ??= new Map());

export class DataDirLockedError extends Error {}

/** Start time of a process in clock ticks since boot (Linux), or null when unknown. */
function processStartTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall: starttime
  } catch {
    return null;
  }
}

function isAlive(holder) {
  if (holder.host !== os.hostname()) return true; // cannot check another machine: assume it is running
  if (holder.pid === process.pid) return false; // not in our registry (checked before): a previous life of this pid
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if (err && err.code === 'ESRCH') return false;
  }
  // The pid exists; it is the holder only if it started when the holder did (pids are reused).
  const ticks = processStartTicks(holder.pid);
  return !(holder.procStart && ticks && ticks !== holder.procStart);
}

function readHolder(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

export function lockFileFor(dir) {
  return `${path.resolve(dir)}.lock`;
}

/**
 * Takes the lock for `dir` (re-entrant within this process). Throws DataDirLockedError when another live
 * server holds it. Returns `release()`.
 */
export function acquireDataDirLock(dir) {
  const folder = path.resolve(dir);
  const file = lockFileFor(folder);
  const mine = held.get(file);
  if (mine) {
    mine.count += 1;
    return { file, release: () => release(file) };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), procStart: processStartTicks(process.pid), folder };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify(me));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      held.set(file, { count: 1 });
      return { file, release: () => release(file) };
    } catch (err) {
      if (!err || err.code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (!holder) {
      // Being written right now, or garbage: give a writer a moment, then treat garbage as stale.
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 2000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        continue;
      }
    } else if (isAlive(holder)) {
      throw new DataDirLockedError(
        `The data folder ${folder} is in use by another Graft server (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}). ` +
          `Only one server may use an embedded database folder: stop that server, or point DATA_DIR (or PGLITE_DIR) at another folder. ` +
          `If that server is gone (e.g. another machine), delete ${file}.`,
      );
    }
    takeOverStale(file, holder);
  }
  throw new DataDirLockedError(`Could not take the lock ${file} for the data folder ${folder} (it keeps changing hands).`);
}

/** Moves a stale lock away atomically; if what moved was not the stale one (someone just took it), puts it back. */
function takeOverStale(file, stale) {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // already gone
  }
  const moved = readHolder(aside);
  if (stale && moved && JSON.stringify(moved) !== JSON.stringify(stale)) {
    try {
      fs.linkSync(aside, file); // fails if yet another lock appeared meanwhile
    } catch {
      /* the next attempt reads whatever holds it now */
    }
  }
  fs.rmSync(aside, { force: true });
}

function release(file) {
  const mine = held.get(file);
  if (!mine) return;
  mine.count -= 1;
  if (mine.count > 0) return;
  held.delete(file);
  const holder = readHolder(file);
  if (holder && holder.pid === process.pid) fs.rmSync(file, { force: true });
}

// A normal exit leaves no lock behind (kill -9 does: the next start sees a dead holder).
process.once('exit', () => {
  for (const file of held.keys()) {
    const holder = readHolder(file);
    if (holder && holder.pid === process.pid) fs.rmSync(file, { force: true });
  }
});
