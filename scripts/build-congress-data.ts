/**
 * Builds server/congress/congress-data.json from the congress-legislators files and a ZCTA → district table.
 *
 *   npx tsx scripts/build-congress-data.ts [--from <dir> | --download] [--congress N] [--zcta-file <name|path|url>]
 *                                          [--out <file>] [--as-of YYYY-MM-DD] [--date YYYY-MM-DD]
 *
 * --from       folder holding legislators-current and legislators-district-offices (.json, else .yaml) and the
 *              ZCTA file (default ../shared/data next to the repository)
 * --download   fetch the same files from upstream instead (the legislators as JSON)
 * --congress   the Congress whose members and districts the files must hold (default: the one in session on the
 *              as-of date); a district file or House terms of another Congress stop the build
 * --zcta-file  the ZCTA → district table, zccd.csv (the default) or the Census relationship file
 *              tab20_cd<NNN>20_zcta520_natl.txt: a file name in the --from folder or a path; for --download a URL,
 *              or one of those two names, fetched from where it is published
 * --as-of      drop members whose term ended by this date (default: the membership data's snapshot date, else the
 *              first day of --congress)
 * --date       build date recorded in the file (default: $SOURCE_DATE_EPOCH, else the as-of date, so that
 *              rebuilding unchanged data writes the same bytes)
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type Dataset, FORMAT, MEMBER_COLUMNS, type MemberRow, type Source, serializeDataset } from '../server/congress/dataset.ts';
import { districtId, stateOfDistrict } from '../server/congress/district.ts';
import { ordinal } from '../server/congress/ordinal.ts';
import { stateForZip } from '../server/congress/zip-prefixes.ts';
import { parseZctaTable } from './zcta-districts.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_FROM = resolve(repoRoot, '../shared/data');
const DEFAULT_OUT = resolve(repoRoot, 'server/congress/congress-data.json');

const LEGISLATORS_REPO = 'https://github.com/unitedstates/congress-legislators';
/** congress-legislators publishes every file as .json, .yaml and .csv here. */
const LEGISLATORS_PAGES = 'https://unitedstates.github.io/congress-legislators/';
const ZCCD_URL = 'https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv';
const CENSUS_FOLDER = 'https://www2.census.gov/geo/docs/maps-data/data/rel2020/cd-sld/';
const CENSUS_FILE = /^tab20_cd\d+20_zcta520_natl\.txt$/;
const PUBLIC_DOMAIN = 'US Government Works (public domain)';

interface Provenance {
  repository: string;
  license: string;
  /** Snapshots we know by hash, so a local copy still records its commit and date. */
  known: { sha256: string; commit: string; date: string; note: string; congress: number | null }[];
}

const LEGISLATORS_MAIN = {
  commit: 'dfa9622263dd4c8d08636926e498f1845704d7eb',
  date: '2026-06-15',
  note: 'main branch; the gh-pages copy is the same bytes',
  congress: null,
};
const LEGISLATORS_PAGES_BUILD = {
  commit: '61c9ce6a4b093e76e1244a53ada21d8d30981f42',
  date: '2026-06-15',
  note: 'gh-pages build of main dfa9622263dd4c8d08636926e498f1845704d7eb',
  congress: null,
};

/** Provenance from shared/data/README.md, which checked each copy's blob against these commits. */
const PROVENANCE = {
  legislators: {
    repository: LEGISLATORS_REPO,
    license: 'CC0-1.0',
    known: [
      { sha256: '9447e2430d94e339d9c092cb5d150bfe992eac7f8d3af72bc9e977f8f008e29a', ...LEGISLATORS_PAGES_BUILD },
      { sha256: '423f7bdf2d4ee46589eed93361451408d309c2f81b45e5d7bb6fe9fa4ff0c321', ...LEGISLATORS_MAIN },
    ],
  },
  offices: {
    repository: LEGISLATORS_REPO,
    license: 'CC0-1.0',
    known: [
      { sha256: '6b9d8f71b50d64c10de3cc40f9734856dae409c53cd99d5bde5ee0543342ca8c', ...LEGISLATORS_PAGES_BUILD },
      { sha256: 'a667fa27e054dae8876c62aa81b5bac23e76c4d3dec495304d8958a80d20200e', ...LEGISLATORS_MAIN },
    ],
  },
  zccd: {
    repository: 'https://github.com/OpenSourceActivismTech/us-zipcodes-congress',
    license: PUBLIC_DOMAIN,
    known: [{
      sha256: '2737474129243d8c53df02db43fc5d6e3d2274fe1af131c35517fb437e76fc01',
      commit: '1335b61ff36b6835a25fc63c754070a6148110e7',
      date: '2024-11-12',
      note: '119th-Congress districts from the Census cd119 block equivalency files; file last changed in f58fe9912b312c2b8ab9174d1eb7b830a25af039',
      congress: 119,
    }],
  },
  census: {
    repository: 'https://www.census.gov/geographies/reference-files/time-series/geo/relationship-files.html',
    license: PUBLIC_DOMAIN,
    known: [],
  },
} satisfies Record<string, Provenance>;

