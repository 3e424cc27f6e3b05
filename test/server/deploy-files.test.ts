import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readDockerfile, runtimeFiles } from '../support/dockerfile.ts';
import { testDeps } from '../support/app.ts';
import { START_FLAGS } from '../support/start-flags.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

/**
 * No Docker daemon runs the tests: the deploy files are checked by what they reference (the production
 * install they describe is run outside Docker by test/e2e/production-install.test.ts).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const { scripts, dependencies, devDependencies } = JSON.parse(read('package.json')) as Record<string, Record<string, string>>;
const [build, runtime] = readDockerfile(read('Dockerfile'));

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.close());

describe('Dockerfile', () => {
  test('builds with the dev dependencies, then installs only the runtime ones on a slim Node 20 image', () => {
    assert.equal(build!.from, 'node:20-bookworm-slim AS build');
    assert.deepEqual(build!.run, ['npm ci --no-audit --no-fund', 'npm run build']);
    assert.equal(runtime!.from, 'node:20-bookworm-slim');
    assert.ok(runtime!.run.some((line) => /^npm ci --omit=dev\b/.test(line)), 'the runtime stage installs without dev dependencies');
    const runtimeText = [...runtime!.run, runtime!.cmd.join(' ')].join('\n');
    for (const tool of [...Object.keys(devDependencies!), 'npm run', 'npm start']) assert.ok(!runtimeText.includes(tool), `the runtime stage does not use ${tool}`);
  });

  test('the npm scripts it runs exist', () => {
    for (const line of [...build!.run, ...runtime!.run]) {
      for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g)) assert.ok(scripts![script!], `npm run ${script} exists`);
    }
  });

  test('what it copies exists in the repository or the build output, and .dockerignore keeps neither out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').filter((line) => line && !line.startsWith('#'));
    assert.ok(ignored.includes('node_modules') && ignored.includes('dist'), 'the build stage builds its own');
    for (const source of [...build!.copies.flatMap((copy) => copy.sources), ...runtime!.copies.filter((copy) => !copy.from).flatMap((copy) => copy.sources)]) {
      if (source === '.') continue;
      assert.ok(existsSync(join(ROOT, source)), `${source} is in the repository`);
      assert.ok(!ignored.includes(source), `${source} is in the build context`);
    }
    for (const file of runtimeFiles(runtime!)) {
      assert.ok(existsSync(join(ROOT, file)), `${file} exists after npm run build`);
      assert.ok(file.startsWith('dist') || !ignored.some((pattern) => file === pattern || file.startsWith(`${pattern}/`)), `${file} is in the build context`);
    }
  });

  test('the runtime image has every file the server reads from its project folder', () => {
    const copied = runtimeFiles(runtime!);
    const covered = (path: string) => copied.some((file) => path === file || path.startsWith(`${file}/`));
    const sources = ['server/congress/lookup.ts', 'server/store/db.ts', 'server/store/readiness.ts', 'server/app.ts', 'server/routes/assets.ts'];
    const reads = sources.flatMap((source) => [
      ...[...read(source).matchAll(/fromRoot\('([^']+)'\)/g)].map((match) => match[1]!),
      ...[...read(source).matchAll(/path: '([^']+)'/g)].map((match) => match[1]!),
      ...[...read(source).matchAll(/\$\{root\}([\w./-]+)/g)].map((match) => match[1]!),
    ]);
    assert.ok(reads.length >= 6, `found what the server reads: ${reads.join(', ')}`);
    for (const path of reads) assert.ok(covered(path), `${path} is copied into the runtime image`);
    for (const file of ['package.json', 'package-lock.json', 'dist/server/main.js', 'dist/call-power.js', 'dist/admin.js']) assert.ok(covered(file), `${file} is copied`);
  });

  test('runs as a non-root user, exposes the default port and starts node as npm start does', () => {
    assert.ok(runtime!.user && !['root', '0'].includes(runtime!.user.split(':')[0]!), `USER ${runtime!.user}`);
    assert.deepEqual(runtime!.expose, ['3000']);
    assert.equal(runtime!.env.PORT, '3000');
    assert.deepEqual(runtime!.cmd, ['node', ...START_FLAGS, 'dist/server/main.js']);
    assert.equal(scripts!.serve, `node ${START_FLAGS.join(' ')} dist/server/main.js`, 'npm run serve runs the same command');
    assert.ok(!/build-if-stale|tsx/.test(scripts!.serve!), 'npm run serve needs no dev dependency');
  });

  test('its HEALTHCHECK asks node (no curl in the slim image) for a route that answers', async () => {
    assert.equal(runtime!.healthcheck[0], 'node');
    const path = /http:\/\/127\.0\.0\.1:\$\{process\.env\.PORT\}(\/[\w/]+)/.exec(runtime!.healthcheck.join(' '))?.[1];
    assert.equal(path, '/health/ready');
    const response = await testDeps(store).app.request(path);
    assert.equal(response.status, 200);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, { build?: string; image?: string; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; healthcheck?: { test: string[] }; volumes?: string[] }>;
    volumes: Record<string, unknown>;
  };
  const { server, db } = compose.services;

  test('builds the server from the Dockerfile and starts it once PostgreSQL answers', () => {
    assert.equal(server!.build, '.');
    assert.ok(existsSync(join(ROOT, 'Dockerfile')));
    assert.equal(db!.image, 'postgres:15');
    assert.match(db!.healthcheck!.test.join(' '), /pg_isready/);
    assert.deepEqual(server!.depends_on, { db: { condition: 'service_healthy' } });
  });

  test('keeps the database in a named volume', () => {
    const [volume] = db!.volumes![0]!.split(':');
    assert.ok(volume! in compose.volumes, `${volume} is declared`);
    assert.match(db!.volumes![0]!, /:\/var\/lib\/postgresql\/data$/);
  });

  test('passes only settings the server knows, requires the secrets, and points DATABASE_URL at the db service', () => {
    const documented = new Set([...read('README.md').matchAll(/^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)? \|/gm)].flatMap((match) => [match[1], match[2]]).filter(Boolean));
    for (const name of Object.keys(server!.environment!)) assert.ok(documented.has(name), `${name} is in the README's Configuration table`);
    assert.match(server!.environment!.DATABASE_URL!, /^postgres:\/\/[^@]+@db:5432\//);
    assert.match(server!.environment!.ADMIN_TOKEN!, /^\$\{ADMIN_TOKEN:\?.+\}$/);
    assert.match(server!.environment!.SECRET_KEY!, /^\$\{SECRET_KEY:\?.+\}$/);
    assert.ok(server!.environment!.PUBLIC_URL, 'PUBLIC_URL is set (webhook signatures are checked against it)');
  });
});

test('npm run serve and the deploy files are in the README', () => {
  const readme = read('README.md');
  assert.match(readme, /^## Deploy$/m);
  for (const text of ['npm ci --omit=dev', 'npm run serve', 'docker compose up', '/health/ready', 'SIGTERM']) assert.ok(readme.includes(text), `the README mentions ${text}`);
});

// The runtime dependencies are what `npm ci --omit=dev` installs: the server imports nothing else.
test('the compiled server imports only runtime dependencies and Node built-ins', () => {
  const imports = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) for (const [, name] of read(path).matchAll(/(?:from |import\()'([^'.][^']*)'/g)) imports.add(name!);
    }
  };
  walk('dist/server');
  const packageOf = (name: string) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!);
  for (const name of imports) if (!name.startsWith('node:')) assert.ok(dependencies![packageOf(name)], `${name} is a runtime dependency`);
});
