import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAwayUntil, isAway } from '../../src/domain/away.js';
import { calendarDate, localDate } from '../../src/domain/time.js';

const at = (iso: string) => Date.parse(iso);

describe('checkAwayUntil', () => {
  const now = at('2026-11-24T12:00:00Z');

  it('takes today and any day up to a year ahead, on the person’s own calendar', () => {
    expect(checkAwayUntil('2026-11-24', now, 'UTC')).toEqual({ ok: true, value: '2026-11-24' });
    expect(checkAwayUntil('2027-11-24', now, 'UTC')).toEqual({ ok: true, value: '2027-11-24' });
  });

  it('refuses malformed text and dates that are not on the calendar', () => {
    for (const text of ['24/12/2026', '2026-12-4', 'tomorrow', '2026-02-30', '2026-13-01', '2026-00-10', ''])
      expect(checkAwayUntil(text, now, 'UTC')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses yesterday and more than a year ahead', () => {
    expect(checkAwayUntil('2026-11-23', now, 'UTC')).toEqual({ ok: false, reason: 'past' });
    expect(checkAwayUntil('2027-11-25', now, 'UTC')).toEqual({ ok: false, reason: 'too-far' });
  });

  it('reads “past” in the person’s timezone: at the same instant it is already tomorrow in Auckland', () => {
    const lateUtc = at('2026-11-24T20:00:00Z'); // 09:00 on the 25th in Auckland, 10:00 on the 24th in Honolulu
    expect(checkAwayUntil('2026-11-24', lateUtc, 'Pacific/Auckland')).toEqual({ ok: false, reason: 'past' });
    expect(checkAwayUntil('2026-11-24', lateUtc, 'Pacific/Honolulu')).toEqual({
      ok: true,
      value: '2026-11-24',
    });
  });
});

describe('calendarDate', () => {
  it('reads every day on the calendar, leap days included, and no day that is not on it', () => {
    const day = fc.date({
      min: new Date(Date.UTC(1900, 0, 1)),
      max: new Date(Date.UTC(2999, 11, 31)),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(day, (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(calendarDate(iso)).toEqual({
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
        });
      }),
    );
    // Past the end of each month: Date would roll these over into the next month; the calendar does not.
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 3 }), (d, past) => {
        const [y, m] = [d.getUTCFullYear(), d.getUTCMonth() + 1];
        const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
        const text = `${y}-${String(m).padStart(2, '0')}-${String(last + past).padStart(2, '0')}`;
        expect(calendarDate(text)).toBeUndefined();
      }),
    );
    expect(calendarDate('2028-02-29')).toBeDefined();
    expect(calendarDate('2026-02-29')).toBeUndefined();
  });
});

describe('isAway', () => {
  it('holds through the whole last day in their timezone and ends at their midnight', () => {
    const member = { awayUntil: '2026-12-04' };
    // 23:59 on Dec 4 in New York is 04:59 UTC on Dec 5: still away there, not in London.
    const lastMinute = at('2026-12-05T04:59:00Z');
    expect(isAway(member, lastMinute, 'America/New_York')).toBe(true);
    expect(isAway(member, lastMinute, 'Europe/London')).toBe(false);
    expect(isAway(member, at('2026-12-05T05:00:00Z'), 'America/New_York')).toBe(false);
  });

  it('ends at local midnight across a daylight-saving change (New York falls back on Nov 1, 2026)', () => {
    const member = { awayUntil: '2026-11-01' };
    // Nov 1 is 25 hours long in New York: from 04:00 UTC on Nov 1 to 05:00 UTC on Nov 2.
    expect(isAway(member, at('2026-11-02T04:30:00Z'), 'America/New_York')).toBe(true);
    expect(isAway(member, at('2026-11-02T05:00:00Z'), 'America/New_York')).toBe(false);
    // Spring forward in Berlin (Mar 29, 2026 is 23 hours long): away ends at 22:00 UTC, not 23:00.
    const spring = { awayUntil: '2026-03-29' };
    expect(isAway(spring, at('2026-03-29T21:59:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isAway(spring, at('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toBe(false);
  });

  it('is not away without a date', () => {
    expect(isAway({ awayUntil: null }, at('2026-12-01T00:00:00Z'), 'UTC')).toBe(false);
    expect(isAway(undefined, at('2026-12-01T00:00:00Z'), 'UTC')).toBe(false);
  });

  it('any accepted date keeps them away at the moment it was set, whatever the timezone', () => {
    const zones = [
      'UTC',
      'Pacific/Kiritimati',
      'Etc/GMT+12',
      'America/New_York',
      'Asia/Kolkata',
      'Europe/Berlin',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 365 }),
        (now, zone, days) => {
          const today = localDate(now, zone);
          const until = new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const checked = checkAwayUntil(until, now, zone);
          expect(checked.ok).toBe(true);
          expect(isAway({ awayUntil: until }, now, zone)).toBe(true);
        },
      ),
    );
  });
});
