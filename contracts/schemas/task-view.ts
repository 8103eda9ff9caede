/**
 * The key-task workflow's state as the `getState` query returns it and the API answers it (its OpenAPI
 * document publishes these schemas), with the milestone and notification shapes it is made of. Plain JSON
 * only: dates are ISO strings. The workflow's input and update payloads, never parsed, are plain types in
 * contracts/shared.
 */
import { z } from 'zod';
import { bilingualSchema, departmentIdSchema, figureKindSchema, isoDateSchema } from './plan';

/** A figure a milestone asks the lead to report (for example the share of schools online). */
export const figureRequestSchema = z.object({
  id: z.string().min(1),
  label: bilingualSchema,
  kind: figureKindSchema,
  unit: z.string().min(1),
  /** The core target's value, shown beside the reported figure. */
  target: z.number().nonnegative(),
  targetNumber: z.number().int().positive(),
});
/** A figure a milestone asks for, with the core target it reports on. */
export type FigureRequest = z.infer<typeof figureRequestSchema>;

/** A responsible unit of a task and the work items (0-based indices) it answers for. */
export const responsibilitySchema = z.object({
  department: departmentIdSchema,
  role: z.enum(['lead', 'co']),
  workItems: z.array(z.number().int().nonnegative()).min(1),
});
/** A responsible unit of a task, its role (lead or co) and the work items it answers for. */
export type Responsibility = z.infer<typeof responsibilitySchema>;

/** A milestone as the workflow is given it: its due date already computed from the plan's start date. */
export const milestoneInputSchema = z.object({
  id: z.string().min(1),
  title: bilingualSchema,
  dueDate: isoDateSchema,
  figures: z.array(figureRequestSchema).default([]),
});
/** A milestone with its due date, as the workflow receives it. */
export type MilestoneInput = z.infer<typeof milestoneInputSchema>;

/** Derived status of a task, computed from workflow time. */
export const taskStatusSchema = z.enum(['on_track', 'due_soon', 'overdue', 'escalated', 'completed', 'cancelled']);
/** A task's derived status: `on_track`, `due_soon`, `overdue`, `escalated`, `completed` or `cancelled`. */
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** Where a milestone stands. `open` collects sign-offs; `returned` waits for the lead to resubmit. */
export const milestoneStateSchema = z.enum(['pending', 'open', 'returned', 'submitted', 'completed', 'cancelled']);

/** A reported figure value keyed by figure id. */
export const figureValuesSchema = z.record(z.string(), z.number());
/** Reported figure values by figure id. */
export type FigureValues = z.infer<typeof figureValuesSchema>;

/**
 * Roles a bearer token may carry: a department's `coordinator` (signs for it), the general `office` (reads
 * everything, decides extensions), an `admin` (starts plans, cancels tasks), a read-only `viewer` (reads
 * everything the office reads and changes nothing: the wall screen), the `supervisor` (督导办: reads as the
 * office reads, receives level-2 escalations, decides the extension requests of tasks the general office
 * leads) and `leadership` (部领导: reads as the office reads, receives level-3 escalations, changes nothing).
 */
export const roleSchema = z.enum(['coordinator', 'office', 'admin', 'viewer', 'supervisor', 'leadership']);
/** The role a bearer token carries: `coordinator`, `office`, `admin`, `viewer`, `supervisor` or `leadership`. */
export type Role = z.infer<typeof roleSchema>;

/**
 * Who made a decision, as the API named it to the workflow: the token's role, a coordinator's department,
 * the token's name and the first 12 hex digits of its SHA-256. Absent from decisions recorded before it.
 */
export const actorSchema = z.object({
  role: roleSchema,
  department: departmentIdSchema.optional(),
  person: z.string(),
  token: z.string(),
});

/** One unit's recorded sign-off in a round. */
/**
 * One piece of evidence (佐证材料) a lead submits with a milestone for the office's closure review: a file stored
 * by its content hash (`POST /api/files`; the workflow keeps only the hash, name, size and type), or a link.
 */
export const evidenceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      /** SHA-256 of the file's bytes, 64 lowercase hex digits. */
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      name: z.string().trim().min(1).max(200),
      size: z.number().int().positive(),
      type: z.string().min(1).max(100),
    })
    .strict(),
  z
    .object({
      kind: z.literal('link'),
      url: z
        .string()
        .max(2000)
        .regex(/^https?:\/\/\S+$/),
      title: z.string().trim().min(1).max(200),
    })
    .strict(),
]);
/** A file (by content hash) or a link submitted as evidence. */
export type Evidence = z.infer<typeof evidenceSchema>;

