import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssOf } from './proc.ts';
import { throwawayDatabase } from '../../test/support/postgres.ts';
import { START_FLAGS } from '../../test/support/start-flags.ts';

/** What the bench entry sends once it listens: demo credentials are made per process, so only it knows them. */
export interface ReadyMessage {
  type: 'ready';
  url: string;
  publicUrl: string;
  authToken: string;
  adminToken: string;
  store: 'pglite' | 'postgres';
}

export interface MemoryMessage {
  type: 'memory';
  usage: NodeJS.MemoryUsage;
}

/** When the server's emulator took each REST call create (ms since the epoch; live calls and the latest 1000 ended). */
export interface DialTimesMessage {
  type: 'dial-times';
  created: number[];
}

export interface BenchServer {
  pid: number;
  /** Loopback URL to load (127.0.0.1, whatever `localhost` resolves to). */
  url: string;
  /** The URL webhooks are signed over. */
  publicUrl: string;
  authToken: string;
  adminToken: string;
  store: 'pglite' | 'postgres';
  /** The throwaway database's URL, when on PostgreSQL (to fill it with generated rows). */
  databaseUrl?: string;
  rss(): number;
  /** The child's own `process.memoryUsage()` right after a full garbage collection: what stays live. */
  liveMemory(): Promise<NodeJS.MemoryUsage>;
  /** When the emulator took each REST call create, ascending (ms since the epoch; this machine's clock). */
  dialTimes(): Promise<number[]>;
  /** Stops this process and starts a new one on the same store (a redeploy); this one is then gone. */
  restart(): Promise<BenchServer>;
  /** Starts another process on the same PostgreSQL database (a replica); stopping the replica leaves the store. */
  replica(): Promise<BenchServer>;
  /** Stops the process and removes its store. */
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('../server-entry.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();

// A harness that dies mid-run must not leave servers behind (children also exit when the IPC channel closes).
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Starts the server under test in its own process (so its RSS and CPU are its own), in demo mode on a
 * free port: PGlite in a temporary folder, or a throwaway database next to `databaseUrl`. Both are
 * removed by `stop()`.
 */
export async function startBenchServer({ databaseUrl, env = {} }: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<BenchServer> {
  const data = databaseUrl ? await createDatabase(databaseUrl) : temporaryFolder();
  try {
    return await launch(data, { ...demoEnv(), PORT: '0', ...data.env, ...env });
  } catch (error) {
    await data.remove();
    throw error;
  }
}

async function launch(data: DataPlace, env: NodeJS.ProcessEnv): Promise<BenchServer> {
  const child = fork(ENTRY, [], {
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
    execArgv: ['--expose-gc', ...START_FLAGS, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  const output = lastLines(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exit = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };

  let ready: ReadyMessage;
  try {
    ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bench server did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the bench server exited (${child.signalCode ?? child.exitCode}) before listening`));
      });
      child.on('message', (message: ReadyMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message);
      });
    });
  } catch (error) {
    await exit();
    throw new Error(`${(error as Error).message}\n${output().join('\n')}`);
  }

  return {
    pid: child.pid!,
    url: ready.url.replace('//localhost:', '//127.0.0.1:'),
    publicUrl: ready.publicUrl,
    authToken: ready.authToken,
    adminToken: ready.adminToken,
    store: ready.store,
    databaseUrl: data.env.DATABASE_URL,
    rss: () => rssOf(child.pid!),
    liveMemory: async () => (await ask<MemoryMessage>(child, 'memory')).usage,
    dialTimes: async () => (await ask<DialTimesMessage>(child, 'dial-times')).created.sort((a, b) => a - b),
    async restart() {
      await exit();
      return launch(data, env);
    },
    async replica() {
      if (!data.env.DATABASE_URL) throw new Error('replicas share a PostgreSQL database: PGlite is for one process');
      return launch({ env: data.env, remove: async () => {} }, env);
    },
    async stop() {
      await exit();
      await data.remove();
    },
  };
}

/** Sends `{ type }` to the bench entry and resolves with its answer of the same type. */
function ask<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

/**
 * The environment minus anything that would take the server live or elsewhere: a benchmark must
 * never place real calls with credentials it happened to inherit.
 */
function demoEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(TWILIO_|DATABASE_URL$|DATA_DIR$|PUBLIC_URL$|ADMIN_TOKEN$|PORT$)/.test(name)) delete env[name];
  }
  // Every load comes from this one address, over up to 200 connections (`--connections`).
  return { MAX_CONNECTIONS_PER_IP: '1000', ...env };
}

interface DataPlace {
  env: Record<string, string>;
  remove(): Promise<void>;
}

function temporaryFolder(): DataPlace {
  const dir = mkdtempSync(join(tmpdir(), 'call-power-bench-'));
  return { env: { DATA_DIR: dir }, remove: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function createDatabase(url: string): Promise<DataPlace> {
  const database = await throwawayDatabase(url, 'callpower_bench');
  return { env: { DATABASE_URL: database.url.toString() }, remove: database.drop };
}

/** Keeps the child's last output lines, to show when it fails to start. */
function lastLines(child: ChildProcess, keep = 30) {
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - keep));
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return () => lines;
}
