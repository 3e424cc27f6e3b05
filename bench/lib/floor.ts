import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { START_FLAGS } from '../../test/support/start-flags.ts';
import type { LoadTarget } from './load.ts';

const ENTRY = fileURLToPath(new URL('../floor-server.mjs', import.meta.url));

export interface FloorServer extends LoadTarget {
  stop(): Promise<void>;
}

/**
 * Starts a floor in its own process with the server's node flags: `bare` node:http answering a small
 * JSON (what the machine can do at all), or a trivial Hono route (what the framework costs).
 */
export async function startFloor(kind: 'bare' | 'hono'): Promise<FloorServer> {
  const child = fork(ENTRY, [kind], { execArgv: [...START_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ url: string }];
  return {
    pid: child.pid!,
    url: ready.url,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
