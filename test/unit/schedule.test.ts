import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/config.js';
import { digestDue, reminderDue } from '../../src/domain/schedule.js';
import { isoWeekOf, zonedParts, zonedTimeToEpoch } from '../../src/domain/time.js';

const MONDAY_9 = { day: 'monday', time: '09:00' } as const;

describe('digestDue', () => {
  it('is due from 09:00 Monday until the week ends, in UTC', () => {
    expect(digestDue(Date.UTC(2026, 10, 23, 8, 59), 'UTC', MONDAY_9).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 10, 23, 9, 0), 'UTC', MONDAY_9)).toEqual({
      due: true,
      week: '2026-W48',
      localDate: '2026-11-23',
    });
    expect(digestDue(Date.UTC(2026, 10, 23, 23, 59), 'UTC', MONDAY_9).due).toBe(true);
    // A process down on Monday sends on Tuesday, or Sunday: still this week's digest.
    expect(digestDue(Date.UTC(2026, 10, 24, 9, 0), 'UTC', MONDAY_9)).toEqual({
      due: true,
      week: '2026-W48',
      localDate: '2026-11-24',
      digestDayEnded: Date.UTC(2026, 10, 24),
    });
    expect(digestDue(Date.UTC(2026, 10, 29, 23, 59), 'UTC', MONDAY_9)).toMatchObject({
      due: true,
      week: '2026-W48',
    });
    // The next Monday before 09:00 waits for the next week's digest.
    expect(digestDue(Date.UTC(2026, 10, 30, 8, 59), 'UTC', MONDAY_9)).toMatchObject({
      due: false,
      week: '2026-W49',
    });
  });

  it('a late DIGEST_TIME survives the last tick of the day: 23:58 is sent by the 00:00 tick', () => {
    const late = { day: 'monday', time: '23:58' } as const;
    expect(digestDue(Date.UTC(2026, 10, 23, 23, 55), 'UTC', late).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 10, 24, 0, 0), 'UTC', late)).toMatchObject({
      due: true,
      week: '2026-W48',
    });
  });

  it('a Sunday digest late in the day stays due until the same time Monday, for the week that Sunday ended', () => {
    const sunday = { day: 'sunday', time: '23:58' } as const;
    expect(digestDue(Date.UTC(2026, 10, 29, 23, 55), 'UTC', sunday).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 10, 30, 0, 0), 'UTC', sunday)).toMatchObject({
      due: true,
      week: '2026-W48',
      digestDayEnded: Date.UTC(2026, 10, 30),
    });
    expect(digestDue(Date.UTC(2026, 10, 30, 23, 57), 'UTC', sunday)).toMatchObject({
      due: true,
      week: '2026-W48',
    });
    expect(digestDue(Date.UTC(2026, 10, 30, 23, 58), 'UTC', sunday)).toMatchObject({
      due: false,
      week: '2026-W49',
    });
    // Across New Year: Sunday 2027-01-03 closes 2026-W53; caught up on Monday it still counts for it.
    expect(digestDue(Date.UTC(2027, 0, 4, 0, 0), 'UTC', sunday)).toMatchObject({
      due: true,
      week: '2026-W53',
    });
  });

  it('a timezone that moves east past the digest time does not lose the week', () => {
    const instant = Date.UTC(2026, 10, 23, 16, 55); // 08:55 Monday in Los Angeles, 01:55 Tuesday in Tokyo
    expect(digestDue(instant, 'America/Los_Angeles', MONDAY_9).due).toBe(false);
    expect(digestDue(instant, 'Asia/Tokyo', MONDAY_9)).toMatchObject({ due: true, week: '2026-W48' });
  });

  it("follows the manager's own timezone, including half-hour offsets", () => {
    // 09:00 in Kolkata (UTC+5:30) is 03:30 UTC.
    expect(digestDue(Date.UTC(2026, 10, 23, 3, 29), 'Asia/Kolkata', MONDAY_9).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 10, 23, 3, 30), 'Asia/Kolkata', MONDAY_9).due).toBe(true);
    // 09:00 Monday in Auckland is still Sunday evening in UTC.
    expect(digestDue(Date.UTC(2026, 10, 22, 20, 0), 'Pacific/Auckland', MONDAY_9)).toMatchObject({
      due: true,
      week: '2026-W48',
    });
    // 09:00 in Kathmandu (UTC+5:45).
    expect(digestDue(Date.UTC(2026, 10, 23, 3, 14), 'Asia/Kathmandu', MONDAY_9).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 10, 23, 3, 15), 'Asia/Kathmandu', MONDAY_9).due).toBe(true);
  });

  it('moves with daylight saving: 09:00 New York is 14:00 UTC in winter and 13:00 UTC in summer', () => {
    expect(digestDue(Date.UTC(2026, 2, 2, 13, 59), 'America/New_York', MONDAY_9).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 2, 2, 14, 0), 'America/New_York', MONDAY_9).due).toBe(true);
    expect(digestDue(Date.UTC(2026, 2, 9, 12, 59), 'America/New_York', MONDAY_9).due).toBe(false);
    expect(digestDue(Date.UTC(2026, 2, 9, 13, 0), 'America/New_York', MONDAY_9).due).toBe(true);
  });

  const zones = [
    'UTC',
    'America/New_York',
    'Europe/London',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'America/Santiago',
    'Asia/Kathmandu',
  ];

  it('is due for each ISO week in one unbroken stretch of at least a day, week after week, through a whole year (DST included)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...WEEKDAYS),
        fc.constantFrom('00:00', '02:30', '09:00', '23:45', '23:58'),
        (zone, day, time) => {
          // Every half hour through 2026: the stretches during which the digest is due, and for which week.
          const stretches: { week: string; steps: number }[] = [];
          let previous: string | undefined;
          let last: string | undefined;
          for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 30 * 60_000) {
            const due = digestDue(t, zone, { day, time });
            const week = due.due ? due.week : undefined;
            // When clocks fall back, the local hour before the digest time comes round again: the same
            // week pauses and resumes (the claim, per manager and week, still sends it once).
            if (week && week !== previous && week !== last) stretches.push({ week, steps: 0 });
            if (week) (stretches.at(-1) as { steps: number }).steps += 1;
            if (week) last = week;
            previous = week;
          }
          const weeks = stretches.map((s) => s.week);
          expect(new Set(weeks).size).toBe(weeks.length); // never due again once the next week began
          expect(weeks).toEqual([...weeks].sort()); // in order
          expect(weeks.length).toBeGreaterThanOrEqual(52); // no week lost
          // A day is 23 hours at the shortest (spring forward): 46 half hours.
          for (const s of stretches.slice(1, -1)) expect(s.steps).toBeGreaterThanOrEqual(46);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('is never skipped when the digest time falls in a spring-forward gap', () => {
    // 2026-03-08 02:30 does not exist in New York; the digest still comes that Sunday, just after the gap.
    const sunday = { day: 'sunday', time: '02:30' } as const;
    expect(digestDue(Date.UTC(2026, 2, 8, 6, 59), 'America/New_York', sunday).due).toBe(false); // 01:59 EST
    expect(digestDue(Date.UTC(2026, 2, 8, 7, 0), 'America/New_York', sunday).due).toBe(true); // 03:00 EDT
  });
});

