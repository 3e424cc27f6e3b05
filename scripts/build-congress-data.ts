/**
 * Builds server/congress/congress-data.json from the congress-legislators files and the ZCTA → district table.
 *
 *   npx tsx scripts/build-congress-data.ts [--from <dir> | --download] [--out <file>] [--as-of YYYY-MM-DD] [--date YYYY-MM-DD]
 *
 * --from      folder holding legislators-current.json, legislators-district-offices.json and zccd.csv
 *             (default ../shared/data next to the repository)
 * --download  fetch the same three files from upstream instead
 * --as-of     drop members whose term ended by this date (default: the membership data's snapshot date)
 * --date      build date recorded in the file (default: $SOURCE_DATE_EPOCH, else the as-of date, so that
 *             rebuilding unchanged data writes the same bytes)
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { type Dataset, FORMAT, MEMBER_COLUMNS, type MemberRow, type Source, serializeDataset } from '../server/congress/dataset.ts';
import { districtId, stateOfDistrict } from '../server/congress/district.ts';
import { stateForZip } from '../server/congress/zip-prefixes.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_FROM = resolve(repoRoot, '../shared/data');
const DEFAULT_OUT = resolve(repoRoot, 'server/congress/congress-data.json');

const LEGISLATORS_REPO = 'https://github.com/unitedstates/congress-legislators';
const ZCCD_REPO = 'https://github.com/OpenSourceActivismTech/us-zipcodes-congress';

interface SourceSpec {
  name: string;
  url: string;
  repository: string;
  license: string;
  /** Snapshots we know by hash, so a local copy still records its commit and date. */
  known: { sha256: string; commit: string; date: string; note: string; congress: number | null }[];
}

/** Provenance from shared/data/README.md, which checked each copy's blob against these commits. */
const SOURCES = {
  legislators: {
    name: 'legislators-current.json',
    url: 'https://unitedstates.github.io/congress-legislators/legislators-current.json',
    repository: LEGISLATORS_REPO,
    license: 'CC0-1.0',
    known: [{
      sha256: '9447e2430d94e339d9c092cb5d150bfe992eac7f8d3af72bc9e977f8f008e29a',
      commit: '61c9ce6a4b093e76e1244a53ada21d8d30981f42',
      date: '2026-06-15',
      note: 'gh-pages build of main dfa9622263dd4c8d08636926e498f1845704d7eb',
      congress: null,
    }],
  },
  offices: {
    name: 'legislators-district-offices.json',
    url: 'https://unitedstates.github.io/congress-legislators/legislators-district-offices.json',
    repository: LEGISLATORS_REPO,
    license: 'CC0-1.0',
    known: [{
      sha256: '6b9d8f71b50d64c10de3cc40f9734856dae409c53cd99d5bde5ee0543342ca8c',
      commit: '61c9ce6a4b093e76e1244a53ada21d8d30981f42',
      date: '2026-06-15',
      note: 'gh-pages build of main dfa9622263dd4c8d08636926e498f1845704d7eb',
      congress: null,
    }],
  },
  zccd: {
    name: 'zccd.csv',
    url: 'https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv',
    repository: ZCCD_REPO,
    license: 'US Government Works (public domain)',
    known: [{
      sha256: '2737474129243d8c53df02db43fc5d6e3d2274fe1af131c35517fb437e76fc01',
      commit: '1335b61ff36b6835a25fc63c754070a6148110e7',
      date: '2024-11-12',
      note: '119th-Congress districts from the Census cd119 block equivalency files; file last changed in f58fe9912b312c2b8ab9174d1eb7b830a25af039',
      congress: 119,
    }],
  },
} satisfies Record<string, SourceSpec>;

type SourceKey = keyof typeof SOURCES;

/** The raw text of one input, with the date its server gave it when it was downloaded. */
export interface RawFile { text: string; lastModified: string | null }
export type RawInputs = Record<SourceKey, RawFile>;

export function readInputs(dir: string): RawInputs {
  const read = (key: SourceKey): RawFile => {
    const file = resolve(dir, SOURCES[key].name);
    try {
      return { text: readFileSync(file, 'utf8'), lastModified: null };
    } catch {
      throw new Error(`cannot read ${file}: --from needs a folder holding ${Object.values(SOURCES).map((s) => s.name).join(', ')} (or use --download)`);
    }
  };
  return { legislators: read('legislators'), offices: read('offices'), zccd: read('zccd') };
}

export async function downloadInputs(): Promise<RawInputs> {
  const fetchOne = async (key: SourceKey): Promise<RawFile> => {
    const { url } = SOURCES[key];
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new Error(`cannot download ${url} (${reason}). --download needs internet access; offline, build from a local copy with --from <dir>.`);
    }
    if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
    const lastModified = response.headers.get('last-modified');
    return { text: await response.text(), lastModified: lastModified && new Date(lastModified).toISOString().slice(0, 10) };
  };
  const [legislators, offices, zccd] = await Promise.all([fetchOne('legislators'), fetchOne('offices'), fetchOne('zccd')]);
  return { legislators, offices, zccd };
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

