import { readFileSync } from 'node:fs';

/**
 * The node flags `npm start` runs the server with, read from package.json's `start` script: tests and
 * benches that start the compiled server run it exactly as users do.
 */
export const START_FLAGS: readonly string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return scripts.start.match(/\bnode((?: --[\w=-]+)*) dist\/server\/main\.js/)![1]!.trim().split(' ').filter(Boolean);
})();
