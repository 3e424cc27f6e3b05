import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readDockerfile, runtimeFiles } from '../support/dockerfile.ts';
import { throwawayDatabase } from '../support/postgres.ts';
import { freePort, recordOutput, waitFor } from '../support/processes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_TOKEN = 'production-install-admin-token';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

/**
 * The Dockerfile's runtime stage, outside Docker: the files it copies from a built tree (`npm run build`
 * first) into an empty folder, its `npm ci --omit=dev` there, and its CMD — then a demo call through it.
 */
test('the production install (no dev dependencies) starts and serves a demo call', { timeout: 240_000 }, async () => {
  const runtime = readDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).at(-1)!;
  const app = mkdtempSync(join(tmpdir(), 'callpower-production-'));
  const database = process.env.DATABASE_URL ? await throwawayDatabase(process.env.DATABASE_URL, 'callpower_production') : undefined;
  try {
    for (const file of runtimeFiles(runtime)) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      cpSync(join(ROOT, file), join(app, file), { recursive: true });
    }
    for (const command of runtime.run.filter((line) => line.startsWith('npm ci'))) {
      const [npm, ...args] = command.split(/\s+/);
      const installed = spawnSync(npm!, args, { cwd: app, encoding: 'utf8' });
      assert.equal(installed.status, 0, `${command}:\n${installed.stdout}\n${installed.stderr}`);
    }
    for (const tool of ['typescript', 'rollup', 'tsx', 'drizzle-kit']) assert.ok(!existsSync(join(app, 'node_modules', tool)), `${tool} is not installed`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const [node, ...args] = runtime.cmd;
    assert.equal(node, 'node');
    const child = spawn(process.execPath, args, {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        ...runtime.env,
        PORT: String(port),
        DEMO_LEG_SECONDS: '1',
        ADMIN_TOKEN,
        ...(database ? { DATABASE_URL: database.url.toString() } : { DATA_DIR: join(app, 'data') }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = recordOutput(child, 60_000);
    try {
      await output.until(/call-power listening on/);
      await waitFor(async () => ((await fetch(`${url}/health/ready`)).ok ? true : undefined), () => `not ready:\n${output.text()}`);
      const { widget } = (await (await fetch(`${url}/health`)).json()) as { widget: string };
      for (const page of ['/', '/admin/', widget]) assert.equal((await fetch(`${url}${page}`)).status, 200, page);

      // The demo campaign's three offices take the emulator minutes of speech: watch a one-office call to the end.
      const demo = await post(`${url}/api/campaigns/demo/calls`, { phone: '+18025550177', zip: '05401' });
      assert.equal(demo.status, 201, await demo.clone().text());
      assert.equal(((await demo.json()) as { call: { targets: unknown[] } }).call.targets.length, 3);
      const created = await post(`${url}/api/admin/campaigns`, { id: 'one-office', name: 'One office', targets: { custom: [{ name: 'Clerk', phone: '+12125550100' }] } }, { Authorization: `Bearer ${ADMIN_TOKEN}` });
      assert.equal(created.status, 201, await created.clone().text());
      const placed = await post(`${url}/api/campaigns/one-office/calls`, { phone: '+18025550178' });
      assert.equal(placed.status, 201, await placed.clone().text());
      const { call } = (await placed.json()) as { call: { id: string } };
      const ended = await waitFor(
        async () => {
          const state = (await (await fetch(`${url}/api/calls/${call.id}`)).json()) as { status: string; legs: { status: string }[] };
          return state.status === 'completed' ? state : undefined;
        },
        () => `the call did not complete:\n${output.text()}`,
        90_000,
      );
      assert.deepEqual(
        ended.legs.map((leg) => leg.status),
        ['completed'],
      );
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output.text());
    }
  } finally {
    await database?.drop();
    rmSync(app, { recursive: true, force: true });
  }
});
