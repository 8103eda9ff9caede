/**
 * Calendar arithmetic on plain `YYYY-MM-DD` dates and fixed UTC offsets. Pure and deterministic, so the
 * workflow can use it: every instant is computed from dates, never from the machine's time zone. Working days
 * come from a calendar resolved into the workflow's input (client/working-calendar.ts), never from a library.
 */
import type { WorkingCalendar } from '../contracts/shared';

const DAY_MS = 86_400_000;

/** Parses a `+08:00` style offset into minutes east of UTC. */
export function offsetMinutes(utcOffset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset);
  if (!m) throw new Error(`bad UTC offset "${utcOffset}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** The date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Epoch milliseconds of the local wall-clock time `hh:mm` on `date` at the given offset. */
export function localTimeToEpoch(date: string, time: string, utcOffset: string): number {
  return Date.parse(`${date}T${time}:00Z`) - offsetMinutes(utcOffset) * 60_000;
}

/**
 * The instant a milestone falls due: the end of its due date in the plan's time zone (midnight that
 * starts the next day). A sign-off any time on the due date is on time.
 */
export function deadlineEpoch(dueDate: string, utcOffset: string): number {
  return localTimeToEpoch(addDays(dueDate, 1), '00:00', utcOffset);
}

/** The local calendar date of an instant in the plan's time zone. */
export function localDate(epochMs: number, utcOffset: string): string {
  return new Date(epochMs + offsetMinutes(utcOffset) * 60_000).toISOString().slice(0, 10);
}

/**
 * Days an instant is past a due date, counted as offices count them (逾期N天): the day after the due date is 1
 * day late, 0 on or before the due date. Calendar days, or with a working calendar the working days after the
 * due date up to and including today.
 */
export function daysLate(dueDate: string, utcOffset: string, epochMs: number, calendar?: WorkingCalendar): number {
  const today = localDate(epochMs, utcOffset);
  if (!calendar) return Math.max(0, daysBetween(dueDate, today));
  let days = 0;
  for (let d = addDays(dueDate, 1); d <= today; d = addDays(d, 1)) if (isWorkingDay(d, calendar)) days++;
  return days;
}

/** The date `days` after `date`: calendar days, or with a working calendar that many working days later. */
export function addWorkingDays(date: string, days: number, calendar?: WorkingCalendar): string {
  if (!calendar) return addDays(date, days);
  let d = date;
  for (let left = days; left > 0; left--) {
    d = addDays(d, 1);
    while (!isWorkingDay(d, calendar)) d = addDays(d, 1);
  }
  return d;
}

/** Whether `date` is a working day of the calendar (see {@link WorkingCalendar}). */
export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  if (date < calendar.from || date > calendar.to) return !weekend;
  return weekend ? calendar.workDays.includes(date) : !calendar.offDays.includes(date);
}

/**
 * The date of a reminder `daysBefore` a due date: calendar days before it; or with a working calendar, the last
 * working day on or before the due date moved back `daysBefore` working days (a reminder on the due day of a
 * milestone due on a holiday goes out on the working day before).
 */
export function reminderDate(dueDate: string, daysBefore: number, calendar?: WorkingCalendar): string {
  if (!calendar) return addDays(dueDate, -daysBefore);
  let d = dueDate;
  while (!isWorkingDay(d, calendar)) d = addDays(d, -1);
  for (let left = daysBefore; left > 0; left--) {
    d = addDays(d, -1);
    while (!isWorkingDay(d, calendar)) d = addDays(d, -1);
  }
  return d;
}

/**
 * The date a milestone's lateness counts from: its due date, or the day it opened when that is later (a
 * milestone opened late by a late predecessor is not late for days in which nobody could sign it).
 */
export function lateFrom(m: { dueDate: string; openedOn?: string }): string {
  return m.openedOn && m.openedOn > m.dueDate ? m.openedOn : m.dueDate;
}

/** The instant from which a milestone is "due soon": the start of the day `days` before its due date. */
export function dueSoonEpoch(dueDate: string, days: number, utcOffset: string): number {
  return localTimeToEpoch(addDays(dueDate, -days), '00:00', utcOffset);
}

/** ISO string of an epoch. */
export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The period (`YYYY-MM`) a progress report made on `date` counts for (`day`: the cadence's due day): this month's until its due day, then the next. */
export function periodAt(date: string, day: number): string {
  const month = date.slice(0, 7);
  return Number(date.slice(8, 10)) <= day ? month : nextPeriod(month);
}

/** The period after `period`. */
export function nextPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The due date of a period's report. */
export function periodDueDate(period: string, day: number): string {
  return `${period}-${String(day).padStart(2, '0')}`;
}
