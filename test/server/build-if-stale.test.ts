import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sourceDigest, staleBecause } from '../../scripts/build-if-stale.mjs';

describe('npm start builds only when a source changed', () => {
  const root = mkdtempSync(join(tmpdir(), 'callpower-build-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text = 'x') => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  test('a missing output, a missing stamp, a changed source or a changed build setting means a build', () => {
    write('server/main.ts');
    write('widget/call-power.ts');
    assert.match(staleBecause(root, {})!, /dist\/call-power\.js is missing/);
    for (const output of ['dist/call-power.js', 'dist/admin.js', 'dist/server/main.js']) write(output);
    assert.equal(staleBecause(root, {}), 'no record of the last build');

    write('dist/.build-stamp', sourceDigest(root, {}));
    assert.equal(staleBecause(root, {}), undefined, 'up to date: a restart does not build');

    utimesSync(join(root, 'widget/call-power.ts'), new Date(), new Date(Date.now() + 5000));
    assert.equal(staleBecause(root, {}), 'sources changed since the last build');
    write('dist/.build-stamp', sourceDigest(root, {}));
    write('server/new-file.ts');
    assert.equal(staleBecause(root, {}), 'sources changed since the last build', 'a new file counts');
    write('dist/.build-stamp', sourceDigest(root, {}));
    assert.equal(staleBecause(root, { CALL_POWER_COUNTRIES: 'US,CA' }), 'sources changed since the last build', 'so does the bundled countries setting');
  });
});
