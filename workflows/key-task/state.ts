/**
 * The key task's state and what is derived from it: creating it from the input, and deriving the status,
 * the pending units, the task's row and its full view from workflow time. Everything here is deterministic
 * (time is always passed in), so the workflow, its validators, its search attributes and its query agree.
 */
import type {
  Escalation,
  Extension,
  KeyTaskInput,
  KeyTaskView,
  MilestoneView,
  Notification,
  TaskStatus,
} from '../../contracts';
import type { Actor, TaskRowState } from '../../contracts/shared';
import { deadlineEpoch, dueSoonEpoch, iso, lateFrom } from '../../domain/calendar';

/** A milestone as the workflow stores it (its pending units are derived, not stored). */
export type MilestoneRecord = Omit<MilestoneView, 'pendingDepartments'>;

/** Everything the workflow carries, including across continue-as-new. Plain JSON. */
export interface KeyTaskState {
  lifecycle: 'active' | 'completed' | 'cancelled';
  milestones: MilestoneRecord[];
  /** Index of the milestone being worked; equals `milestones.length` once all are complete. */
  current: number;
  /** Epoch ms from which the current milestone's reminders were planned (opening or extension). */
  plannedFrom: number;
  notifications: Notification[];
  escalations: Escalation[];
  extensions: Extension[];
  cancellation?: { person: string; reason: string; at: string; actor?: Actor };
  /** Temporal cancellation requests that did not come through the API: refused and recorded (workflow.ts). */
  refusedCancellations?: { at: string }[];
  completedAt?: string;
  /** Request ids already applied (newest last, bounded), so a retry is applied once even after continue-as-new. */
  appliedRequests: string[];
}

/** How many applied request ids are remembered across continue-as-new. */
export const APPLIED_REQUESTS_KEPT = 500;

/**
 * The initial state: the first milestone open in round 1, the others pending. With `opensOnStartDate` the
 * first milestone counts as opened on the plan's start date (a plan started in the past is as late as its
 * dates say); without it (runs from before that rule) it has no opening day.
 */
export function initialState(input: KeyTaskInput, now: number, opensOnStartDate = true): KeyTaskState {
  return {
    lifecycle: 'active',
    milestones: input.milestones.map((m, i) => ({
      ...m,
      originalDueDate: m.dueDate,
      ...(i === 0 && opensOnStartDate ? { openedOn: input.startDate } : {}),
      state: i === 0 ? 'open' : 'pending',
      required: input.task.responsibilities,
      rounds: i === 0 ? [{ number: 1, openedAt: iso(now), signOffs: [] }] : [],
    })),
    current: 0,
    plannedFrom: now,
    notifications: [],
    escalations: [],
    extensions: [],
    appliedRequests: [],
  };
}

/** The milestone being worked, if any. */
export function currentMilestone(state: KeyTaskState): MilestoneRecord | undefined {
  return state.lifecycle === 'active' ? state.milestones[state.current] : undefined;
}

/** The date a milestone's lateness counts from (kept in `domain/calendar.ts`, which the API reads too). */
export { lateFrom };

/** The open escalation of a milestone, if it has one. */
export function openEscalation(state: KeyTaskState, milestoneId: string): Escalation | undefined {
  return state.escalations.find((e) => e.milestoneId === milestoneId && !e.closedAt);
}

/**
 * Units that still owe something on a milestone: while open, every responsible unit that has not signed
 * this round (co-responsible units first, the lead last); while returned, the lead, who must resubmit.
 */
export function pendingDepartments(m: MilestoneRecord): string[] {
  if (m.state === 'returned') return m.required.filter((r) => r.role === 'lead').map((r) => r.department);
  if (m.state !== 'open') return [];
  const signed = new Set(m.rounds.at(-1)?.signOffs.map((s) => s.department));
  const waiting = m.required.filter((r) => !signed.has(r.department));
  return [...waiting.filter((r) => r.role === 'co'), ...waiting.filter((r) => r.role === 'lead')].map(
    (r) => r.department,
  );
}

/** The task's status at `now`, from workflow time only. */
export function taskStatus(state: KeyTaskState, input: KeyTaskInput, now: number): TaskStatus {
  if (state.lifecycle === 'cancelled') return 'cancelled';
  const m = currentMilestone(state);
  if (state.lifecycle === 'completed' || !m) return 'completed';
  if ((openEscalation(state, m.id)?.level ?? 0) >= 2) return 'escalated';
  if (now >= deadlineEpoch(lateFrom(m), input.policy.utcOffset)) return 'overdue';
  if (now >= dueSoonEpoch(m.dueDate, input.policy.dueSoonDays, input.policy.utcOffset)) return 'due_soon';
  return 'on_track';
}

/**
 * The task's row at `now`: its status, current milestone, due date, pending units, escalation level and
 * whether an extension request waits. The one derivation behind the full view, the search attributes the
 * task list is queried by, and the row every update answers.
 */
export function taskRow(state: KeyTaskState, input: KeyTaskInput, now: number): TaskRowState {
  const m = currentMilestone(state);
  return {
    status: taskStatus(state, input, now),
    currentMilestone: m?.id ?? null,
    nextDue: m?.dueDate ?? null,
    pendingDepartments: m ? pendingDepartments(m) : [],
    escalationLevel: m ? (openEscalation(state, m.id)?.level ?? 0) : 0,
    extensionPending: state.extensions.some((e) => e.state === 'pending'),
  };
}

/** The full view the `getState` query answers: the task's identity, its row and its whole record. */
export function taskView(state: KeyTaskState, input: KeyTaskInput, now: number): KeyTaskView {
  return {
    planId: input.planId,
    taskNumber: input.task.number,
    section: input.task.section,
    title: input.task.title,
    lead: input.task.lead,
    coResponsible: input.task.coResponsible,
    ...taskRow(state, input, now),
    asOf: iso(now),
    milestones: state.milestones.map(milestoneView),
    notifications: state.notifications,
    escalations: state.escalations,
    extensions: state.extensions,
    cancellation: state.cancellation,
    ...(state.refusedCancellations ? { refusedCancellations: state.refusedCancellations } : {}),
    completedAt: state.completedAt,
  };
}

/** A milestone with its pending units derived. */
export function milestoneView(m: MilestoneRecord): MilestoneView {
  return { ...m, pendingDepartments: pendingDepartments(m) };
}
