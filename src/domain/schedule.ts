// When a manager's weekly digest and overdue reminders are due, in their own timezone.
import { isoWeekOf, localDate, zonedParts, zonedTimeToEpoch } from './time.js';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const WEEKDAY_NUMBER: Record<Weekday, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

export interface DigestSchedule {
  day: Weekday;
  /** `HH:MM`, 24-hour, local to each manager. */
  time: string;
}

export interface Due {
  due: boolean;
  /**
   * The week the digest belongs to: the ISO week of the manager's local date at the digest moment
   * (e.g. `2026-W48`). When not due, the ISO week of now (what `digest send` sends early).
   */
  week: string;
  localDate: string;
  /**
   * Set once the digest day itself is over (a catch-up): the instant that day ended. Only someone who
   * was already a manager by then has a digest to catch up on; a new manager waits for the next one.
   */
  digestDayEnded?: number;
}

const DAY_MINUTES = 24 * 60;

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function shiftDate(p: { year: number; month: number; day: number }, days: number) {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Due from the digest day and time until the digest is sent, for the rest of that ISO week; a digest
 * time late on a Sunday stays due until the same time on Monday, so no week's window is shorter than
 * a day. The week is the ISO week of the manager's local date at the digest moment: at a year's end
 * `2026-W53` runs into January 2027, and a Sunday digest caught up on Monday still counts for the
 * week that Sunday ended. A restart, a missed or skipped tick, a late `DIGEST_TIME` or a timezone
 * that jumps east past the digest time therefore only delays the digest; the claim row, unique per
 * manager and week, keeps it to one. Reading the local clock rather than computing an instant means
 * a daylight-saving change can neither skip the week nor make it happen twice.
 */
export function digestDue(now: number, timeZone: string, schedule: DigestSchedule): Due {
  const p = zonedParts(now, timeZone);
  const localNow = localDate(now, timeZone);
  const minutes = p.hour * 60 + p.minute;
  const target = minutesOf(schedule.time);
  // Local-clock minutes since this ISO week's digest moment (negative before it).
  const sinceThisWeek = (p.weekday - WEEKDAY_NUMBER[schedule.day]) * DAY_MINUTES + minutes - target;
  const daysSinceDigestDay = (since: number) => Math.floor((since + target) / DAY_MINUTES);
  const dueFor = (since: number): Due => {
    const back = daysSinceDigestDay(since);
    const digestDay = shiftDate(p, -back);
    const due: Due = {
      due: true,
      week: isoWeekOf(digestDay.year, digestDay.month, digestDay.day),
      localDate: localNow,
    };
    if (back > 0) due.digestDayEnded = zonedTimeToEpoch(shiftDate(digestDay, 1), timeZone);
    return due;
  };
  if (sinceThisWeek >= 0) return dueFor(sinceThisWeek);
  const sinceLastWeek = sinceThisWeek + 7 * DAY_MINUTES;
  if (sinceLastWeek < DAY_MINUTES) return dueFor(sinceLastWeek);
  return { due: false, week: isoWeekOf(p.year, p.month, p.day), localDate: localNow };
}

/** Overdue reminders go out on weekdays, at or after the digest time. */
export function reminderDue(now: number, timeZone: string, schedule: DigestSchedule): boolean {
  const p = zonedParts(now, timeZone);
  return p.weekday <= 5 && p.hour * 60 + p.minute >= minutesOf(schedule.time);
}