/** One input: its file name, where it is published (or was fetched from), its text and the date its server gave it. */
export interface RawFile { name: string; url: string; text: string; lastModified: string | null }
export interface RawInputs { legislators: RawFile; offices: RawFile; zctas: RawFile }
export interface InputOptions {
  /** zccd.csv or a Census relationship file: a file name in the --from folder or a path, or a URL to download. */
  zctaFile?: string;
}

/** Where a ZCTA file named on the command line is published: a URL as given, or a name we know the home of. */
function zctaUrl(file: string): string | null {
  if (/^https?:\/\//.test(file)) return file;
  if (file === 'zccd.csv') return ZCCD_URL;
  return CENSUS_FILE.test(file) ? CENSUS_FOLDER + file : null;
}

export function readInputs(dir: string, { zctaFile = 'zccd.csv' }: InputOptions = {}): RawInputs {
  const read = (file: string, url: string): RawFile => {
    try {
      return { name: basename(file), url, text: readFileSync(file, 'utf8'), lastModified: null };
    } catch {
      throw new Error(`cannot read ${file}: --from needs a folder holding legislators-current and legislators-district-offices `
        + `(.json or .yaml) and ${zctaFile} (or use --download)`);
    }
  };
  /** The JSON copy, else the YAML one: upstream publishes both. */
  const legislatorsFile = (stem: string) => {
    const name = [`${stem}.json`, `${stem}.yaml`].find((candidate) => existsSync(resolve(dir, candidate))) ?? `${stem}.json`;
    return read(resolve(dir, name), LEGISLATORS_PAGES + name);
  };
  const zctas = zctaFile.includes(sep) ? resolve(zctaFile) : resolve(dir, zctaFile);
  return {
    legislators: legislatorsFile('legislators-current'),
    offices: legislatorsFile('legislators-district-offices'),
    zctas: read(zctas, zctaUrl(basename(zctas)) ?? basename(zctas)),
  };
}

export async function downloadInputs({ zctaFile = 'zccd.csv' }: InputOptions = {}): Promise<RawInputs> {
  const zctaLocation = zctaUrl(zctaFile);
  if (zctaLocation === null) throw new Error(`--download needs a URL for --zcta-file ${zctaFile} (it knows where zccd.csv and the Census tab20_cd<NNN>20_zcta520_natl.txt files are published)`);
  const fetchOne = async (url: string): Promise<RawFile> => {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new Error(`cannot download ${url} (${reason}). --download needs internet access; offline, build from a local copy with --from <dir>.`);
    }
    if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
    const lastModified = response.headers.get('last-modified');
    return {
      name: basename(new URL(url).pathname),
      url,
      text: await response.text(),
      lastModified: lastModified && new Date(lastModified).toISOString().slice(0, 10),
    };
  };
  const [legislators, offices, zctas] = await Promise.all([
    fetchOne(`${LEGISLATORS_PAGES}legislators-current.json`), fetchOne(`${LEGISLATORS_PAGES}legislators-district-offices.json`), fetchOne(zctaLocation),
  ]);
  return { legislators, offices, zctas };
}

