/**
 * The office's closed loop on a key task, for plans whose policy asks for it: receipt (签收) of each milestone by
 * the units that sign it, with disputes the task's office decides; progress reports (进展报告) on the plan's
 * monthly cadence, reminded, and chased and scored when missed; and stalls (停滞), a task without any act of its
 * units for the policy's days. Pure functions over the state, like transitions.ts, whose `Step` calls them and
 * carries out what they decide; the row's flags are derived here too, so the board, the query and the search
 * attributes agree.
 *
 * A run takes these rules when its input carries `policy.receipt` or `policy.progress` and it started with patch
 * `closed-loop` (workflow.ts): its state then has `loop`. Runs started before keep the rules they started with.
 */
import type { KeyTaskInput, LoopRow, Progress, Receipt } from '../../contracts';
import type { WorkingCalendar } from '../../contracts/shared';
import {
  addWorkingDays,
  deadlineEpoch,
  iso,
  localDate,
  localTimeToEpoch,
  nextPeriod,
  periodAt,
  periodDueDate,
} from '../../domain/calendar';
import { coUnitsOf, isWaived } from './items';
import type { KeyTaskState, MilestoneRecord } from './state';

/** Patch id: receipt, progress reports and stalls, for runs whose input asks for them. Never reuse or rename. */
export const PATCH_CLOSED_LOOP = 'closed-loop';

const DAY_MS = 86_400_000;

/** Monday to Friday, for receipt days on a plan that counts calendar days (签收 counts working days). */
const WEEKDAYS: WorkingCalendar = { name: 'weekdays', from: '', to: '', offDays: [], workDays: [] };

/** Whether a task's input asks for any part of the closed loop. */
export function loopAsked(input: KeyTaskInput): boolean {
  return input.policy.receipt !== undefined || input.policy.progress !== undefined;
}

