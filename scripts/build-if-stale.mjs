// `npm start` runs this first: it builds (`npm run build`) only when a source changed since the last
// build, so a restart takes seconds instead of a full rebuild. `npm run build` ends with `--stamp`,
// which records what it was built from: every source file's size and mtime, and the build-time
// setting CALL_POWER_COUNTRIES.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the build reads. */
const SOURCES = ['server', 'admin', 'widget', 'scripts', 'package-lock.json', 'rollup.config.mjs', 'rollup.admin.config.mjs', 'tsconfig.json', 'tsconfig.build.json'];
/** What it writes: all must exist for the build to count as done. */
const OUTPUTS = ['dist/call-power.js', 'dist/admin.js', 'dist/server/main.js'];
const STAMP = 'dist/.build-stamp';

function* files(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return;
  if (!stats.isDirectory()) return yield [path, stats];
  for (const entry of readdirSync(path).sort()) yield* files(join(path, entry));
}

/** A digest of the sources as they are now under `root`. */
export function sourceDigest(root = ROOT, env = process.env) {
  const hash = createHash('sha256').update(`countries=${env.CALL_POWER_COUNTRIES ?? ''}\n`);
  for (const source of SOURCES) {
    for (const [path, { size, mtimeMs }] of files(join(root, source))) hash.update(`${relative(root, path)} ${size} ${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Why a build is needed under `root`, or undefined when the last one is current. */
export function staleBecause(root = ROOT, env = process.env) {
  const missing = OUTPUTS.find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return 'no record of the last build';
  if (readFileSync(stamp, 'utf8').trim() !== sourceDigest(root, env)) return 'sources changed since the last build';
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--stamp')) {
    // The last step of `npm run build`: what it was built from.
    writeFileSync(join(ROOT, STAMP), `${sourceDigest()}\n`);
  } else {
    const reason = staleBecause();
    if (reason) {
      console.log(`call-power: building (${reason})`);
      const { status } = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
      if (status !== 0) process.exit(status ?? 1);
    } else {
      console.log('call-power: the build is up to date (npm run build rebuilds it)');
    }
  }
}