/** Who decided for an office, and when: its department, the person, the time, the request id and the actor. */
const officeActShape = {
  department: departmentIdSchema,
  person: z.string(),
  at: z.string(),
  requestId: z.string(),
  actor: actorSchema.optional(),
};

/** The office's closure review of a submitted milestone: closed (销号) or returned to be done again (退回重办). */
export const closureReviewSchema = z.object({
  decision: z.enum(['close', 'return']),
  /** The round it reviewed. */
  round: z.number().int().positive(),
  reason: z.string().optional(),
  ...officeActShape,
});
/** One closure review of a milestone. */
export type ClosureReview = z.infer<typeof closureReviewSchema>;

export const signOffRecordSchema = z.object({
  department: departmentIdSchema,
  role: z.enum(['lead', 'co']),
  /** The work items (0-based) this unit signed for. */
  workItems: z.array(z.number().int().nonnegative()),
  decision: z.enum(['approve', 'reject']),
  person: z.string(),
  at: z.string(),
  comment: z.string().optional(),
  figures: figureValuesSchema.optional(),
  /** With the lead's approval of a milestone the office reviews: the evidence submitted. */
  evidence: z.array(evidenceSchema).optional(),
  requestId: z.string(),
  actor: actorSchema.optional(),
});

/** What a member of a collective (a province) reports on its part of a work item for a milestone. */
export const reportStatusSchema = z.enum(['done', 'in_progress', 'not_applicable']);
/** A member's report status: `done`, `in_progress` or `not_applicable`. */
export type ReportStatus = z.infer<typeof reportStatusSchema>;

/** One member's report on one milestone of a work item (its latest counts; earlier ones stay on record). */
export const memberReportSchema = z.object({
  department: departmentIdSchema,
  status: reportStatusSchema,
  text: z.string(),
  figures: figureValuesSchema.optional(),
  person: z.string(),
  at: z.string(),
  requestId: z.string(),
  actor: actorSchema.optional(),
});
/** A member's report on its part of a work item. */
export type MemberReport = z.infer<typeof memberReportSchema>;

/** The part of a work item that a collective of known members (地方各级教育行政部门) owes on one milestone. */
export const collectivePartSchema = z.object({
  id: departmentIdSchema,
  members: z.array(departmentIdSchema),
  reports: z.array(memberReportSchema),
  /** The item's lead closed the part before every member reported: how many had, and why. */
  closure: z
    .object({
      department: departmentIdSchema,
      person: z.string(),
      at: z.string(),
      reason: z.string(),
      reported: z.number().int().nonnegative(),
      total: z.number().int().positive(),
    })
    .optional(),
});
/** A collective's part of a work item on one milestone: its members, their reports, an early closure. */
export type CollectivePart = z.infer<typeof collectivePartSchema>;

/** A unit the general office waived for one milestone of a work item (不适用). */
export const waiverSchema = z.object({
  department: departmentIdSchema,
  reason: z.string(),
  person: z.string(),
  at: z.string(),
});

/**
 * Who answers for one work item on one milestone: its lead (signs last), its co-units (sign before; the
 * designated and added ones among them), its collectives' parts and the units waived for this milestone.
 */
export const milestoneItemSchema = z.object({
  lead: departmentIdSchema,
  /** Whether the lead is the steward of an item a collective leads. */
  steward: z.boolean(),
  co: z.array(departmentIdSchema),
  collectives: z.array(collectivePartSchema),
  /** Collectives whose members the lead designates (相关业务司局): who was designated so far. */
  designations: z.array(z.object({ id: departmentIdSchema, designated: z.array(departmentIdSchema) })),
  waived: z.array(waiverSchema),
});
/** Who answers for a work item on a milestone, as the workflow stores it. */
export type MilestoneItem = z.infer<typeof milestoneItemSchema>;

/** A work item on a milestone with its progress derived: who still owes what, who signed, whether it is done. */
export const milestoneItemViewSchema = milestoneItemSchema.extend({
  /** Units that still owe this item something, in the order they act (co-units and members, then the lead). */
  pending: z.array(z.string()),
  signed: z.array(z.string()),
  done: z.boolean(),
  /** A designated collective nobody has been designated for yet (待指定): it blocks nothing. */
  awaitingDesignation: z.array(departmentIdSchema),
  /** Each collective's count: members reported of all (地方 27/32), and whether its part is done. */
  progress: z.array(
    z.object({ id: departmentIdSchema, reported: z.number().int(), total: z.number().int(), done: z.boolean() }),
  ),
});
/** A work item's progress on a milestone. */
export type MilestoneItemView = z.infer<typeof milestoneItemViewSchema>;

