import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The compact Congress dataset that `scripts/build-congress-data.ts` writes and the server loads.
 * Members are rows in `MEMBER_COLUMNS` order; `zctas` maps a space-separated list of district ids
 * (primary state first) to the space-separated ZCTAs that lie in exactly those districts.
 */
export const FORMAT = 1;
export const MEMBER_COLUMNS = ['id', 'name', 'title', 'party', 'caucus', 'state', 'district', 'phone', 'termEnd', 'offices'] as const;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/);

const source = z.object({
  name: z.string(),
  url: z.string(),
  repository: z.string(),
  commit: z.string().nullable(),
  date: date.nullable(),
  note: z.string().nullable(),
  sha256: z.string(),
  license: z.string(),
  /** The Congress whose districts a ZIP → district table describes, when known. */
  congress: z.number().int().nullable(),
});

const meta = z.object({
  congress: z.object({ number: z.number().int(), start: date, end: date }),
  /** Members whose term ended on or before this date were dropped; it is the membership data's snapshot date. */
  asOf: date,
  builtAt: date,
  sources: z.array(source),
});

const memberRow = z.tuple([
  z.string(),
  z.string(),
  z.enum(['Sen.', 'Rep.', 'Del.', 'Res. Comm.']),
  z.string(),
  z.string(),
  z.string().length(2),
  z.number().int().nonnegative().nullable(),
  e164.nullable(),
  date,
  z.array(z.tuple([z.string(), e164])),
]);

const dataset = z.object({
  format: z.literal(FORMAT),
  meta,
  memberColumns: z.array(z.string()).refine((columns) => columns.join() === MEMBER_COLUMNS.join(), `must be ${MEMBER_COLUMNS.join()}`),
  members: z.array(memberRow),
  zctas: z.record(z.string(), z.string()),
});

export type Source = z.infer<typeof source>;
export type DatasetMeta = z.infer<typeof meta>;
export type MemberRow = z.infer<typeof memberRow>;
export type Dataset = Omit<z.infer<typeof dataset>, 'memberColumns'> & { memberColumns: typeof MEMBER_COLUMNS };

export function readDataset(file: string): Dataset {
  const parsed = dataset.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file} is not a call-power Congress dataset (format ${FORMAT}); rebuild it with npm run data:build.\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data as unknown as Dataset;
}

/** One member or ZCTA group per line, keys in a fixed order: rebuilding unchanged data gives the same bytes and small diffs. */
export function serializeDataset(data: Dataset): string {
  const lines = (items: string[]) => items.map((item) => `  ${item}`).join(',\n');
  return [
    '{',
    `"format": ${data.format},`,
    `"meta": ${JSON.stringify(data.meta, null, 2)},`,
    `"memberColumns": ${JSON.stringify(data.memberColumns)},`,
    `"members": [\n${lines(data.members.map((row) => JSON.stringify(row)))}\n],`,
    `"zctas": {\n${lines(Object.entries(data.zctas).map(([key, zips]) => `${JSON.stringify(key)}: ${JSON.stringify(zips)}`))}\n}`,
    '}',
    '',
  ].join('\n');
}
