import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { CallRecord, StandaloneMessage, StandaloneRequest } from '../../server/emulator/standalone.ts';
import { throwawayDatabase } from './postgres.ts';

/**
 * Servers and the Twilio emulator as real processes (kill -9 is the point): the emulator runs alone
 * (server/emulator/standalone.ts) and servers run live against it through TWILIO_API_URL, sharing
 * a throwaway PostgreSQL database.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const children = new Set<ChildProcess>();

// Whatever happens to the test process, no server or emulator outlives it.
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** Kills every process started here that is still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map((child) => killHard(child)));
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  children.delete(child);
}

/** A port nobody listens on right now, to restart a server on the same PUBLIC_URL. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Database {
  url: string;
  /** A client on it, for the test's own reads (and the lease expiry it fakes). */
  client: pg.Client;
  drop(): Promise<void>;
}

/** A fresh database next to `base`, with a client for the test's own reads; `drop()` removes both. */
export async function createDatabase(base: string): Promise<Database> {
  const database = await throwawayDatabase(base, 'callpower_durability');
  const client = new pg.Client({ connectionString: database.url.toString() });
  await client.connect();
  return {
    url: database.url.toString(),
    client,
    async drop() {
      await client.end().catch(() => {});
      await database.drop();
    },
  };
}

export interface EmulatorProcess {
  url: string;
  accountSid: string;
  authToken: string;
  /** Every call the emulator knows (live ones and the latest 1000 ended), oldest first. */
  calls(): Promise<CallRecord[]>;
  /**
   * Holds the Calls.json POST after the next `after`: `held` resolves once it has arrived (the call
   * exists, the server has no answer yet); `release()` answers it and lets the call go on.
   */
  holdNextCreate(after?: number): { held: Promise<CallRecord>; release(): Promise<void> };
  stop(): Promise<void>;
}

export async function startEmulatorProcess({ timeScale = 0, legSeconds = 1 } = {}): Promise<EmulatorProcess> {
  const child = fork(`${ROOT}server/emulator/standalone.ts`, ['--time-scale', String(timeScale), '--leg-seconds', String(legSeconds)], {
    execArgv: ['--import', 'tsx'],
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  let next = 0;
  const replies = new Map<number, (message: StandaloneMessage) => void>();
  const ready = new Promise<Extract<StandaloneMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not start')), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready`)));
    child.on('message', (message: StandaloneMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else replies.get(message.id)?.(message);
    });
  });
  const { url, accountSid, authToken } = await ready;
  const ask = <T extends StandaloneMessage>(request: StandaloneRequest) =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error('the emulator is not running'));
      const gone = () => reject(new Error(`the emulator exited before answering ${request.type}`));
      child.once('exit', gone);
      replies.set(request.id, (message) => {
        replies.delete(request.id);
        child.off('exit', gone);
        resolve(message as T);
      });
      child.send(request);
    });
  return {
    url,
    accountSid,
    authToken,
    calls: async () => (await ask<Extract<StandaloneMessage, { type: 'calls' }>>({ type: 'calls', id: ++next })).calls,
    holdNextCreate(after = 0) {
      const hold = ++next;
      const held = ask<Extract<StandaloneMessage, { type: 'held' }>>({ type: 'hold-next-create', id: hold, after }).then((message) => message.call);
      return { held, release: async () => void (await ask({ type: 'release', id: ++next, hold })) };
    },
    stop: () => killHard(child),
  };
}

export interface ServerProcess {
  pid: number;
  port: number;
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL: no shutdown code runs, in-flight work is lost where it stands. */
  kill9(): Promise<void>;
  /** SIGTERM, as a process manager sends it: resolves with the exit code once the process has exited (null: killed by a signal). */
  stop(): Promise<number | null>;
  /** A second process on the same port, store and settings. */
  restart(): Promise<ServerProcess>;
}

export interface ServerSettings {
  emulator: EmulatorProcess;
  databaseUrl: string;
  adminToken: string;
  cps: number;
  port?: number;
  env?: Record<string, string>;
}

/** `node --import tsx server/main.ts` in live mode against the emulator process, on a fixed port. */
export async function startServerProcess(settings: ServerSettings): Promise<ServerProcess> {
  const port = settings.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: settings.databaseUrl,
    TWILIO_ACCOUNT_SID: settings.emulator.accountSid,
    TWILIO_AUTH_TOKEN: settings.emulator.authToken,
    TWILIO_API_URL: settings.emulator.url,
    TWILIO_CALLER_ID: '+12025550100',
    TWILIO_CPS: String(settings.cps),
    ADMIN_TOKEN: settings.adminToken,
    SECRET_KEY: 'durability-test-secret-key-0123456789',
    ...settings.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output = recordOutput(child);
  await output.until(/call-power listening on/);
  return {
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    output: output.text,
    kill9: () => killHard(child),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // Its drain lasts 5 s at most: a process still up well after that will not stop (killAll ends it).
        const exited = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the server did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM:\n${output.text()}`)), STOP_TIMEOUT_MS);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        child.kill('SIGTERM');
        await exited;
      }
      children.delete(child);
      return child.exitCode;
    },
    restart: () => startServerProcess({ ...settings, port }),
  };
}

/** A child's stdout and stderr as one text, and a wait for the start banner's `ready` line in it. */
export function recordOutput(child: ChildProcess, timeoutMs = START_TIMEOUT_MS) {
  let output = '';
  const read = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  return {
    text: () => output,
    until: (ready: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), timeoutMs);
        const check = () => {
          if (!ready.test(output)) return;
          clearTimeout(timer);
          resolve();
        };
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the server exited (${signal ?? code}) before it was ready:\n${output}`));
        });
      }),
  };
}

/** Polls `check` until it returns a value (not undefined), or throws with `describe()` after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, describe: () => Promise<string> | string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`);
    await sleep(50);
  }
}
