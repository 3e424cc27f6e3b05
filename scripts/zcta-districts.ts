/**
 * Reads the two ZCTA → congressional district tables the data build accepts: zccd.csv from
 * OpenSourceActivismTech/us-zipcodes-congress (`state_fips,state_abbr,zcta,cd`), and the Census Bureau's
 * ZCTA-to-district relationship file (`tab20_cd<NNN>20_zcta520_natl.txt`, pipe-delimited, one row per part of a
 * district inside a ZCTA; layout: https://www.census.gov/programs-surveys/geography/technical-documentation/records-layout/2020-CD-SLD-record-layout.html).
 */
import { districtId } from '../server/congress/district.ts';

/** State FIPS code → USPS code, for the states, DC, Puerto Rico and the island areas. */
export const STATE_FIPS: Readonly<Record<string, string>> = Object.fromEntries(`
01 AL|02 AK|04 AZ|05 AR|06 CA|08 CO|09 CT|10 DE|11 DC|12 FL|13 GA|15 HI|16 ID|17 IL|18 IN|19 IA|20 KS|21 KY|22 LA|23 ME
24 MD|25 MA|26 MI|27 MN|28 MS|29 MO|30 MT|31 NE|32 NV|33 NH|34 NJ|35 NM|36 NY|37 NC|38 ND|39 OH|40 OK|41 OR|42 PA|44 RI
45 SC|46 SD|47 TN|48 TX|49 UT|50 VT|51 VA|53 WA|54 WV|55 WI|56 WY|60 AS|66 GU|69 MP|72 PR|78 VI`.trim().split(/[|\n]/).map((pair) => pair.split(' ')));

/** ZCTA → district ids; a Census file names its Congress in its column names, zccd.csv does not say. */
export type ZctaTable =
  | { format: 'zccd'; congress: null; districts: Map<string, Set<string>> }
  | { format: 'census'; congress: number; districts: Map<string, Set<string>> };

const ZCCD_HEADER = 'state_fips,state_abbr,zcta,cd';

export function parseZctaTable(text: string, name: string): ZctaTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0] ?? '';
  if (header === ZCCD_HEADER) return { format: 'zccd', congress: null, districts: parseZccd(lines, name) };
  const columns = header.split('|');
  const congress = columns.map((column) => /^GEOID_CD(\d+)_20$/.exec(column)?.[1]).find(Boolean);
  if (congress && columns.includes('GEOID_ZCTA5_20') && columns.includes('AREALAND_PART')) {
    return { format: 'census', congress: Number(congress), districts: parseCensus(lines, columns, name) };
  }
  throw new Error(`${name} is neither a Census ZCTA-to-congressional-district relationship file (tab20_cd<NNN>20_zcta520_natl.txt) `
    + `nor a zccd.csv: its header is ${JSON.stringify(header.slice(0, 120))}`);
}

function add(districts: Map<string, Set<string>>, zcta: string, district: string): void {
  const set = districts.get(zcta) ?? new Set();
  districts.set(zcta, set.add(district));
}

/** `cd` 0 is an at-large seat, DC's delegate or Puerto Rico's resident commissioner. */
function parseZccd(lines: string[], name: string): Map<string, Set<string>> {
  const districts = new Map<string, Set<string>>();
  lines.forEach((line, index) => {
    if (index === 0 || line === '') return;
    const match = /^\d{2},([A-Z]{2}),(\d{5}),(\d{1,2})$/.exec(line);
    if (!match) throw new Error(`${name} line ${index + 1}: cannot read ${JSON.stringify(line)}`);
    const [, state = '', zcta = '', cd = ''] = match;
    add(districts, zcta, districtId(state, Number(cd)));
  });
  return districts;
}

/**
 * A district GEOID is the state's FIPS code and two digits: 00 at-large, 98 DC's delegate or Puerto Rico's
 * resident commissioner, ZZ water no district covers. Rows with no ZCTA (a district's land outside every
 * ZCTA), ZZ parts and parts with no land (no one lives in a lake) place no one.
 */
function parseCensus(lines: string[], columns: string[], name: string): Map<string, Set<string>> {
  const [cd, zctaColumn, land] = [columns.findIndex((column) => /^GEOID_CD\d+_20$/.test(column)), columns.indexOf('GEOID_ZCTA5_20'), columns.indexOf('AREALAND_PART')];
  const districts = new Map<string, Set<string>>();
  lines.forEach((line, index) => {
    if (index === 0 || line === '') return;
    const fields = line.split('|');
    const [geoid = '', zcta = '', area = ''] = [fields[cd], fields[zctaColumn], fields[land]];
    const fail = (what: string) => new Error(`${name} line ${index + 1}: ${what}`);
    if (fields.length !== columns.length) throw fail(`${fields.length} fields where the header has ${columns.length}`);
    const match = /^(\d{2})(\d{2}|ZZ)$/.exec(geoid);
    if (!match) throw fail(`district GEOID ${JSON.stringify(geoid)} is not a state FIPS code and two digits or ZZ`);
    if (zcta !== '' && !/^\d{5}$/.test(zcta)) throw fail(`ZCTA ${JSON.stringify(zcta)} is not 5 digits`);
    if (!/^\d+$/.test(area)) throw fail(`AREALAND_PART ${JSON.stringify(area)} is not a number`);
    const [, fips = '', number = ''] = match;
    const state = STATE_FIPS[fips];
    if (state === undefined) throw fail(`no state has FIPS code ${fips}`);
    if (zcta === '' || number === 'ZZ' || Number(area) === 0) return;
    add(districts, zcta, districtId(state, number === '98' ? 0 : Number(number)));
  });
  return districts;
}
