/**
 * The key task's state and what is derived from it: creating it from the input, and deriving the status,
 * the pending units, the task's row and its full view from workflow time. Everything here is deterministic
 * (time is always passed in), so the workflow, its validators, its search attributes and its query agree.
 */
import type {
  Chase,
  Coordination,
  Escalation,
  Extension,
  KeyTaskInput,
  KeyTaskView,
  MilestoneItem,
  MilestoneView,
  Notification,
  Progress,
  ResponsibilityChange,
  TaskStatus,
} from '../../contracts';
import type { Actor, TaskRowState } from '../../contracts/shared';
import { deadlineEpoch, dueSoonEpoch, iso, lateFrom } from '../../domain/calendar';
import { itemizedPending, itemView, unitsOf } from './items';
import { initialLoop, loopRow, syncReceipts } from './loop';

/**
 * A milestone as the workflow stores it (its pending units and its items' progress are derived, not stored).
 * `items` is there in runs started with work-item responsibility.
 */
export type MilestoneRecord = Omit<MilestoneView, 'pendingDepartments' | 'items'> & { items?: MilestoneItem[] };

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
  /** Supervision notices its escalations issued (runs from patch `supervise-notices`), closed with their escalation. */
  supervisionNotices?: { id: string; milestoneId: string; closed?: boolean }[];
  /** The fingerprint each applied request came with, by request id (those still in `appliedRequests`). */
  requestHashes?: Record<string, string>;
  /** Changes of responsibility (runs with work-item responsibility only: their presence marks such a run). */
  changes?: ResponsibilityChange[];
  /** Chases (催办) of pending units, by the office or with escalation steps (absent until the first). */
  chases?: Chase[];
  /** Coordination requests (协调事项) and their settlements (absent until the first). */
  coordinations?: Coordination[];
  /** Set by the first resubmission of a run with `notices-round-notices`: each round is reminded again. */
  remindEachRound?: true;
  /** Runs with the office's closed loop (patch `closed-loop`, an input asking for receipt or progress; loop.ts). */
  loop?: true;
  /** Progress reports, missed periods and stalls (runs with the loop and a plan with progress reporting). */
  progress?: Progress;
}

/** How many applied request ids are remembered across continue-as-new. */
export const APPLIED_REQUESTS_KEPT = 500;

/**
 * The initial state: the first milestone open in round 1, the others pending. With `opensOnStartDate` the
 * first milestone counts as opened on the plan's start date (a plan started in the past is as late as its
 * dates say); without it (runs from before that rule) it has no opening day. With `itemized` (and an input
 * that carries items) each milestone carries its work items' units: they are signed item by item. With `loop`
 * the office's closed loop runs (loop.ts): the first milestone's units are asked to sign for receipt now.
 */
export function initialState(
  input: KeyTaskInput,
  now: number,
  opensOnStartDate = true,
  itemized = false,
  loop = false,
): KeyTaskState {
  const items = itemized ? input.task.items : undefined;
  const milestoneItems = (): MilestoneItem[] | undefined =>
    items?.map((u) => ({
      lead: u.lead,
      steward: u.steward,
      co: [...u.co],
      collectives: u.collectives.map((c) => ({ id: c.id, members: [...c.members], reports: [] })),
      designations: u.designations.map((d) => ({ id: d.id, designated: [] })),
      waived: [],
    }));
  const state: KeyTaskState = {
    lifecycle: 'active',
    milestones: input.milestones.map((m, i) => ({
      ...m,
      originalDueDate: m.dueDate,
      ...(i === 0 && opensOnStartDate ? { openedOn: input.startDate } : {}),
      state: i === 0 ? 'open' : 'pending',
      required: input.task.responsibilities,
      rounds: i === 0 ? [{ number: 1, openedAt: iso(now), signOffs: [] }] : [],
      ...(items ? { items: milestoneItems() } : {}),
    })),
    current: 0,
    plannedFrom: now,
    notifications: [],
    escalations: [],
    extensions: [],
    appliedRequests: [],
  };
  if (items) state.changes = [];
  if (loop) {
    Object.assign(state, initialLoop(input, now));
    syncReceipts(state, input, now);
  }
  return state;
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
 * this round (co-responsible units first, the lead last); while returned, the lead, who must resubmit, unless
 * the rejections reached the plan's cap: then the office that must decide; while submitted for closure review, the office that reviews it.
 */
export function pendingDepartments(m: MilestoneRecord): string[] {
  // Rejected as often as the plan allows: the office's decision is what the milestone waits for.
  if (m.awaitingOffice) return [m.awaitingOffice];
  // Submitted for the office's closure review: that office is what the milestone waits for.
  if (m.state === 'submitted') return m.awaitingReview ? [m.awaitingReview] : [];
  if (m.items) return itemizedPending(m);
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
  const row: TaskRowState = {
    status: taskStatus(state, input, now),
    currentMilestone: m?.id ?? null,
    nextDue: m?.dueDate ?? null,
    pendingDepartments: m ? pendingDepartments(m) : [],
    escalationLevel: m ? (openEscalation(state, m.id)?.level ?? 0) : 0,
    extensionPending: state.extensions.some((e) => e.state === 'pending'),
  };
  const loop = loopRow(state, input, now);
  if (loop) row.loop = loop;
  if (!state.changes) return row;
  // Runs with work items: every unit the task concerns now, and each collective's count on the current milestone.
  const shown = m ?? state.milestones.at(-1)!;
  row.departments = involvedDepartments(state, input);
  row.parts = (shown.items ?? []).flatMap((_, i) =>
    itemView(shown, i).progress.map((p) => ({ workItem: i, id: p.id, reported: p.reported, total: p.total })),
  );
  return row;
}

/** Every department a task concerns: its units and collectives as started, and whoever joined an item since. */
export function involvedDepartments(state: KeyTaskState, input: KeyTaskInput): string[] {
  const later = state.milestones.flatMap((m) => (m.items ?? []).flatMap((item) => unitsOf(item)));
  return [...new Set([input.task.lead, ...input.task.coResponsible, ...later])];
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
    ...(state.changes ? { changes: state.changes } : {}),
    ...(state.chases ? { chases: state.chases } : {}),
    ...(state.coordinations ? { coordinations: state.coordinations } : {}),
    ...(state.progress ? { progress: state.progress } : {}),
  };
}

/** A milestone with its pending units (and, in a run with work items, each item's progress) derived. */
export function milestoneView(m: MilestoneRecord): MilestoneView {
  const { items, ...rest } = m;
  return {
    ...rest,
    pendingDepartments: pendingDepartments(m),
    ...(items ? { items: items.map((_, i) => itemView(m, i)) } : {}),
  };
}