describe('reminderDue', () => {
  it('only on weekdays at or after the digest time', () => {
    expect(reminderDue(Date.UTC(2026, 10, 24, 9, 0), 'UTC', MONDAY_9)).toBe(true); // Tuesday
    expect(reminderDue(Date.UTC(2026, 10, 24, 8, 59), 'UTC', MONDAY_9)).toBe(false);
    expect(reminderDue(Date.UTC(2026, 10, 28, 12, 0), 'UTC', MONDAY_9)).toBe(false); // Saturday
  });
});

describe('ISO week keys at year ends', () => {
  it('assigns the days around New Year to the right week-year', () => {
    expect(isoWeekOf(2026, 12, 28)).toBe('2026-W53');
    expect(isoWeekOf(2026, 12, 31)).toBe('2026-W53');
    expect(isoWeekOf(2027, 1, 1)).toBe('2026-W53');
    expect(isoWeekOf(2027, 1, 3)).toBe('2026-W53');
    expect(isoWeekOf(2027, 1, 4)).toBe('2027-W01');
    expect(isoWeekOf(2024, 12, 30)).toBe('2025-W01');
    expect(isoWeekOf(2021, 1, 3)).toBe('2020-W53');
    expect(isoWeekOf(2026, 1, 1)).toBe('2026-W01');
  });

  it('gives seven consecutive days the same week, Monday to Sunday', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), (t) => {
        const p = zonedParts(t, 'UTC');
        const monday = Date.UTC(p.year, p.month - 1, p.day) - (p.weekday - 1) * 86_400_000;
        const weeks = new Set(
          Array.from({ length: 7 }, (_, i) => {
            const d = new Date(monday + i * 86_400_000);
            return isoWeekOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
          }),
        );
        expect(weeks.size).toBe(1);
      }),
    );
  });
});

describe('zonedTimeToEpoch', () => {
  it('round-trips ordinary times and lands after a gap', () => {
    expect(zonedTimeToEpoch({ year: 2026, month: 11, day: 23, hour: 9 }, 'Asia/Kolkata')).toBe(
      Date.UTC(2026, 10, 23, 3, 30),
    );
    expect(zonedTimeToEpoch({ year: 2026, month: 7, day: 1, hour: 9 }, 'America/New_York')).toBe(
      Date.UTC(2026, 6, 1, 13),
    );
    const inGap = zonedTimeToEpoch({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York');
    expect([Date.UTC(2026, 2, 8, 6, 30), Date.UTC(2026, 2, 8, 7, 30)]).toContain(inGap);
  });
});