/** How many members of a collective have reported on a work item of the current milestone (地方 27/32). */
export const collectivePartCountSchema = z.object({
  workItem: z.number().int().nonnegative(),
  id: z.string(),
  reported: z.number().int().nonnegative(),
  total: z.number().int().positive(),
});

/** A change of who answers for a work item, made while the task runs, with who made it, when and why. */
export const responsibilityChangeSchema = z.object({
  id: z.string(),
  kind: z.enum(['designate', 'waive', 'reassign', 'add-co-unit', 'close-collective']),
  workItem: z.number().int().nonnegative(),
  /** The milestone it was made on (a waiver or closure: the milestone it is for). */
  milestoneId: z.string(),
  /** The units it touches (told of it): designated, waived, handed from and to, added. */
  departments: z.array(departmentIdSchema),
  from: departmentIdSchema.optional(),
  to: departmentIdSchema.optional(),
  reason: z.string(),
  /** The department that made it (the item's lead), or the general office. */
  by: departmentIdSchema,
  person: z.string(),
  at: z.string(),
  actor: actorSchema.optional(),
});
/** A recorded change of responsibility: designation, waiver, reassignment, added co-unit, early closure. */
export type ResponsibilityChange = z.infer<typeof responsibilityChangeSchema>;

/** A round of sign-offs; a rejection closes it and a resubmission opens the next. */
export const roundSchema = z.object({
  number: z.number().int().positive(),
  openedAt: z.string(),
  /** The lead's resubmission note that opened this round (none for round 1). */
  resubmission: z
    .object({ note: z.string(), person: z.string(), at: z.string(), actor: actorSchema.optional() })
    .optional(),
  signOffs: z.array(signOffRecordSchema),
  outcome: z.enum(['approved', 'rejected']).optional(),
  closedAt: z.string().optional(),
  /**
   * The office's decision on a round whose rejection reached the plan's cap: another round (the lead may
   * resubmit) or the milestone closed as it stands.
   */
  officeDecision: z
    .object({
      decision: z.enum(['another-round', 'close']),
      reason: z.string(),
      person: z.string(),
      at: z.string(),
      actor: actorSchema.optional(),
    })
    .optional(),
});
/** One round of sign-offs: who signed, how, and whether it closed approved or rejected. */
export type Round = z.infer<typeof roundSchema>;

/** An escalation episode of one milestone: opened when it fell overdue, closed when completed or extended. */
export const escalationSchema = z.object({
  milestoneId: z.string(),
  /** The due date that was missed. */
  dueDate: isoDateSchema,
  level: z.number().int().min(1),
  openedAt: z.string(),
  levels: z.array(z.object({ level: z.number().int(), at: z.string(), notified: z.array(z.string()) })),
  closedAt: z.string().optional(),
  closedBy: z.enum(['completed', 'extended', 'cancelled']).optional(),
  /** Whole days between the missed due date and completion. */
  daysLate: z.number().int().optional(),
});
/** One escalation episode of a milestone: its levels, when it opened and how it closed. */
export type Escalation = z.infer<typeof escalationSchema>;

/** An extension request by the lead, decided by the general office. */
export const extensionSchema = z.object({
  id: z.string(),
  /** The request id (idempotency key) it was created with. */
  requestId: z.string(),
  milestoneId: z.string(),
  requestedBy: z.object({ department: departmentIdSchema, person: z.string(), actor: actorSchema.optional() }),
  requestedAt: z.string(),
  previousDueDate: isoDateSchema,
  newDueDate: isoDateSchema,
  reason: z.string(),
  state: z.enum(['pending', 'approved', 'declined', 'withdrawn']),
  decision: z
    .object({ person: z.string(), at: z.string(), comment: z.string().optional(), actor: actorSchema.optional() })
    .optional(),
});
/** An extension request with its state and, once decided, the decision. */
export type Extension = z.infer<typeof extensionSchema>;

