/**
 * The timetable of the current milestone: when its unsigned units are reminded, when it escalates, and
 * when its status changes with time (due soon, overdue). Recomputed from the state after every change, so
 * an extension re-plans everything, and keyed by due date so that nothing is sent twice.
 */
import type { KeyTaskInput } from '../../contracts';
import { addDays, deadlineEpoch, dueSoonEpoch, localTimeToEpoch, reminderDate } from '../../domain/calendar';
import { membersPending } from './items';
import { currentMilestone, lateFrom, openEscalation, type KeyTaskState } from './state';

const DAY_MS = 86_400_000;

/**
 * Patch id: escalations and the overdue notices go out at the plan's notice time (`reminderTime`, 09:00 local
 * for 2016) of the day they fall due, as reminders do, instead of at midnight. Runs whose histories planned
 * them at midnight keep that until they pass this point. Never reuse or rename.
 */
export const PATCH_NOTICE_TIME = 'notices-notice-time';

/** Something that happens to the current milestone at a given instant. */
export type ScheduledEvent =
  | { at: number; kind: 'reminder'; milestoneId: string; dueDate: string; daysBefore: number; id: string }
  | { at: number; kind: 'escalation'; milestoneId: string; dueDate: string; level: number; id: string }
  /** A work item's members (provinces) that have not reported by the end of the due date: their own notice. */
  | { at: number; kind: 'overdue'; milestoneId: string; dueDate: string; workItem: number; id: string }
  | { at: number; kind: 'status' };

/** The deterministic id of a notification: workflow, milestone, kind and the instant it stands for. */
export function notificationId(workflowId: string, milestoneId: string, kind: string, key: string): string {
  return `${workflowId}/${milestoneId}/${kind}/${key}`;
}

/**
 * Every event of the current milestone that has not happened yet (whether it is due now or later), in
 * time order. Reminders planned for before the milestone opened (or was re-planned by an extension) are
 * dropped: they would remind of a deadline nobody could yet act on. Escalations are never dropped: they
 * count from the later of the due date and the day the milestone opened, and the levels already due when
 * the task looks are sent as one notice (transitions.ts).
 */
export function pendingEvents(
  state: KeyTaskState,
  input: KeyTaskInput,
  workflowId: string,
  patched: (patchId: string) => boolean = () => false,
): ScheduledEvent[] {
  const m = currentMilestone(state);
  // A milestone submitted for the office's closure review has nothing more to remind or escalate until returned.
  if (!m || m.state === 'submitted') return [];
  const { policy } = input;
  const sent = new Set(state.notifications.map((n) => n.id));
  // Lateness, and so escalation, counts from the later of the due date and the day the milestone opened.
  const deadline = deadlineEpoch(lateFrom(m), policy.utcOffset);
  // The instant a notice `afterDays` past the deadline goes out: the notice time of that day, or (older runs)
  // the deadline itself plus whole days.
  const late = patched(PATCH_NOTICE_TIME)
    ? (afterDays: number) =>
        localTimeToEpoch(addDays(lateFrom(m), 1 + afterDays), policy.reminderTime, policy.utcOffset)
    : (afterDays: number) => deadline + afterDays * DAY_MS;
  // A resubmitted round is reminded again (runs that passed `notices-round-notices`): its reminders' ids carry it.
  const round = state.remindEachRound ? m.rounds.length : 1;
  const events: ScheduledEvent[] = [];
  for (const daysBefore of policy.reminderDaysBefore) {
    // Working-day plans: on working days, counted in working days (the calendar is in the input).
    const day = reminderDate(m.dueDate, daysBefore, policy.workingCalendar);
    const at = localTimeToEpoch(day, policy.reminderTime, policy.utcOffset);
    const key = round > 1 ? `${m.dueDate}/r${round}/${daysBefore}d` : `${m.dueDate}/${daysBefore}d`;
    const id = notificationId(workflowId, m.id, 'reminder', key);
    if (at >= state.plannedFrom && !sent.has(id)) {
      events.push({ at, kind: 'reminder', milestoneId: m.id, dueDate: m.dueDate, daysBefore, id });
    }
  }
  const reached = openEscalation(state, m.id)?.level ?? 0;
  for (const e of policy.escalation) {
    if (e.level <= reached) continue;
    const id = notificationId(workflowId, m.id, 'escalation', `${m.dueDate}/L${e.level}`);
    events.push({
      at: late(e.afterDays),
      kind: 'escalation',
      milestoneId: m.id,
      dueDate: m.dueDate,
      level: e.level,
      id,
    });
  }
  // Runs with work items: each item's members still to report get their own overdue notice (its lead is told).
  (m.items ?? []).forEach((item, workItem) => {
    const id = notificationId(workflowId, m.id, 'overdue', `${m.dueDate}/i${workItem}`);
    if (sent.has(id) || !item.collectives.some((c) => membersPending(item, c).length > 0)) return;
    events.push({ at: late(0), kind: 'overdue', milestoneId: m.id, dueDate: m.dueDate, workItem, id });
  });
  const dueSoon = dueSoonEpoch(m.dueDate, policy.dueSoonDays, policy.utcOffset);
  events.push({ at: dueSoon, kind: 'status' }, { at: deadline, kind: 'status' });
  return events.sort((a, b) => a.at - b.at);
}

/** Events due at or before `now`, in order (status-only events excluded: they change nothing). */
export function dueEvents(events: ScheduledEvent[], now: number): Exclude<ScheduledEvent, { kind: 'status' }>[] {
  return events.filter((e): e is Exclude<ScheduledEvent, { kind: 'status' }> => e.at <= now && e.kind !== 'status');
}

/** The next instant after `now` at which something happens, or undefined when nothing is scheduled. */
export function nextWake(events: ScheduledEvent[], now: number): number | undefined {
  return events.find((e) => e.at > now)?.at;
}
