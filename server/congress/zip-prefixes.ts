/**
 * USPS 3-digit ZIP prefix → state, for ZIPs that have no ZCTA (PO boxes, single-organisation and new ZIPs)
 * and for the island territories, which have no ZCTAs at all.
 *
 * Ranges follow the USPS prefix blocks (Domestic Mail Manual list L002), with unassigned prefixes inside
 * a state's block given to that state: a ZIP typed there can only be in that state. Prefixes outside every
 * state (000–004, military AE 090–099, AA 340 and AP 962–966, the freely associated states in 969) map to
 * nothing. A few ZIPs are served across a state line (06390 is Fishers Island NY); ZCTAs place those.
 */
const RANGES = `
005 NY|006-007 PR|008 VI|009 PR|010-027 MA|028-029 RI|030-038 NH|039-049 ME|050-054 VT|055 MA|056-059 VT
060-069 CT|070-089 NJ|100-149 NY|150-196 PA|197-199 DE|200 DC|201 VA|202-205 DC|206-219 MD|220-246 VA
247-268 WV|270-289 NC|290-299 SC|300-319 GA|320-339 FL|341-349 FL|350-369 AL|370-385 TN|386-397 MS
398-399 GA|400-427 KY|430-459 OH|460-479 IN|480-499 MI|500-528 IA|530-549 WI|550-567 MN|569 DC|570-577 SD
580-588 ND|590-599 MT|600-629 IL|630-658 MO|660-679 KS|680-693 NE|700-714 LA|716-729 AR|730-732 OK|733 TX
734-749 OK|750-799 TX|800-816 CO|820-831 WY|832-838 ID|840-847 UT|850-865 AZ|870-884 NM|885 TX|889-898 NV
900-961 CA|967-968 HI|970-979 OR|980-994 WA|995-999 AK`;

const byPrefix: (string | undefined)[] = new Array(1000);
for (const entry of RANGES.trim().split(/[|\n]/)) {
  const [range = '', state] = entry.split(' ');
  const [first = '', last = first] = range.split('-');
  for (let prefix = Number(first); prefix <= Number(last); prefix++) byPrefix[prefix] = state;
}

/** Every state, DC and territory with a seat in Congress, by USPS code. */
export const STATES: ReadonlySet<string> = new Set([...byPrefix.filter((state) => state !== undefined), 'AS', 'GU', 'MP']);

/** Guam is 969[1-3]x, the Northern Mariana Islands 9695x; the rest of 969 is FM, MH and PW. */
function pacific(zip: string): string | undefined {
  if (zip === '96799') return 'AS';
  if (!zip.startsWith('969')) return undefined;
  const fourth = zip[3];
  if (fourth === '1' || fourth === '2' || fourth === '3') return 'GU';
  return fourth === '5' ? 'MP' : undefined;
}

/** The state (or DC/territory) a 5-digit ZIP belongs to by USPS prefix, or undefined when no state has it. */
export function stateForZip(zip: string): string | undefined {
  return pacific(zip) ?? byPrefix[Number(zip.slice(0, 3))];
}