/** Kinds of notification the workflow sends. */
export const notificationKindSchema = z.enum([
  'reminder',
  'escalation',
  'returned',
  'extension-requested',
  'extension-decided',
  'overdue',
  'responsibility-changed',
  'supervision-notice',
  'supervision-overdue',
  'bulletin',
  'chase',
  'approval-voided',
  'resubmitted',
  'round-cap-reached',
  'round-decided',
  'closure-submitted',
  'closure-returned',
  'closure-closed',
  'coordination-requested',
  'coordination-settled',
  'receipt-reminder',
  'receipt-disputed',
  'receipt-settled',
  'progress-reminder',
  'progress-missed',
  'stalled',
]);
/**
 * The kind of a notification: reminder, escalation, returned, extension requested or decided, overdue (to the
 * units still pending after the deadline), responsibility changed, chase (催办: the general office's message to
 * the pending units), approval voided (a rejection: units that had approved must approve again), resubmitted
 * (the milestone is back for their sign-off), a supervision notice (督办单, `supervision-notice`) or its answer
 * date passed unanswered (`supervision-overdue`), or a month's bulletin the office sends to leadership
 * (`bulletin`: task number 0, the month as its milestone id, the bulletin's title as its milestone title, its
 * summary as the comment), a milestone submitted for the office's closure review (`closure-submitted`, to that
 * office), returned by it to be done again (`closure-returned`, to the task's units) or closed (`closure-closed`,
 * to the lead), a coordination request to the task's office (`coordination-requested`, the matter as the comment)
 * or its settlement to the asker and the units it concerns (`coordination-settled`, the outcome as the comment),
 * a receipt not yet signed for on its last day (`receipt-reminder`, to those units), a dispute of a receipt (to the
 * task's office, the reason as the comment) and the office's decision on it (`receipt-settled`, to the disputing
 * unit and any unit handed the part), a progress report due today (`progress-reminder`, to the lead), missed
 * (`progress-missed`, to the lead, copied to the office) and a task stalled (`stalled`, to the lead and the office).
 */
export type NotificationKind = z.infer<typeof notificationKindSchema>;

/** A notification the workflow decided to send; its id is deterministic, so a retry never makes a second one. */
export const notificationSchema = z.object({
  id: z.string(),
  kind: notificationKindSchema,
  planId: z.string(),
  workflowId: z.string(),
  taskNumber: z.number().int(),
  taskTitle: bilingualSchema,
  milestoneId: z.string(),
  milestoneTitle: bilingualSchema,
  /** Recipients. */
  departments: z.array(z.string()).min(1),
  /** Units that have not signed when the notification is sent. */
  pendingDepartments: z.array(z.string()),
  dueDate: isoDateSchema,
  /** Workflow time at which it was decided. */
  at: z.string(),
  level: z.number().int().optional(),
  daysLate: z.number().int().optional(),
  /** Reminder offset in days before the due date. */
  daysBefore: z.number().int().optional(),
  comment: z.string().optional(),
  /** For `extension-requested`: the due date asked for. */
  newDueDate: isoDateSchema.optional(),
  /** For `extension-decided`: whether the extension was approved. */
  approved: z.boolean().optional(),
  /** For `round-decided`: what the office decided. */
  roundDecision: z.enum(['another-round', 'close']).optional(),
  /** For `round-cap-reached`: the rejections so far, which reached the plan's cap. */
  rejections: z.number().int().positive().optional(),
  /** For `overdue` and `responsibility-changed`: the work item (0-based) it is about. */
  workItem: z.number().int().nonnegative().optional(),
  /** For `supervision-notice` and `supervision-overdue`: the notice's number (督办〔2026〕17号) and answer date. */
  noticeNumber: z.string().optional(),
  answerBy: isoDateSchema.optional(),
  /** For `progress-reminder` and `progress-missed`: the reporting period (`YYYY-MM`). */
  period: z.string().optional(),
});
/** A notification the workflow decided to send, with its recipients and what it is about. */
export type Notification = z.infer<typeof notificationSchema>;

/**
 * A chase (催办) of a milestone's pending units: by the general office with its message (`manual`, at most one a
 * day per milestone), or sent with an escalation step after the deadline (`escalation`, with its level).
 */
export const chaseSchema = z.object({
  id: z.string(),
  milestoneId: z.string(),
  kind: z.enum(['manual', 'escalation']),
  at: z.string(),
  /** The day (plan time zone) of the chase: the office chases a milestone once a day. */
  day: isoDateSchema,
  /** The units chased: those still owing a sign-off (in any work item) or a resubmission. */
  departments: z.array(z.string()),
  /** The notification that carried it. */
  notificationId: z.string(),
  message: z.string().optional(),
  person: z.string().optional(),
  /** The request id (idempotency key) of a manual chase. */
  requestId: z.string().optional(),
  level: z.number().int().optional(),
  daysLate: z.number().int().optional(),
  actor: actorSchema.optional(),
});
/** A chase (催办) of a milestone's pending units, by hand or with an escalation step. */
export type Chase = z.infer<typeof chaseSchema>;

