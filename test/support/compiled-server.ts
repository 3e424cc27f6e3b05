import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, recordOutput } from './processes.ts';
import { throwawayDatabase } from './postgres.ts';
import { START_FLAGS } from './start-flags.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface CompiledServer {
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** The admin token the start banner printed. */
  adminToken: string;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it (SIGTERM, as a process manager would) and removes its store; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * The compiled server (`npm run build` first) started as `npm start` starts it — same node flags, same
 * entry, demo mode with every default — on a free port, with `env` on top. Its store is PGlite in a
 * temporary folder, or a throwaway database when DATABASE_URL is set (CI's PostgreSQL run).
 */
export async function startCompiledServer(env: Record<string, string> = {}): Promise<CompiledServer> {
  const port = await freePort();
  const database = process.env.DATABASE_URL ? await throwawayDatabase(process.env.DATABASE_URL, 'callpower_abuse') : undefined;
  const dataDir = database ? undefined : mkdtempSync(join(tmpdir(), 'callpower-abuse-'));
  const child: ChildProcess = spawn(process.execPath, [...START_FLAGS, 'dist/server/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      ...(database ? { DATABASE_URL: database.url.toString() } : { DATA_DIR: dataDir }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const removeStore = async () => {
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const output = recordOutput(child, START_TIMEOUT_MS);
  try {
    await output.until(/admin token.*: \S+/);
  } catch (error) {
    child.kill('SIGKILL');
    await removeStore();
    throw error;
  }
  const adminToken = env.ADMIN_TOKEN ?? /admin token \(generated for this run\): (\S+)/.exec(output.text())![1]!;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    adminToken,
    output: output.text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(forced);
      }
      await removeStore();
      return child.exitCode;
    },
  };
}
