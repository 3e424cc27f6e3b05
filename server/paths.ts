import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project folder (the one with package.json), whether this code runs from its TypeScript
 * source under tsx or compiled into dist/server: data files and pages are found from here.
 */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('call-power: cannot find the project folder (no package.json above the server code)');
    dir = parent;
  }
  return dir;
})();

export const fromRoot = (...segments: string[]) => join(projectRoot, ...segments);