const rawTerm = z.object({
  type: z.enum(['sen', 'rep']),
  end: z.string(),
  state: z.string().length(2),
  district: z.number().int().optional(),
  party: z.string(),
  caucus: z.string().optional(),
  phone: z.string().optional(),
  state_rank: z.enum(['senior', 'junior']).optional(),
});
const rawLegislators = z.array(z.object({
  id: z.object({ bioguide: z.string() }),
  name: z.object({ first: z.string(), last: z.string(), official_full: z.string().optional() }),
  terms: z.array(rawTerm).min(1),
}));
const rawOffices = z.array(z.object({
  id: z.object({ bioguide: z.string() }),
  offices: z.array(z.object({ city: z.string().optional(), phone: z.string().optional() })).default([]),
}));

/** Upstream publishes the same records as JSON and as YAML; the file name says which this is. */
function parseRecords<T>(schema: z.ZodType<T>, file: RawFile): T {
  const yaml = ['.yaml', '.yml'].includes(extname(file.name));
  let records: unknown;
  try {
    records = yaml ? parseYaml(file.text) : JSON.parse(file.text);
  } catch (error) {
    throw new Error(`${file.name} is not ${yaml ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = schema.safeParse(records);
  if (!parsed.success) throw new Error(`${file.name} has an unexpected shape:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export interface CongressTerm { number: number; start: string; end: string }

/** Congresses start on 3 January of odd years (20th Amendment, so from the 74th on); the 1st began in 1789. */
function congressNumbered(number: number): CongressTerm {
  const startYear = 1789 + 2 * (number - 1);
  return { number, start: `${startYear}-01-03`, end: `${startYear + 2}-01-03` };
}

export function congressOn(day: string): CongressTerm {
  const year = Number(day.slice(0, 4));
  const startYear = year % 2 === 1 && day >= `${year}-01-03` ? year : year % 2 === 1 ? year - 2 : year - 1;
  return congressNumbered((startYear - 1789) / 2 + 1);
}

const PARTIES: Record<string, string> = { Democrat: 'D', Republican: 'R', Independent: 'I', Libertarian: 'L' };
const DELEGATES = new Set(['DC', 'GU', 'VI', 'AS', 'MP']);
/** The island territories have no ZCTAs; their ZIPs are placed by prefix in server/congress/zip-prefixes.ts. */
const NO_ZCTA = new Set(['AS', 'GU', 'MP', 'VI']);

function compareDistricts(a: string, b: string): number {
  const number = (id: string) => (id.endsWith('-AL') ? 0 : Number(id.slice(3)));
  return a.slice(0, 2) === b.slice(0, 2) ? number(a) - number(b) : a < b ? -1 : 1;
}

function compareGroups(a: string, b: string): number {
  const [left, right] = [a.split(' '), b.split(' ')];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareDistricts(left[i]!, right[i]!);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** A ZCTA's districts, those of the state its USPS prefix names first, then the others in order. */
function orderDistricts(zcta: string, districts: Set<string>): string[] {
  const sorted = [...districts].sort(compareDistricts);
  const states = [...new Set(sorted.map(stateOfDistrict))];
  const prefixState = stateForZip(zcta);
  const primary = prefixState !== undefined && states.includes(prefixState) ? prefixState : states[0];
  return [...sorted.filter((id) => stateOfDistrict(id) === primary), ...sorted.filter((id) => stateOfDistrict(id) !== primary)];
}

export interface BuildOptions {
  asOf?: string;
  builtAt?: string;
  /** The Congress the members and districts must be of; default: the one in session on the as-of date. */
  congress?: number;
}
export interface BuildResult { dataset: Dataset; notes: string[]; warnings: string[] }

function provenance(file: RawFile, spec: Provenance, described: { congress: number; note: string } | null = null): Source {
  const sha256 = createHash('sha256').update(file.text).digest('hex');
  const known = spec.known.find((snapshot) => snapshot.sha256 === sha256);
  return {
    name: file.name,
    url: file.url,
    repository: spec.repository,
    commit: known?.commit ?? null,
    date: known?.date ?? file.lastModified,
    note: known?.note ?? described?.note ?? null,
    sha256,
    license: spec.license,
    congress: described?.congress ?? known?.congress ?? null,
  };
}

/** Every House term ends with its Congress: most of them ending on another day means the file is of another Congress. */
function checkHouseTerms(ends: string[], congress: CongressTerm, file: string): void {
  const counts = new Map<string, number>();
  for (const end of ends) counts.set(end, (counts.get(end) ?? 0) + 1);
  const ending = counts.get(congress.end) ?? 0;
  if (ending * 2 > ends.length) return;
  const [otherEnd, others] = [...counts].filter(([end]) => end !== congress.end).sort((a, b) => b[1] - a[1])[0] ?? [];
  throw new Error(`${file} does not hold the ${ordinal(congress.number)} Congress: ${ending} of its ${ends.length} House terms end with it on `
    + `${congress.end}${otherEnd ? `, ${others} end ${otherEnd}` : ''} (is --congress right, or is the file not yet updated?)`);
}

export function buildDataset(inputs: RawInputs, options: BuildOptions = {}): BuildResult {
  const notes: string[] = [];
  const warnings: string[] = [];
  const zctaTable = parseZctaTable(inputs.zctas.text, inputs.zctas.name);
  const legislatorsSource = provenance(inputs.legislators, PROVENANCE.legislators);
  const zctaSource = zctaTable.format === 'census'
    ? provenance(inputs.zctas, PROVENANCE.census, {
      congress: zctaTable.congress,
      note: `Census 2020 ZCTA to ${ordinal(zctaTable.congress)}-Congress district relationship file`,
    })
    : provenance(inputs.zctas, PROVENANCE.zccd);
  const sources = [legislatorsSource, provenance(inputs.offices, PROVENANCE.offices), zctaSource];

  const asOf = options.asOf ?? legislatorsSource.date ?? (options.congress === undefined ? null : congressNumbered(options.congress).start);
  if (!asOf) throw new Error(`cannot tell the snapshot date of ${inputs.legislators.name} (unknown copy, no Last-Modified): pass --as-of YYYY-MM-DD or --congress N`);
  const congress = options.congress === undefined ? congressOn(asOf) : congressNumbered(options.congress);
  if (zctaSource.congress !== null && zctaSource.congress !== congress.number) {
    const which = options.congress === undefined ? ` (the one in session on ${asOf}; choose another with --congress)` : '';
    throw new Error(`${zctaSource.name} describes the districts of the ${ordinal(zctaSource.congress)} Congress, not the `
      + `${ordinal(congress.number)}${which}: give the ${ordinal(congress.number)} Congress's ZCTA file with --zcta-file`);
  }

  const legislators = parseRecords(rawLegislators, inputs.legislators);
  checkHouseTerms(legislators.flatMap(({ terms }) => (terms.at(-1)!.type === 'rep' ? [terms.at(-1)!.end] : [])), congress, inputs.legislators.name);
  const offices = new Map(parseRecords(rawOffices, inputs.offices).map((person) => [person.id.bioguide, person.offices]));
  const e164 = (raw: string | undefined, what: string): string | null => {
    if (raw === undefined) return null;
    const parsed = parsePhoneNumberFromString(raw, 'US');
    if (parsed?.isValid()) return parsed.number;
    warnings.push(`${what}: dropped unusable phone ${JSON.stringify(raw)}`);
    return null;
  };

  const ranked: { row: MemberRow; rank: number }[] = [];
  for (const person of legislators) {
    const term = person.terms.at(-1)!;
    const id = person.id.bioguide;
    if (term.end <= asOf) {
      notes.push(`dropped ${id} ${person.name.last}: term ended ${term.end}`);
      continue;
    }
    const senator = term.type === 'sen';
    const party = PARTIES[term.party] ?? term.party;
    const title = senator ? 'Sen.' : term.state === 'PR' ? 'Res. Comm.' : DELEGATES.has(term.state) ? 'Del.' : 'Rep.';
    const district = senator ? null : (term.district ?? 0);
    const phone = e164(term.phone, id);
    if (phone === null) notes.push(`${id} ${person.name.last} has no DC-office phone`);
    const districtOffices = (offices.get(id) ?? []).flatMap((office): [string, string][] => {
      const officePhone = e164(office.phone, `${id} office in ${office.city}`);
      return office.city && officePhone ? [[office.city, officePhone]] : [];
    });
    if (!senator && term.end !== congress.end) warnings.push(`${id}: House term ends ${term.end}, not with the ${ordinal(congress.number)} Congress`);
    ranked.push({
      row: [id, person.name.official_full ?? `${person.name.first} ${person.name.last}`, title, party,
        term.caucus ? (PARTIES[term.caucus] ?? term.caucus) : party, term.state, district, phone, term.end, districtOffices],
      rank: senator ? (term.state_rank === 'senior' ? 0 : 1) : 2 + (district ?? 0),
    });
  }
  ranked.sort((a, b) => (a.row[5] < b.row[5] ? -1 : a.row[5] > b.row[5] ? 1 : a.rank - b.rank || (a.row[0] < b.row[0] ? -1 : 1)));
  const members = ranked.map(({ row }) => row);

  const zctas = zctaTable.districts;
  const groups = new Map<string, string[]>();
  for (const zcta of [...zctas.keys()].sort()) {
    const key = orderDistricts(zcta, zctas.get(zcta)!).join(' ');
    const group = groups.get(key);
    if (group) group.push(zcta);
    else groups.set(key, [zcta]);
  }
  const zctaDistricts = new Set([...zctas.values()].flatMap((set) => [...set]));
  const seats = new Set(members.filter((row) => row[6] !== null).map((row) => districtId(row[5], row[6]!)));
  for (const seat of seats) {
    if (!zctaDistricts.has(seat) && !NO_ZCTA.has(stateOfDistrict(seat))) warnings.push(`${seat} has a member but no ZCTA`);
  }
  const vacant = [...zctaDistricts].filter((id) => !seats.has(id)).sort(compareDistricts);
  notes.push(`vacant seats: ${vacant.join(', ') || 'none'}`);

  const dataset: Dataset = {
    format: FORMAT,
    meta: {
      congress,
      asOf,
      builtAt: options.builtAt ?? asOf,
      sources,
    },
    memberColumns: MEMBER_COLUMNS,
    members,
    zctas: Object.fromEntries([...groups].sort(([a], [b]) => compareGroups(a, b)).map(([key, zips]) => [key, zips.join(' ')])),
  };
  notes.push(`${members.length} members, ${zctas.size} ZCTAs in ${groups.size} district groups, ${ordinal(congress.number)} Congress as of ${asOf}`);
  return { dataset, notes, warnings };
}

const isDate = (value: string | undefined) => value === undefined || /^\d{4}-\d{2}-\d{2}$/.test(value);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      download: { type: 'boolean', default: false },
      congress: { type: 'string' },
      'zcta-file': { type: 'string' },
      out: { type: 'string', default: DEFAULT_OUT },
      'as-of': { type: 'string' },
      date: { type: 'string' },
    },
  });
  if (values.from && values.download) throw new Error('use either --from <dir> or --download');
  if (!isDate(values['as-of']) || !isDate(values.date)) throw new Error('--as-of and --date take YYYY-MM-DD');
  if (values.congress !== undefined && !(/^\d+$/.test(values.congress) && Number(values.congress) >= 74)) {
    throw new Error(`--congress takes a Congress's number, such as 120 (74 or later: the first to begin on 3 January): not ${values.congress}`);
  }
  const congress = values.congress === undefined ? undefined : Number(values.congress);
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && !/^\d+$/.test(epoch)) throw new Error('SOURCE_DATE_EPOCH must be seconds since 1970-01-01');
  const builtAt = values.date ?? (epoch ? new Date(Number(epoch) * 1000).toISOString().slice(0, 10) : undefined);

  const files = { zctaFile: values['zcta-file'] };
  const inputs = values.download ? await downloadInputs(files) : readInputs(values.from ?? DEFAULT_FROM, files);
  const { dataset, notes, warnings } = buildDataset(inputs, { asOf: values['as-of'], builtAt, congress });
  const text = serializeDataset(dataset);
  writeFileSync(values.out, text);
  for (const note of notes) console.log(note);
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(`wrote ${relative(process.cwd(), values.out)}: ${kb(Buffer.byteLength(text))}, ${kb(gzipSync(text, { level: 9 }).length)} gzipped`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`build-congress-data: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
