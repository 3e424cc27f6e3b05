// Slices libphonenumber-js's min metadata (~28 KB gzipped) to the countries a deployment calls,
// so the widget validates numbers without shipping every numbering plan in the world.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Countries bundled (the server's default is US); set CALL_POWER_COUNTRIES=US,CA to change them at build time. */
export const countries = (process.env.CALL_POWER_COUNTRIES || 'US').split(',').map((c) => c.trim().toUpperCase());

/** The specifier the widget imports its metadata from (widget/internal/phone.ts). */
export const metadataModule = 'libphonenumber-js/min/metadata';

export function sliceMetadata(full, keep) {
  const unknown = keep.filter((country) => !full.countries[country]);
  if (unknown.length) throw new Error(`libphonenumber-js has no metadata for ${unknown.join(', ')}`);
  const kept = new Set(keep);
  const codes = {};
  for (const [code, list] of Object.entries(full.country_calling_codes)) {
    // The first country of a calling code is its main one, whose formats the others share: keep it too.
    if (list.some((country) => kept.has(country))) codes[code] = list.filter((country, i) => i === 0 || kept.has(country));
  }
  const names = Object.values(codes).flat();
  return {
    version: full.version,
    country_calling_codes: codes,
    countries: Object.fromEntries(names.map((country) => [country, callableTypesOnly(full.countries[country])])),
    nonGeographic: {},
  };
}

/**
 * The server rings only fixed lines, mobiles and VoIP numbers (server/phone.ts), so the patterns of
 * every other number type (toll-free, premium, personal, pager…) are dropped: numbers of those types
 * then fail validation in the widget too, as they would on the server.
 * In the min format, index 11 of a country holds its types: [fixed line, mobile, …, VoIP at 8, …].
 */
function callableTypesOnly(country) {
  const types = country[11];
  if (!Array.isArray(types)) return country;
  const kept = types.map((type, i) => (i < 2 || i === 8 ? type : 0));
  while (kept.length && !kept[kept.length - 1]) kept.pop();
  return [...country.slice(0, 11), kept, ...country.slice(12)];
}

/** The sliced metadata as the body of an ES module. */
export function metadataSource(keep = countries) {
  const path = createRequire(import.meta.url).resolve('libphonenumber-js/metadata.min.json');
  return `export default ${JSON.stringify(sliceMetadata(JSON.parse(readFileSync(path, 'utf8')), keep))};`;
}
