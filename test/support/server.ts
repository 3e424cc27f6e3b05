import { loadConfig, type Config } from '../../server/config.ts';
import { loadCongress } from '../../server/congress/lookup.ts';
import { startServer, type RunningServer, type StartOptions } from '../../server/server.ts';
import type { TestStore } from './store.ts';

let asOf = 0;
/**
 * Loaded once per test process: every test reads the same committed dataset, judged on the day the data was
 * taken, so that tests naming members hold whatever the date (test/server/ended-terms.test.ts moves the clock).
 */
export const congress = loadCongress({ clock: () => asOf });
asOf = Date.parse(congress.meta.asOf);

/** The config a fresh demo install gets, on a free port, with `env` on top. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ PORT: '0', DATA_DIR: 'memory://', ...env });
}

export interface TestServer extends RunningServer {
  /** Lines the server logged (to check that no phone number leaks into logs). */
  logs: string[];
}

/** A real server on a free port, in demo mode, with the emulator running at full speed. */
export async function startTestServer(store: TestStore, options: StartOptions = {}, env: Record<string, string> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const running = await startServer(testConfig(env), {
    store,
    congress,
    log: (line) => logs.push(line),
    dialer: { pollMs: 50, retryBaseMs: 20 },
    ...options,
    emulator: { timeScale: 0, ...options.emulator },
  });
  return { ...running, logs };
}

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