/** The loop's part of a new run's state: progress reporting from the period current at `now`. */
export function initialLoop(input: KeyTaskInput, now: number): Pick<KeyTaskState, 'loop' | 'progress'> {
  const p = input.policy.progress;
  if (!p) return { loop: true };
  return {
    loop: true,
    progress: {
      from: periodAt(localDate(now, input.policy.utcOffset), p.day),
      day: p.day,
      reports: [],
      missed: [],
      lastActivityAt: iso(now),
      stalls: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Receipt (签收)

/**
 * The units a milestone asks to sign for receipt: every work item's lead and co-units (designated ones once
 * designated), not waived; a run without work items, its responsible units. Collectives' members (the provinces)
 * report on their part instead.
 */
export function receiptUnits(m: MilestoneRecord): string[] {
  if (!m.items) return m.required.map((r) => r.department);
  return [...new Set(m.items.flatMap((item) => [item.lead, ...coUnitsOf(item)].filter((d) => !isWaived(item, d))))];
}

/** The last day to sign for a part asked at `now`: the policy's receipt days later, in working days. */
export function receiptDueDate(input: KeyTaskInput, now: number): string {
  const { policy } = input;
  return addWorkingDays(localDate(now, policy.utcOffset), policy.receipt!.days, policy.workingCalendar ?? WEEKDAYS);
}

/** A unit's current receipt of a milestone (a hand-over leaves the old one behind). */
export function receiptOf(m: MilestoneRecord, department: string): Receipt | undefined {
  return m.receipts?.filter((r) => r.department === department).at(-1);
}

/**
 * Brings the current milestone's receipts in line with who signs it now: a unit newly asked (the milestone
 * opened, a unit was designated, added or handed a part) gets a pending receipt; a unit no longer asked whose
 * receipt was still open is marked handed over. Answers whether anything changed.
 */
export function syncReceipts(state: KeyTaskState, input: KeyTaskInput, now: number): boolean {
  const m = state.lifecycle === 'active' ? state.milestones[state.current] : undefined;
  if (!m || !input.policy.receipt || !state.loop) return false;
  const asked = receiptUnits(m);
  const receipts = (m.receipts ??= []);
  let changed = false;
  for (const d of asked) {
    const r = receiptOf(m, d);
    if (r && r.state !== 'handed-over') continue;
    receipts.push({ department: d, state: 'pending', askedAt: iso(now), dueDate: receiptDueDate(input, now) });
    changed = true;
  }
  for (const r of receipts) {
    if ((r.state === 'pending' || r.state === 'disputed') && !asked.includes(r.department)) {
      r.state = 'handed-over';
      changed = true;
    }
  }
  return changed;
}

/** Receipts of the current milestone still pending after their last day, at `now`. */
export function unreceivedLate(m: MilestoneRecord, input: KeyTaskInput, now: number): string[] {
  return (m.receipts ?? [])
    .filter((r) => r.state === 'pending' && now >= deadlineEpoch(r.dueDate, input.policy.utcOffset))
    .map((r) => r.department);
}

// ---------------------------------------------------------------------------------------------------------------
// Progress reports (进展报告) and stalls (停滞)

/** The period a report made at `now` counts for (never before the first period owed). */
export function currentPeriod(progress: Progress, input: KeyTaskInput, now: number): string {
  const p = periodAt(localDate(now, input.policy.utcOffset), progress.day);
  return p < progress.from ? progress.from : p;
}

/** Whether the task's lead reported for `period`. */
function leadReported(progress: Progress, period: string): boolean {
  return progress.reports.some((r) => r.period === period && r.role === 'lead');
}

/** A time event of the loop: a receipt's last day, a report due or missed, a stall. */
export type LoopEvent =
  | { at: number; kind: 'receipt-reminder'; dueDate: string; departments: string[]; key: string }
  | { at: number; kind: 'progress-reminder'; period: string; dueDate: string; key: string }
  | { at: number; kind: 'progress-missed'; period: string; dueDate: string; key: string }
  | { at: number; kind: 'stalled'; since: string; key: string }
  /** Only a change of the row (a receipt's time passed): nothing to send. */
  | { at: number; kind: 'loop-status' };

/**
 * Every loop event of the task not yet handled, due or later, in time order. `sent` holds the ids of the
 * notifications already decided; `idOf` makes a notice's id from its kind and key (on the current milestone).
 */
export function loopEvents(
  state: KeyTaskState,
  input: KeyTaskInput,
  sent: ReadonlySet<string>,
  idOf: (kind: string, key: string) => string,
  now: number,
): LoopEvent[] {
  const m = state.lifecycle === 'active' ? state.milestones[state.current] : undefined;
  if (!m || !state.loop) return [];
  const { policy } = input;
  const events: LoopEvent[] = [];
  // Receipts: a reminder on each last day that still has units to sign for it, and the row changes after it.
  const open = (m.receipts ?? []).filter((r) => r.state === 'pending');
  for (const dueDate of [...new Set(open.map((r) => r.dueDate))]) {
    const key = dueDate;
    const departments = open.filter((r) => r.dueDate === dueDate).map((r) => r.department);
    if (!sent.has(idOf('receipt-reminder', key))) {
      const at = localTimeToEpoch(dueDate, policy.reminderTime, policy.utcOffset);
      events.push({ at, kind: 'receipt-reminder', dueDate, departments, key });
    }
    events.push({ at: deadlineEpoch(dueDate, policy.utcOffset), kind: 'loop-status' });
  }
  const progress = state.progress;
  if (progress && policy.progress) {
    // Every period from the first owed to the one after now's: its reminder (that morning) and, unreported at
    // the end of its due day, its miss. Settled periods (reported or missed) have nothing left.
    const last = nextPeriod(periodAt(localDate(now, policy.utcOffset), progress.day));
    for (let period = progress.from; period <= last; period = nextPeriod(period)) {
      if (leadReported(progress, period) || progress.missed.some((x) => x.period === period)) continue;
      const dueDate = periodDueDate(period, progress.day);
      if (!sent.has(idOf('progress-reminder', period))) {
        const at = localTimeToEpoch(dueDate, policy.reminderTime, policy.utcOffset);
        events.push({ at, kind: 'progress-reminder', period, dueDate, key: period });
      }
      events.push({
        at: deadlineEpoch(dueDate, policy.utcOffset),
        kind: 'progress-missed',
        period,
        dueDate,
        key: period,
      });
    }
    // A stall: the policy's days after the last act, once for each quiet spell.
    const since = progress.lastActivityAt;
    if (!progress.stalls.some((s) => s.since === since)) {
      events.push({
        at: Date.parse(since) + policy.progress.stalledAfterDays * DAY_MS,
        kind: 'stalled',
        since,
        key: since,
      });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** The loop's flags on the task's row at `now`, or undefined for a run without the loop. */
export function loopRow(state: KeyTaskState, input: KeyTaskInput, now: number): LoopRow | undefined {
  if (!state.loop) return undefined;
  const m = state.lifecycle === 'active' ? state.milestones[state.current] : undefined;
  const row: LoopRow = {
    unreceived: m ? unreceivedLate(m, input, now) : [],
    disputed: (m?.receipts ?? []).filter((r) => r.state === 'disputed').map((r) => r.department),
  };
  const progress = state.progress;
  if (!progress || state.lifecycle !== 'active') return row;
  const missed = progress.missed.at(-1);
  if (missed && !progress.reports.some((r) => r.role === 'lead' && r.period > missed.period)) {
    row.reportMissing = missed.period;
  }
  const stall = progress.stalls.at(-1);
  if (stall && stall.since === progress.lastActivityAt) row.stalledSince = stall.since;
  return row;
}
