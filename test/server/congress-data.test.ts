import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildDataset, congressOn, downloadInputs, readInputs } from '../../scripts/build-congress-data.ts';
import { readDataset } from '../../server/congress/dataset.ts';
import { stateForZip } from '../../server/congress/zip-prefixes.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const COMMITTED = resolve(ROOT, 'server/congress/congress-data.json');
const SCRIPT = resolve(ROOT, 'scripts/build-congress-data.ts');
const RAW = resolve(ROOT, '../shared/data');
const noRaw = existsSync(RAW) ? false : `needs the raw data in ${RAW}`;

describe('the committed dataset', () => {
  const data = readDataset(COMMITTED);

  test('is under 1 MB gzipped', () => {
    assert.ok(gzipSync(readFileSync(COMMITTED)).length < 1024 * 1024);
  });

  test('records its Congress, dates and sources', () => {
    assert.deepEqual(data.meta.congress, { number: 119, start: '2025-01-03', end: '2027-01-03' });
    assert.equal(data.meta.asOf, '2026-06-15');
    assert.deepEqual(data.meta.sources.map((s) => [s.name, s.commit?.slice(0, 7), s.date]), [
      ['legislators-current.json', '61c9ce6', '2026-06-15'],
      ['legislators-district-offices.json', '61c9ce6', '2026-06-15'],
      ['zccd.csv', '1335b61', '2024-11-12'],
    ]);
    assert.equal(data.meta.sources[2]!.congress, 119);
  });
});

describe('the build', { skip: noRaw }, () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'congress-data-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const build = (out: string, ...args: string[]) => {
    execFileSync(process.execPath, ['--import', 'tsx', SCRIPT, '--from', RAW, '--out', out, ...args], { cwd: ROOT, stdio: 'pipe' });
    return readFileSync(out);
  };

  test('is deterministic and the committed file is a fresh build of ../shared/data', () => {
    const first = build(join(dir, 'a.json'));
    const second = build(join(dir, 'b.json'));
    assert.ok(first.equals(second), 'two builds differ');
    assert.ok(first.equals(readFileSync(COMMITTED)), 'server/congress/congress-data.json is stale: run npx tsx scripts/build-congress-data.ts');
  });

  test('--date sets only the build date', () => {
    build(join(dir, 'dated.json'), '--date', '2026-11-24');
    const dated = readDataset(join(dir, 'dated.json'));
    assert.equal(dated.meta.builtAt, '2026-11-24');
    assert.equal(dated.meta.asOf, '2026-06-15');
  });

  test('drops members whose term has ended by the as-of date', () => {
    const { dataset, notes } = buildDataset(readInputs(RAW), { asOf: '2026-12-01' });
    assert.equal(dataset.members.length, 535);
    assert.ok(!dataset.members.some(([id]) => id === 'H001104' || id === 'M001244'), 'Husted and Moody are gone');
    assert.ok(notes.some((note) => note.includes('term ended 2026-11-03')));
    assert.equal(dataset.meta.congress.number, 119);
  });

  test('an unknown copy needs an explicit as-of date', () => {
    const inputs = readInputs(RAW);
    const edited = { ...inputs, legislators: { ...inputs.legislators, text: `${inputs.legislators.text}\n` } };
    assert.throws(() => buildDataset(edited), /--as-of/);
    assert.equal(buildDataset(edited, { asOf: '2026-06-15' }).dataset.meta.sources[0]!.commit, null);
  });
});

test('a missing input folder and an offline download fail with one clear message', async (t) => {
  assert.throws(() => readInputs('/nonexistent'), /cannot read \/nonexistent\/legislators-current\.json: --from needs a folder/);
  t.mock.method(globalThis, 'fetch', async () => {
    throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND unitedstates.github.io') });
  });
  await assert.rejects(downloadInputs(), /cannot download https:\/\/.+ \(getaddrinfo ENOTFOUND .+\)\. --download needs internet access/);
});

test('congressOn counts Congresses from 3 January of odd years', () => {
  assert.equal(congressOn('2026-06-15').number, 119);
  assert.equal(congressOn('2025-01-03').number, 119);
  assert.equal(congressOn('2025-01-02').number, 118);
  assert.equal(congressOn('2027-01-02').number, 119);
  assert.deepEqual(congressOn('2027-01-03'), { number: 120, start: '2027-01-03', end: '2029-01-03' });
});

describe('the ZIP prefix table', () => {
  test('agrees with the state of every ZCTA but the known cross-border post offices', { skip: noRaw }, () => {
    const states = new Map<string, Set<string>>();
    for (const line of readFileSync(resolve(RAW, 'zccd.csv'), 'utf8').trim().split(/\r?\n/).slice(1)) {
      const [, state, zcta] = line.split(',');
      states.set(zcta!, (states.get(zcta!) ?? new Set()).add(state!));
    }
    const disagreeing = [...states].filter(([zcta, zctaStates]) => !zctaStates.has(stateForZip(zcta) ?? '')).map(([zcta]) => zcta);
    // Post offices that serve across a state line (Fishers Island NY has a Connecticut ZIP, 06390), and 57717
    // (an SD prefix) whose ZCTA the table puts in MT and WY only.
    assert.deepEqual(disagreeing.sort(), ['06390', '57255', '57430', '57638', '57641', '57642', '57645', '57648', '57660', '57717',
      '73960', '81120', '81137', '81324', '83414']);
  });

  test('maps DC, the territories and military or foreign prefixes as USPS does', () => {
    const cases: [string, string | undefined][] = [['20500', 'DC'], ['56901', 'DC'], ['00501', 'NY'], ['00601', 'PR'], ['00802', 'VI'],
      ['96799', 'AS'], ['96701', 'HI'], ['96913', 'GU'], ['96950', 'MP'], ['96941', undefined], ['09012', undefined],
      ['34001', undefined], ['96301', undefined], ['00100', undefined], ['88501', 'TX'], ['73301', 'TX'], ['99950', 'AK']];
    for (const [zip, state] of cases) assert.equal(stateForZip(zip), state, zip);
  });
});
