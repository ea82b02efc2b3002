// Fiscal quarters. A fiscal year is named for the calendar year it ends in (FY2027 starts in 2026 unless it starts in January).
import { zonedParts, zonedTimeToEpoch } from './time.js';

export interface Quarter {
  /** Stable key stored with pushes, e.g. `2027-Q1`. */
  key: string;
  fiscalYear: number;
  quarter: 1 | 2 | 3 | 4;
  /** What people read: `2026 Q4` for calendar years, `FY2027 Q1` otherwise. */
  label: string;
}

export function quarterOf(year: number, month: number, fiscalYearStartMonth: number): Quarter {
  const start = fiscalYearStartMonth;
  const fiscalYear = start === 1 || month < start ? year : year + 1;
  const quarter = (Math.floor(((((month - start) % 12) + 12) % 12) / 3) + 1) as 1 | 2 | 3 | 4;
  const label = start === 1 ? `${fiscalYear} Q${quarter}` : `FY${fiscalYear} Q${quarter}`;
  return { key: `${fiscalYear}-Q${quarter}`, fiscalYear, quarter, label };
}

export function currentQuarter(
  now: number,
  timeZone: string,
  fiscalYearStartMonth: number,
): Quarter & { startsAt: number } {
  const p = zonedParts(now, timeZone);
  const quarter = quarterOf(p.year, p.month, fiscalYearStartMonth);
  const firstMonth = ((fiscalYearStartMonth - 1 + (quarter.quarter - 1) * 3) % 12) + 1;
  const year = firstMonth <= p.month ? p.year : p.year - 1;
  return { ...quarter, startsAt: zonedTimeToEpoch({ year, month: firstMonth, day: 1 }, timeZone) };
}

/** The label for a stored key, as the list heading shows it. */
export function quarterLabel(key: string, fiscalYearStartMonth: number): string {
  const [year, q] = key.split('-Q');
  return fiscalYearStartMonth === 1 ? `${year} Q${q}` : `FY${year} Q${q}`;
}

/** The quarter before this one, e.g. to keep last quarter's pushes readable. */
export function previousQuarterKey(key: string): string {
  const [yearText, qText] = key.split('-Q');
  const year = Number(yearText);
  const q = Number(qText);
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}
