import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildDataset, downloadInputs, readInputs } from '../../scripts/build-congress-data.ts';
import { STATE_FIPS } from '../../scripts/zcta-districts.ts';
import { readDataset, serializeDataset } from '../../server/congress/dataset.ts';
import { loadCongress } from '../../server/congress/lookup.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = resolve(ROOT, 'scripts/build-congress-data.ts');
const FIXTURE = resolve(ROOT, 'test/fixtures/congress-120');
const CENSUS = 'tab20_cd12020_zcta520_natl.txt';
const RAW = resolve(ROOT, '../shared/data');
const noRaw = existsSync(RAW) ? false : `needs the raw data in ${RAW}`;

let dir = '';
before(() => (dir = mkdtempSync(join(tmpdir(), 'congress-refresh-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

/** ZCTA → its districts, read back from the dataset's groups. */
function districtsOf(zctas: Record<string, string>): Map<string, string[]> {
  return new Map(Object.entries(zctas).flatMap(([key, zips]) => zips.split(' ').map((zip): [string, string[]] => [zip, key.split(' ')])));
}

describe('a new Congress with redrawn districts (fixture in the upstream formats)', () => {
  const { dataset, notes, warnings } = buildDataset(readInputs(FIXTURE, { zctaFile: CENSUS }), { congress: 120 });

  test('is built for the Congress asked for, as of its first day', () => {
    assert.deepEqual(dataset.meta.congress, { number: 120, start: '2027-01-03', end: '2029-01-03' });
    assert.equal(dataset.meta.asOf, '2027-01-03');
  });

  test('places the ZCTAs in the redrawn districts, leaving out water-only parts and undefined districts', () => {
    assert.deepEqual(Object.fromEntries(districtsOf(dataset.zctas)), {
      '06437': ['CT-3'],
      '20001': ['DC-AL'],
      '84020': ['UT-2'],
      '84060': ['UT-3'],
      '84101': ['UT-1'],
      '84102': ['UT-1', 'UT-4'],
      '84321': ['UT-1'],
      '84720': ['UT-3'],
      '05401': ['VT-AL'],
    });
    const shipped = districtsOf(readDataset(resolve(ROOT, 'server/congress/congress-data.json')).zctas);
    assert.deepEqual(shipped.get('84720'), ['UT-2'], 'the 119th Congress had 84720 in UT-2');
  });

  test('keeps the members of the new Congress, in their new seats, and drops those whose term ended', () => {
    const seats = dataset.members.map(([id, , title, , , state, district]) => `${id} ${title} ${state}${district === null ? '' : `-${district}`}`);
    assert.deepEqual(seats, [
      'F000211 Rep. CT-2', 'F000210 Rep. CT-3', 'F000209 Del. DC-0',
      'F000201 Sen. UT', 'F000202 Sen. UT', 'F000203 Rep. UT-1', 'F000204 Rep. UT-2', 'F000205 Rep. UT-3', 'F000206 Rep. UT-4',
      'F000208 Rep. VT-0',
    ]);
    assert.ok(notes.includes('dropped F000207 Marsh: term ended 2027-01-03'), notes.join('\n'));
    const holt = dataset.members.find(([id]) => id === 'F000203')!;
    assert.deepEqual(holt.slice(7), ['+12022250103', '2029-01-03', [['Salt Lake City', '+18015550131'], ['Ogden', '+18015550132']]]);
  });

  test('records which files it was built from, and the Congress the district file describes', () => {
    const [legislators, offices, zctas] = dataset.meta.sources;
    assert.equal(legislators!.name, 'legislators-current.yaml');
    assert.equal(legislators!.url, 'https://unitedstates.github.io/congress-legislators/legislators-current.yaml');
    assert.equal(offices!.name, 'legislators-district-offices.json');
    const text = readFileSync(join(FIXTURE, CENSUS));
    assert.deepEqual(zctas, {
      name: CENSUS,
      url: `https://www2.census.gov/geo/docs/maps-data/data/rel2020/cd-sld/${CENSUS}`,
      repository: 'https://www.census.gov/geographies/reference-files/time-series/geo/relationship-files.html',
      commit: null,
      date: null,
      note: 'Census 2020 ZCTA to 120th-Congress district relationship file',
      sha256: createHash('sha256').update(text).digest('hex'),
      license: 'US Government Works (public domain)',
      congress: 120,
    });
  });

  test('warns, as for any build, when members and districts disagree', () => {
    assert.deepEqual(warnings, ['CT-2 has a member but no ZCTA']);
  });

  test('the command line writes the same file, and the server reads it', () => {
    const out = join(dir, 'congress-120.json');
    execFileSync(process.execPath, ['--import', 'tsx', SCRIPT, '--from', FIXTURE, '--congress', '120', '--zcta-file', CENSUS, '--out', out],
      { cwd: ROOT, stdio: 'pipe' });
    assert.equal(readFileSync(out, 'utf8'), serializeDataset(dataset));
    const congress = loadCongress({ file: out });
    assert.deepEqual(congress.locate('84720')?.districts, ['UT-3']);
    assert.equal((congress.representative('UT-1') as { name: string }).name, 'Casey Holt');
    assert.deepEqual(congress.senators('UT').map((member) => member.name), ['Avery Quill', 'Blair Fenwick']);
  });
});

describe('a build for the wrong Congress', () => {
  test('--congress 121 against the 120th-Congress district file fails and says why', () => {
    const run = cli('--from', FIXTURE, '--congress', '121', '--zcta-file', CENSUS, '--out', join(dir, 'never.json'));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /tab20_cd12020_zcta520_natl\.txt describes the districts of the 120th Congress, not the 121st/);
    assert.ok(!existsSync(join(dir, 'never.json')));
  });

  test('members whose House terms belong to another Congress fail the build', () => {
    const inputs = readInputs(FIXTURE, { zctaFile: CENSUS });
    const relabelled = { ...inputs, zctas: { ...inputs.zctas, text: inputs.zctas.text.replaceAll('CD120_20', 'CD121_20') } };
    assert.throws(() => buildDataset(relabelled, { congress: 121 }),
      /legislators-current\.yaml does not hold the 121st Congress: 0 of its 9 House terms end with it on 2031-01-03, 8 end 2029-01-03/);
  });

  test('a 119th-Congress membership is not the 120th', { skip: noRaw }, () => {
    assert.throws(() => buildDataset(readInputs(RAW), { congress: 120 }), /zccd\.csv describes the districts of the 119th Congress, not the 120th/);
  });
});

describe('the ZCTA → district file', () => {
  const census = (header: string, ...rows: string[]) => ({ ...readInputs(FIXTURE, { zctaFile: CENSUS }), zctas: { name: CENSUS, url: CENSUS, text: [header, ...rows, ''].join('\n'), lastModified: null } });
  const HEADER = readFileSync(join(FIXTURE, CENSUS), 'utf8').split('\n')[0]!;

  test('a row the build cannot read names its line', () => {
    assert.throws(() => buildDataset(census(HEADER, '1|4901|Congressional District 1|1|1|G5200|N|2|84101|ZCTA5 84101|1|1|G6350|B5|S|1|0', '1|9901|Congressional District 1|1|1|G5200|N|2|84102|ZCTA5 84102|1|1|G6350|B5|S|1|0'), { congress: 120 }),
      /tab20_cd12020_zcta520_natl\.txt line 3: no state has FIPS code 99/);
  });

  test('a file in neither format is refused', () => {
    assert.throws(() => buildDataset(census('GEOID|ZIP', '0601|90210'), { congress: 120 }),
      /tab20_cd12020_zcta520_natl\.txt is neither a Census ZCTA-to-congressional-district relationship file .* nor a zccd\.csv: its header is "GEOID\|ZIP"/);
  });

  test('the state FIPS table agrees with every row of zccd.csv', { skip: noRaw }, () => {
    const pairs = new Set(readFileSync(join(RAW, 'zccd.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(',').slice(0, 2).join()));
    for (const pair of pairs) {
      const [fips, state] = pair.split(',');
      assert.equal(STATE_FIPS[fips!], state, pair);
    }
    assert.equal(pairs.size, 52);
  });

  test('--zcta-file names a file in the --from folder, or a path', () => {
    assert.equal(readInputs(FIXTURE, { zctaFile: join(FIXTURE, CENSUS) }).zctas.name, CENSUS);
    assert.throws(() => readInputs(FIXTURE, { zctaFile: 'tab20_cd12120_zcta520_natl.txt' }), /cannot read .*tab20_cd12120_zcta520_natl\.txt/);
  });
});

describe('the legislators in YAML', { skip: noRaw }, () => {
  test('build the same dataset as the JSON copies of the same commit, whose date they record', () => {
    const yamlOnly = join(dir, 'yaml');
    mkdirSync(yamlOnly);
    for (const name of ['legislators-current.yaml', 'legislators-district-offices.yaml', 'zccd.csv']) symlinkSync(join(RAW, name), join(yamlOnly, name));
    const fromJson = buildDataset(readInputs(RAW)).dataset;
    const fromYaml = buildDataset(readInputs(yamlOnly)).dataset;
    assert.equal(fromYaml.meta.asOf, '2026-06-15');
    assert.deepEqual(fromYaml.members, fromJson.members);
    assert.deepEqual(fromYaml.zctas, fromJson.zctas);
    assert.deepEqual(fromYaml.meta.sources.map((source) => source.name), ['legislators-current.yaml', 'legislators-district-offices.yaml', 'zccd.csv']);
  });
});

describe('--download', () => {
  test('fetches the district file --zcta-file names: a Census file by name, or any URL', async (t) => {
    const fetched: string[] = [];
    t.mock.method(globalThis, 'fetch', async (url: string) => {
      fetched.push(url);
      return new Response('[]', { headers: { 'last-modified': 'Mon, 04 Jan 2027 10:00:00 GMT' } });
    });
    const inputs = await downloadInputs({ zctaFile: CENSUS });
    assert.deepEqual(fetched, [
      'https://unitedstates.github.io/congress-legislators/legislators-current.json',
      'https://unitedstates.github.io/congress-legislators/legislators-district-offices.json',
      `https://www2.census.gov/geo/docs/maps-data/data/rel2020/cd-sld/${CENSUS}`,
    ]);
    assert.deepEqual({ ...inputs.zctas, text: undefined }, { name: CENSUS, url: fetched[2], text: undefined, lastModified: '2027-01-04' });
    await downloadInputs({ zctaFile: 'https://example.org/districts/cd120.txt' });
    assert.equal(fetched.at(-1), 'https://example.org/districts/cd120.txt');
    await downloadInputs();
    assert.equal(fetched.at(-1), 'https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv');
  });

  test('a bare name it has no address for is refused', async () => {
    await assert.rejects(downloadInputs({ zctaFile: 'districts.txt' }), /--download needs a URL for --zcta-file districts\.txt/);
  });
});
