import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentQuarter, previousQuarterKey, quarterLabel, quarterOf } from '../../src/domain/quarters.js';

describe('quarterOf', () => {
  it('follows the calendar when the fiscal year starts in January', () => {
    expect(quarterOf(2026, 1, 1)).toMatchObject({ key: '2026-Q1', label: '2026 Q1' });
    expect(quarterOf(2026, 3, 1).quarter).toBe(1);
    expect(quarterOf(2026, 4, 1).quarter).toBe(2);
    expect(quarterOf(2026, 12, 1)).toMatchObject({ key: '2026-Q4', label: '2026 Q4' });
  });

  it('names the fiscal year for the year it ends in', () => {
    // FY starting October (US federal): Oct 2026 opens FY2027.
    expect(quarterOf(2026, 10, 10)).toMatchObject({ key: '2027-Q1', label: 'FY2027 Q1' });
    expect(quarterOf(2026, 9, 10)).toMatchObject({ key: '2026-Q4', label: 'FY2026 Q4' });
    // FY starting February (retail): Jan 2027 is the last month of FY2027.
    expect(quarterOf(2027, 1, 2)).toMatchObject({ key: '2027-Q4' });
    expect(quarterOf(2027, 2, 2)).toMatchObject({ key: '2028-Q1' });
    // FY starting April (UK, India, Japan).
    expect(quarterOf(2026, 4, 4)).toMatchObject({ key: '2027-Q1' });
    expect(quarterOf(2027, 3, 4)).toMatchObject({ key: '2027-Q4' });
  });

  it('gives every month a quarter, three months each, in order, for every fiscal start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2000, max: 2100 }), (start, year) => {
        const counts = [0, 0, 0, 0];
        for (let m = 1; m <= 12; m++) {
          const q = quarterOf(year, m, start);
          counts[q.quarter - 1] = (counts[q.quarter - 1] ?? 0) + 1;
        }
        expect(counts).toEqual([3, 3, 3, 3]);
        expect(quarterOf(year, start, start).quarter).toBe(1);
      }),
    );
  });
});

describe('currentQuarter', () => {
  it('turns at local midnight: Auckland is in the next quarter on Dec 31 at 22:00 UTC', () => {
    const lateDec31Utc = Date.UTC(2026, 11, 31, 22); // Jan 1, 11:00 in Auckland (NZDT, UTC+13)
    expect(currentQuarter(lateDec31Utc, 'UTC', 1).key).toBe('2026-Q4');
    const auckland = currentQuarter(lateDec31Utc, 'Pacific/Auckland', 1);
    expect(auckland).toMatchObject({ key: '2027-Q1', label: '2027 Q1' });
    expect(auckland.startsAt).toBe(Date.UTC(2026, 11, 31, 11)); // Auckland's midnight
    // A fiscal year starting in April turns there too, at the end of March.
    expect(currentQuarter(Date.UTC(2027, 2, 31, 12), 'Pacific/Auckland', 4).key).toBe('2028-Q1');
    expect(currentQuarter(Date.UTC(2027, 2, 31, 12), 'UTC', 4).key).toBe('2027-Q4');
  });

  it('reads the date in the given timezone at a year end', () => {
    const newYearUtc = Date.UTC(2027, 0, 1, 3); // still Dec 31 in New York
    expect(currentQuarter(newYearUtc, 'UTC', 1).key).toBe('2027-Q1');
    expect(currentQuarter(newYearUtc, 'America/New_York', 1).key).toBe('2026-Q4');
  });
});

describe('keys', () => {
  it('steps back across a year and labels keys', () => {
    expect(previousQuarterKey('2027-Q1')).toBe('2026-Q4');
    expect(previousQuarterKey('2026-Q3')).toBe('2026-Q2');
    expect(quarterLabel('2027-Q1', 1)).toBe('2027 Q1');
    expect(quarterLabel('2027-Q1', 10)).toBe('FY2027 Q1');
  });
});
