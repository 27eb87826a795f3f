/**
 * The real standalone server (`server/standalone.ts`, the handler the Next routes use) as a child process, for the
 * tests that need a process of its own: kill -9 durability, two instances on one database, one writer per folder.
 *
 * `node --import tsx` runs the server in this one process (no tsx wrapper), so a SIGKILL by pid hits the server
 * itself. Its stdout and stderr are collected; a start that fails (early exit or timeout) reports them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../trpc/router';

const repoRoot = path.resolve(__dirname, '../..');
/** A cold start opens (and on first use creates) a PGlite folder: tens of seconds on a loaded 2-core machine. */
const DEFAULT_START_TIMEOUT_MS = 90_000;

export type TrpcClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface StandaloneServer {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL by pid (no graceful shutdown); resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful: closes the database, releases the folder lock); resolves once the process is gone. */
  stop(): Promise<void>;
}

export type LaunchResult =
  | { listening: true; server: StandaloneServer }
  | { listening: false; child: ChildProcess; exitCode: number | null; signal: NodeJS.Signals | null; output: string };

const started = new Set<ChildProcess>();

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) return resolve();
    child.once('exit', () => resolve());
  });
}

function signal(child: ChildProcess, sig: NodeJS.Signals): Promise<void> {
  const gone = exited(child);
  if (!hasExited(child) && child.pid !== undefined) {
    try {
      process.kill(child.pid, sig);
    } catch {
      // already gone between the check and the kill
    }
  }
  return gone;
}

/**
 * Spawns standalone.ts with `env` over this process's environment (PORT=0: any free port). Resolves when it prints
 * "listening <port>", or when it exits first (with its exit code and output); rejects after `timeoutMs`.
 */
export function launchStandalone(env: Record<string, string>, opts: { timeoutMs?: number } = {}): Promise<LaunchResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/standalone.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`standalone server did not print "listening" within ${timeoutMs} ms:\n${out}`));
      void signal(child, 'SIGKILL');
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const server: StandaloneServer = {
        child,
        url: `http://127.0.0.1:${m[1]}`,
        output: () => out,
        kill9: () => signal(child, 'SIGKILL'),
        stop: () => signal(child, 'SIGTERM'),
      };
      resolve({ listening: true, server });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (exitCode, sig) => {
      clearTimeout(timer);
      resolve({ listening: false, child, exitCode, signal: sig, output: out });
    });
  });
}

/** Like launchStandalone, but a server that exits before listening is an error carrying its output. */
export async function startStandalone(env: Record<string, string>, opts: { timeoutMs?: number } = {}): Promise<StandaloneServer> {
  const launched = await launchStandalone(env, opts);
  if (launched.listening) return launched.server;
  throw new Error(`standalone server exited early (${launched.exitCode ?? launched.signal}):\n${launched.output}`);
}

/** A tRPC client of the server at `url`. */
export function trpcClientFor(url: string, opts: { methodOverride?: 'POST' } = {}): TrpcClient {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/api/trpc`, ...opts })] });
}

/** For afterAll: SIGKILLs every server this test file started that is still running. */
export function killStartedStandalones(): Promise<void> {
  return Promise.all([...started].map((child) => signal(child, 'SIGKILL'))).then(() => undefined);
}