/**
 * A coordination request (协调事项): a unit of the task asks its office to settle a matter it cannot settle itself
 * (a disagreement between units, a dependency on another ministry); the office records how it was settled.
 */
export const coordinationSchema = z.object({
  /** `c1`, `c2` … in the order asked. */
  id: z.string(),
  /** The milestone current when it was asked. */
  milestoneId: z.string().nullable(),
  department: departmentIdSchema,
  matter: z.string(),
  /** Other units the matter concerns, if the asker names them. */
  units: z.array(departmentIdSchema),
  person: z.string(),
  at: z.string(),
  requestId: z.string(),
  actor: actorSchema.optional(),
  state: z.enum(['open', 'settled']),
  settlement: z.object({ outcome: z.string(), ...officeActShape }).optional(),
});
/** A coordination request and, once settled, how. */
export type Coordination = z.infer<typeof coordinationSchema>;

/**
 * One unit's receipt (签收) of a milestone: `pending` until it signs for it or disputes it (不属本单位职责, with its
 * reason); a dispute waits for the task's office, which confirms the unit (`confirmed`: the part stays its own) or
 * hands its part to another unit (`handed-over`, with `to`, who then owes its own receipt).
 */
export const receiptSchema = z.object({
  department: departmentIdSchema,
  state: z.enum(['pending', 'received', 'disputed', 'confirmed', 'handed-over']),
  /** When the unit was asked to sign for it (the milestone's opening, or the hand-over that named it). */
  askedAt: z.string(),
  /** The last day (plan time zone) to sign for it: the policy's receipt days after it was asked. */
  dueDate: isoDateSchema,
  person: z.string().optional(),
  at: z.string().optional(),
  /** A dispute's reason. */
  reason: z.string().optional(),
  requestId: z.string().optional(),
  actor: actorSchema.optional(),
  /** The office's decision on a dispute. */
  settlement: z
    .object({
      decision: z.enum(['confirm', 'reassign']),
      to: departmentIdSchema.optional(),
      reason: z.string(),
      ...officeActShape,
    })
    .optional(),
});
/** One unit's receipt of a milestone, its dispute and the office's decision on it. */
export type Receipt = z.infer<typeof receiptSchema>;

/**
 * A progress report (进展报告) on the plan's cadence: what was done, problems, matters needing coordination (需协调)
 * and next steps; by the task's lead (the report the cadence asks for) or a co-unit (adding its own).
 */
export const progressReportSchema = z.object({
  /** The reporting period, `YYYY-MM` (2016: monthly, due on the 28th). */
  period: z.string().regex(/^\d{4}-\d{2}$/),
  department: departmentIdSchema,
  role: z.enum(['lead', 'co']),
  done: z.string(),
  problems: z.string().optional(),
  coordination: z.string().optional(),
  nextSteps: z.string().optional(),
  person: z.string(),
  at: z.string(),
  requestId: z.string(),
  actor: actorSchema.optional(),
});
/** A progress report of one period by one unit. */
export type ProgressReport = z.infer<typeof progressReportSchema>;

/**
 * A task's progress reporting: the periods it owes reports for (from the month it started), the reports filed,
 * the periods whose lead report was missed (each chased once and costing the lead in the scores) and the times
 * the task was flagged stalled (停滞: no report, sign-off or other act for the policy's days).
 */
export const progressSchema = z.object({
  /** The first period (`YYYY-MM`) a report is owed for. */
  from: z.string(),
  /** The day of the month a period's report is due. */
  day: z.number().int(),
  reports: z.array(progressReportSchema),
  missed: z.array(
    z.object({
      period: z.string(),
      dueDate: isoDateSchema,
      department: departmentIdSchema,
      notificationId: z.string(),
    }),
  ),
  /** When the task last saw an act of one of its units or its office (a report, sign-off, receipt, request…). */
  lastActivityAt: z.string(),
  stalls: z.array(z.object({ since: z.string(), at: z.string(), notificationId: z.string() })),
});
/** A task's progress reports, missed periods and stalls. */
export type Progress = z.infer<typeof progressSchema>;

/**
 * What a task's row says of the office's closed loop (runs with receipt or progress reporting): units past their
 * receipt time, disputes waiting for the office, the period whose lead report was missed and not yet made up, and
 * since when the task has been stalled.
 */
