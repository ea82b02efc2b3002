// Writing exported rows: CSV (RFC 4180, safe to open in a spreadsheet) or JSON lines.

/** A cell as a dataset hands it over: text, a number, a flag, or nothing. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/**
 * A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel, LibreOffice
 * and Google Sheets (CSV injection, OWASP). It gets a leading apostrophe, which spreadsheets read as "this is
 * text" and do not show; a reader of the raw file sees the apostrophe and the text unchanged after it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralized(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV field per RFC 4180: quoted when it holds a quote, comma, CR or LF, quotes doubled. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'string' ? neutralized(cell) : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Lines end in CRLF, as RFC 4180 says; the header row names the columns. */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function toCsv(columns: readonly string[], rows: Iterable<Row>): string {
  let out = csvLine(columns);
  for (const row of rows) out += csvLine(columns.map((c) => row[c] ?? null));
  return out;
}

/** One JSON object per line: text exactly as stored (JSON is never run by a spreadsheet). */
export function toJsonLines(columns: readonly string[], rows: Iterable<Row>): string {
  let out = '';
  for (const row of rows)
    out += `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`;
  return out;
}

export const FORMATS = { csv: toCsv, json: toJsonLines } as const;
export type ExportFormat = keyof typeof FORMATS;
