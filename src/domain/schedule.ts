// When a manager's weekly digest and overdue reminders are due, in their own timezone.
import type { Weekday } from '../config.js';
import { isoWeekOf, localDate, zonedParts } from './time.js';

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
  /** ISO week (of the manager's local date) the digest belongs to, e.g. `2026-W48`. */
  week: string;
  localDate: string;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Due from the digest time until the end of that local day. Reading the local clock rather than
 * computing an instant means a daylight-saving change can neither skip the day nor make it happen
 * twice, and a tick missed by a restart still catches up the same day.
 */
export function digestDue(now: number, timeZone: string, schedule: DigestSchedule): Due {
  const p = zonedParts(now, timeZone);
  const week = isoWeekOf(p.year, p.month, p.day);
  const due =
    p.weekday === WEEKDAY_NUMBER[schedule.day] && p.hour * 60 + p.minute >= minutesOf(schedule.time);
  return { due, week, localDate: localDate(now, timeZone) };
}

/** Overdue reminders go out on weekdays, at or after the digest time. */
export function reminderDue(now: number, timeZone: string, schedule: DigestSchedule): boolean {
  const p = zonedParts(now, timeZone);
  return p.weekday <= 5 && p.hour * 60 + p.minute >= minutesOf(schedule.time);
}

/** The ISO week of `now` in a timezone, for a digest sent on demand. */
export function weekOf(now: number, timeZone: string): string {
  const p = zonedParts(now, timeZone);
  return isoWeekOf(p.year, p.month, p.day);
}