function parseJson<T>(schema: z.ZodType<T>, file: RawFile, name: string): T {
  const parsed = schema.safeParse(JSON.parse(file.text));
  if (!parsed.success) throw new Error(`${name} has an unexpected shape:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** ZCTA → district ids, from rows `state_fips,state_abbr,zcta,cd` (cd 0 = at-large, DC or PR). */
function parseZccd(text: string): Map<string, Set<string>> {
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  if (lines[0] !== 'state_fips,state_abbr,zcta,cd') throw new Error(`zccd.csv: unexpected header ${JSON.stringify(lines[0])}`);
  const districts = new Map<string, Set<string>>();
  lines.slice(1).forEach((line, index) => {
    const match = /^\d{2},([A-Z]{2}),(\d{5}),(\d{1,2})$/.exec(line);
    if (!match) throw new Error(`zccd.csv line ${index + 2}: cannot read ${JSON.stringify(line)}`);
    const [, state = '', zcta = '', cd = ''] = match;
    const set = districts.get(zcta) ?? new Set();
    set.add(districtId(state, Number(cd)));
    districts.set(zcta, set);
  });
  return districts;
}

/** Congresses start on 3 January of odd years (20th Amendment); the 1st began in 1789. */
export function congressOn(day: string): { number: number; start: string; end: string } {
  const year = Number(day.slice(0, 4));
  const startYear = year % 2 === 1 && day >= `${year}-01-03` ? year : year % 2 === 1 ? year - 2 : year - 1;
  return { number: (startYear - 1789) / 2 + 1, start: `${startYear}-01-03`, end: `${startYear + 2}-01-03` };
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

export interface BuildOptions { asOf?: string; builtAt?: string }
export interface BuildResult { dataset: Dataset; notes: string[]; warnings: string[] }

export function buildDataset(inputs: RawInputs, options: BuildOptions = {}): BuildResult {
  const notes: string[] = [];
  const warnings: string[] = [];
  const sources = (Object.keys(SOURCES) as SourceKey[]).map((key): Source => {
    const spec: SourceSpec = SOURCES[key];
    const sha256 = createHash('sha256').update(inputs[key].text).digest('hex');
    const known = spec.known.find((snapshot) => snapshot.sha256 === sha256);
    return {
      name: spec.name,
      url: spec.url,
      repository: spec.repository,
      commit: known?.commit ?? null,
      date: known?.date ?? inputs[key].lastModified,
      note: known?.note ?? null,
      sha256,
      license: spec.license,
      congress: known?.congress ?? null,
    };
  });
  const [legislatorsSource, , zccdSource] = sources;
  const asOf = options.asOf ?? legislatorsSource?.date;
  if (!asOf) throw new Error(`cannot tell the snapshot date of ${SOURCES.legislators.name} (unknown copy, no Last-Modified): pass --as-of YYYY-MM-DD`);
  const congress = congressOn(asOf);
  if (zccdSource?.congress != null && zccdSource.congress !== congress.number) {
    warnings.push(`zccd.csv holds ${zccdSource.congress}th-Congress districts but the members are of the ${congress.number}th`);
  }

  const legislators = parseJson(rawLegislators, inputs.legislators, SOURCES.legislators.name);
  const offices = new Map(parseJson(rawOffices, inputs.offices, SOURCES.offices.name).map((person) => [person.id.bioguide, person.offices]));
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
    if (!senator && term.end !== congress.end) warnings.push(`${id}: House term ends ${term.end}, not with the ${congress.number}th Congress`);
    ranked.push({
      row: [id, person.name.official_full ?? `${person.name.first} ${person.name.last}`, title, party,
        term.caucus ? (PARTIES[term.caucus] ?? term.caucus) : party, term.state, district, phone, term.end, districtOffices],
      rank: senator ? (term.state_rank === 'senior' ? 0 : 1) : 2 + (district ?? 0),
    });
  }
  ranked.sort((a, b) => (a.row[5] < b.row[5] ? -1 : a.row[5] > b.row[5] ? 1 : a.rank - b.rank || (a.row[0] < b.row[0] ? -1 : 1)));
  const members = ranked.map(({ row }) => row);

  const zccd = parseZccd(inputs.zccd.text);
  const groups = new Map<string, string[]>();
  for (const zcta of [...zccd.keys()].sort()) {
    const key = orderDistricts(zcta, zccd.get(zcta)!).join(' ');
    const group = groups.get(key);
    if (group) group.push(zcta);
    else groups.set(key, [zcta]);
  }
  const zctaDistricts = new Set([...zccd.values()].flatMap((set) => [...set]));
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
  notes.push(`${members.length} members, ${zccd.size} ZCTAs in ${groups.size} district groups, ${congress.number}th Congress as of ${asOf}`);
  return { dataset, notes, warnings };
}

const isDate = (value: string | undefined) => value === undefined || /^\d{4}-\d{2}-\d{2}$/.test(value);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      download: { type: 'boolean', default: false },
      out: { type: 'string', default: DEFAULT_OUT },
      'as-of': { type: 'string' },
      date: { type: 'string' },
    },
  });
  if (values.from && values.download) throw new Error('use either --from <dir> or --download');
  if (!isDate(values['as-of']) || !isDate(values.date)) throw new Error('--as-of and --date take YYYY-MM-DD');
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && !/^\d+$/.test(epoch)) throw new Error('SOURCE_DATE_EPOCH must be seconds since 1970-01-01');
  const builtAt = values.date ?? (epoch ? new Date(Number(epoch) * 1000).toISOString().slice(0, 10) : undefined);

  const inputs = values.download ? await downloadInputs() : readInputs(values.from ?? DEFAULT_FROM);
  const { dataset, notes, warnings } = buildDataset(inputs, { asOf: values['as-of'], builtAt });
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
