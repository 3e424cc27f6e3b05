export type Cell = string | number;

/** Prints rows as an aligned text table under a title; numbers are right-aligned. */
export function printTable(title: string, rows: Record<string, Cell>[]): void {
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const text = (cell: Cell | undefined) => (typeof cell === 'number' ? formatNumber(cell) : (cell ?? ''));
  const widths = headers.map((header) => Math.max(header.length, ...rows.map((row) => text(row[header]).length)));
  const line = (cells: Cell[], numeric: boolean[]) =>
    cells.map((cell, i) => (numeric[i] ? text(cell).padStart(widths[i]!) : text(cell).padEnd(widths[i]!))).join('  ').trimEnd();
  // A column of numbers (blanks allowed) is right-aligned.
  const numeric = headers.map((header) => rows.every((row) => typeof row[header] === 'number' || !row[header]));
  console.log(`\n${title}`);
  console.log(line(headers, numeric));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(headers.map((header) => row[header] ?? ''), numeric));
}

/** Thousands separated; fractions kept to what a reader can use. */
export function formatNumber(value: number): string {
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