export const loopRowSchema = z.object({
  unreceived: z.array(departmentIdSchema),
  disputed: z.array(departmentIdSchema),
  reportMissing: z.string().optional(),
  stalledSince: z.string().optional(),
});
/** The closed loop's flags on a task's row. */
export type LoopRow = z.infer<typeof loopRowSchema>;

/** A milestone's full record, with its pending units derived. */
export const milestoneViewSchema = milestoneInputSchema.extend({
  originalDueDate: isoDateSchema,
  /**
   * The day (plan time zone) the milestone opened: its lateness counts from this day when it is later than
   * the due date, since nobody could sign before. Absent in runs started before this was recorded.
   */
  openedOn: isoDateSchema.optional(),
  state: milestoneStateSchema,
  required: z.array(responsibilitySchema),
  rounds: z.array(roundSchema),
  pendingDepartments: z.array(z.string()),
  completedAt: z.string().optional(),
  daysLate: z.number().int().optional(),
  /**
   * The office that must decide the milestone (its general office): its rejections reached the plan's cap, so
   * the lead cannot resubmit until the office allows another round or closes the milestone as it stands.
   */
  awaitingOffice: departmentIdSchema.optional(),
  /**
   * The office reviewing the milestone (`submitted`: its lead approved it with its evidence, and the plan has
   * the office review its closure): the general office, or the supervision office on a task the general office
   * leads.
   */
  awaitingReview: departmentIdSchema.optional(),
  /** The office's closure reviews, oldest first: each return opened a new round. */
  reviews: z.array(closureReviewSchema).optional(),
  /** Each unit's receipt (签收) of the milestone (plans with a receipt time), in the order asked. */
  receipts: z.array(receiptSchema).optional(),
  /**
   * Each work item's units and progress (runs started with work-item responsibility): signed item by item,
   * co-units and members first, each item's lead last, the task's lead closing the milestone.
   */
  items: z.array(milestoneItemViewSchema).optional(),
});
/** A milestone as the task view shows it: due dates, state, rounds and pending units. */
export type MilestoneView = z.infer<typeof milestoneViewSchema>;

/** The full state of a key task, as the `getState` query returns it. */
export const keyTaskViewSchema = z.object({
  planId: z.string(),
  taskNumber: z.number().int(),
  section: z.number().int(),
  title: bilingualSchema,
  lead: z.string(),
  coResponsible: z.array(z.string()),
  status: taskStatusSchema,
  /** Workflow time at which the view was computed. */
  asOf: z.string(),
  currentMilestone: z.string().nullable(),
  nextDue: isoDateSchema.nullable(),
  pendingDepartments: z.array(z.string()),
  escalationLevel: z.number().int().min(0),
  /** Whether an extension request of the task waits for a decision (as on its row of the task list). */
  extensionPending: z.boolean(),
  milestones: z.array(milestoneViewSchema),
  notifications: z.array(notificationSchema),
  escalations: z.array(escalationSchema),
  extensions: z.array(extensionSchema),
  cancellation: z
    .object({ person: z.string(), reason: z.string(), at: z.string(), actor: actorSchema.optional() })
    .optional(),
  /**
   * Cancellation requests that reached the workflow from Temporal itself (the CLI, the Web UI, a client),
   * not through the API's `cancel`: refused, the task ran on; when each arrived.
   */
  refusedCancellations: z.array(z.object({ at: z.string() })).optional(),
  completedAt: z.string().optional(),
  /** Tasks with work items: every department the task concerns now (designated and added units too). */
  departments: z.array(z.string()).optional(),
  /** Tasks with work items: each collective's count on the current milestone. */
  parts: z.array(collectivePartCountSchema).optional(),
  /** Designations, waivers, reassignments, added co-units and early closures, oldest first. */
  changes: z.array(responsibilityChangeSchema).optional(),
  /** Chases (催办) of pending units, by the office or with escalation steps, oldest first (runs that had one). */
  chases: z.array(chaseSchema).optional(),
  /** Coordination requests (协调事项), oldest first (absent until the first). */
  coordinations: z.array(coordinationSchema).optional(),
  /** Progress reports, missed periods and stalls (plans with progress reporting). */
  progress: progressSchema.optional(),
  /** The closed loop's flags, as on the task's row (plans with receipt or progress reporting). */
  loop: loopRowSchema.optional(),
});
/** The full state of a key task, as the `getState` query answers it. */
export type KeyTaskView = z.infer<typeof keyTaskViewSchema>;
