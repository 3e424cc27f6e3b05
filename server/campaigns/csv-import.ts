import { CsvError, parse } from 'csv-parse/sync';
import { ApiError } from '../errors.ts';
import { type CheckedTarget, checkCustomTargets, CustomTargetInput, MAX_CUSTOM_TARGETS } from './campaigns.ts';

const COLUMNS = ['id', 'name', 'title', 'phone', 'extension', 'state', 'district', 'zips'];

interface Problem {
  line: number;
  column?: string;
  message: string;
}

function reject(problems: Problem[]): never {
  const [first] = problems;
  const where = (problem: Problem) => `line ${problem.line}${problem.column ? `, ${problem.column}` : ''}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw Object.assign(new ApiError(422, 'invalid_csv', `${where(first!)}: ${first!.message}${more}`, where(first!)), {
    details: problems.slice(0, 100),
  });
}

/**
 * Reads a custom target list from CSV (header row: name, phone, and optionally title, extension, id, and
 * one of state, district or zips to route a target to callers there).
 * Every row is checked; any problem rejects the whole file, listing each bad line, so nothing is half-imported.
 */
export function parseTargetsCsv(text: string, countries: readonly string[]): CheckedTarget[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    if (error instanceof CsvError) reject([{ line: (error as CsvError & { lines?: number }).lines ?? 1, message: error.message }]);
    throw error;
  }
  if (!records.length) reject([{ line: 1, message: 'the file has no rows under its header' }]);
  const header = Object.keys(records[0]!.record);
  const unknown = header.filter((name) => !COLUMNS.includes(name));
  const missing = ['name', 'phone'].filter((name) => !header.includes(name));
  if (unknown.length || missing.length) {
    const message = [missing.length ? `missing column ${missing.join(', ')}` : '', unknown.length ? `unknown column ${unknown.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    reject([{ line: 1, message: `${message} (columns: ${COLUMNS.join(', ')})` }]);
  }
  if (records.length > MAX_CUSTOM_TARGETS) reject([{ line: 1, message: `at most ${MAX_CUSTOM_TARGETS} targets per campaign` }]);

  const problems: Problem[] = [];
  const valid: { line: number; row: CustomTargetInput }[] = [];
  for (const { record, info } of records) {
    const present: Record<string, unknown> = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ''));
    // A cell holds the whole list; commas are allowed too, inside quotes.
    if (typeof present.zips === 'string') present.zips = present.zips.split(/[\s;,]+/).filter(Boolean);
    const parsed = CustomTargetInput.safeParse(present);
    if (parsed.success) valid.push({ line: info.lines, row: parsed.data });
    else for (const issue of parsed.error.issues) problems.push({ line: info.lines, column: String(issue.path[0] ?? ''), message: issue.message });
  }
  const { list, problems: checks } = checkCustomTargets(
    valid.map(({ row }) => row),
    countries,
  );
  problems.push(...checks.map(({ index, column, message }) => ({ line: valid[index]!.line, column, message })));
  if (problems.length) reject(problems.sort((a, b) => a.line - b.line));
  return list;
}
