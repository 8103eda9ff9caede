/**
 * Resolves a working-day plan's holiday calendar into plain dates when its tasks start, for the workflow's
 * input. The library (`chinese-days`) is read here, on the client side, and never by workflow code: a running
 * task keeps the calendar it started with, so a later library update cannot change its history.
 */
import chineseDays from 'chinese-days';
import type { KeyTaskView, PlanFile, WorkingCalendar } from '../contracts';
import { addDays } from '../domain/calendar';
import { taskMilestones } from '../domain/plan';

/** How many years past the last due date the calendar reaches (an extension of the last milestone). */
const YEARS_AFTER = 1;

/**
 * The working calendar of `plan` started on `startDate`, from 1 January of the start year to 31 December of the
 * year after the last due date, or undefined when the plan counts calendar days. Days the plan itself carries
 * (`offDays`, `workDays`) are added to the library's.
 */
export function resolveWorkingCalendar(plan: PlanFile, startDate: string): WorkingCalendar | undefined {
  const spec = plan.policy.workingDays;
  if (!spec) return undefined;
  const last = plan.tasks
    .flatMap((t) => taskMilestones(plan, t, startDate).map((m) => m.dueDate))
    .reduce((a, b) => (a > b ? a : b), startDate);
  const from = `${startDate.slice(0, 4)}-01-01`;
  const to = `${Number(last.slice(0, 4)) + YEARS_AFTER}-12-31`;
  const offDays = new Set(spec.offDays);
  const workDays = new Set(spec.workDays);
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    if (!weekend && chineseDays.isHoliday(d)) offDays.add(d);
    if (weekend && chineseDays.isWorkday(d)) workDays.add(d);
  }
  return { name: spec.calendar, from, to, offDays: [...offDays].sort(), workDays: [...workDays].sort() };
}

/**
 * The calendar that counts days late on the API's side (ledger, scores, bulletins) as the tasks count them:
 * undefined for a plan of calendar days; for a working-day plan, its calendar resolved from the earliest due
 * date of `views` (so that it reaches every due date and the year after the last), kept per plan and date.
 */
export function countingCalendar(plan: PlanFile, views: readonly KeyTaskView[]): WorkingCalendar | undefined {
  if (!plan.policy.workingDays) return undefined;
  const dues = views.flatMap((v) => v.milestones.map((m) => m.dueDate));
  const from = dues.length > 0 ? dues.reduce((a, b) => (a < b ? a : b)) : `${new Date().getUTCFullYear()}-01-01`;
  const key = `${plan.id}/${from}`;
  let calendar = resolved.get(key);
  if (!calendar) {
    calendar = resolveWorkingCalendar(plan, from);
    if (resolved.size > 64) resolved.clear();
    resolved.set(key, calendar!);
  }
  return calendar;
}

const resolved = new Map<string, WorkingCalendar | undefined>();
