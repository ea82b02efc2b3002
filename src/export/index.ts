// `pushpull export`: one dataset, in one format, as text for standard output.
import type { Db } from '../db/store.js';
import { DATASETS, type DatasetName } from './datasets.js';
import { type Cell, type ExportFormat, FORMATS, type Row } from './formats.js';

/** A cell as CSV and JSON lines take it: text, numbers and flags as they are; anything else as JSON text. */
function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** The export as text. */
export async function exportDataset(
  db: Db,
  name: DatasetName,
  format: ExportFormat,
  sinceIso?: string,
): Promise<string> {
  const dataset = DATASETS[name];
  const rows: Row[] = [...(await dataset.rows(db, sinceIso))].map((raw) =>
    Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, cellOf(v)])),
  );
  const columns = dataset.columns ?? Object.keys(rows[0] ?? {});
  return FORMATS[format](columns, rows);
}
