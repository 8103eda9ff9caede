/**
 * The HTTP API's contract: zod schemas of every request (path parameters, query strings, bodies) and every
 * response. The API validates requests with them, the OpenAPI document is generated from them and clients
 * and tests may parse answers with them. No Node imports, no I/O.
 */
import { z } from 'zod';
import {
  actorSchema,
  chaseSchema,
  coordinationSchema,
  collectivePartCountSchema,
  loopRowSchema,
  escalationSchema,
  evidenceSchema,
  extensionSchema,
  figureValuesSchema,
  keyTaskViewSchema,
  reportStatusSchema,
  milestoneStateSchema,
  milestoneViewSchema,
  responsibilitySchema,
  roleSchema,
  taskStatusSchema,
  type TaskStatus,
} from './task-view';
import {
  bilingualSchema,
  departmentIdSchema,
  departmentKindSchema,
  isoDateSchema,
  milestoneTemplateSchema,
  planIdSchema,
  sectionSchema,
  targetSchema,
  policySchema,
  escalationRoleSchema,
} from './plan';
import { itemSummarySchema } from './items';

/** The roles a bearer token may carry (defined beside the task view, which records them). */
export { roleSchema, type Role } from './task-view';

/** The body of every error answer. `code` is stable and machine-readable; `message` is for people. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    /** What went wrong, in both languages. */
    message: z.object({ zh: z.string(), en: z.string() }),
    details: z.unknown().optional(),
  }),
});
/** The body of every error answer: a stable `code`, words for people and, for some, details. */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A task number in a path, e.g. `/api/tasks/7`. */
export const taskNumberParamsSchema = z.object({
  number: z.coerce.number().int().positive(),
});

/** A task number and milestone id in a path. */
export const milestoneParamsSchema = taskNumberParamsSchema.extend({
  milestoneId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a milestone id such as work-plan'),
});

/** A task number, milestone id and extension id (the `id` of the request being decided) in a path. */
export const extensionParamsSchema = milestoneParamsSchema.extend({
  extensionId: z.string().min(1).max(200),
});

/** A department id in a path. */
export const departmentParamsSchema = z.object({ id: departmentIdSchema });

/** Body of `POST /api/plan/start`. Without `startDate` the configured or today's date (plan time zone) is used. */
export const planStartBodySchema = z.object({ startDate: isoDateSchema.optional() }).strict();

/** One started (or already running) task. */
export const startedTaskSchema = z.object({
  number: z.number().int().positive(),
  workflowId: z.string(),
  started: z.boolean(),
});

/** Answer of `POST /api/plan/start`. */
export const planStartResponseSchema = z.object({ tasks: z.array(startedTaskSchema) });

/** A plan start job's id in a path, e.g. `/api/plan/start-jobs/3f2c…`. */
export const planStartJobParamsSchema = z.object({ id: z.string().uuid('must be a start job id') });

/**
 * A plan start running in the background (`POST /api/plan/start-jobs`) and how far it has come. `tasks`
 * (the same list `POST /api/plan/start` answers) is there once the job is `done`; `error` once it `failed`
 * (a start run again starts what is left).
 */
export const planStartJobSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  startDate: isoDateSchema,
  /** Tasks of the plan. */
  total: z.number().int().nonnegative(),
  /** Tasks handled so far: `started + existing`. */
  done: z.number().int().nonnegative(),
  /** Tasks whose workflow this job started. */
  started: z.number().int().nonnegative(),
  /** Tasks whose workflow was already there (running, completed or cancelled). */
  existing: z.number().int().nonnegative(),
  /** When the job began and, once it is over, ended (ISO date-times). */
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  tasks: z.array(startedTaskSchema).optional(),
  error: errorBodySchema.shape.error.optional(),
});
/** A plan start job as the API answers it. */
export type PlanStartJob = z.infer<typeof planStartJobSchema>;

/** Filters of `GET /api/tasks`; all optional and combined with AND. */
export const taskListQuerySchema = z
  .object({
    department: departmentIdSchema.optional(),
    status: taskStatusSchema.optional(),
    section: z.coerce.number().int().positive().optional(),
    /** Which plan's tasks (`GET /api/plans`); default: the plan the engine was started with. */
    plan: planIdSchema.optional(),
  })
  .strict();

/** One row of the task list, read from the workflow's search attributes (no query per workflow). */
export const taskRowSchema = z.object({
  number: z.number().int().positive(),
  section: z.number().int().positive(),
  title: bilingualSchema,
  workflowId: z.string(),
  lead: z.string(),
  departments: z.array(z.string()),
  /** Null only for a moment after start, before the workflow first records its status. */
  status: taskStatusSchema.nullable(),
  currentMilestone: z.string().nullable(),
  /** Due date (plan time zone) of the current milestone. */
  nextDue: isoDateSchema.nullable(),
  pendingDepartments: z.array(z.string()),
  escalationLevel: z.number().int().min(0),
  /** Whether an extension request waits for the general office's decision. */
  extensionPending: z.boolean(),
  /** Each collective's count on the current milestone's work items (地方 27/32); tasks with work items only. */
  parts: z.array(collectivePartCountSchema).optional(),
  /** Runs with receipt or progress reporting: units past their receipt time, disputes, a missed report, a stall. */
  loop: loopRowSchema.optional(),
  /** For an item beyond the plan (交办事项): its kind, source and urgency. */
  item: itemSummarySchema.optional(),
});
/** A task as the task list shows it, read from its search attributes. */
export type TaskRow = z.infer<typeof taskRowSchema>;

/** Answer of `GET /api/tasks`. */
export const taskListResponseSchema = z.object({ tasks: z.array(taskRowSchema) });

/**
 * The board's traffic lights: green on track, yellow due within the due-soon window, red overdue, deep red
 * escalated, grey completed or cancelled.
 */
export const taskLightSchema = z.enum(['green', 'yellow', 'red', 'deepred', 'grey']);
/** A light of the board: `green`, `yellow`, `red`, `deepred` or `grey`. */
export type TaskLight = z.infer<typeof taskLightSchema>;

/** The light of each task status (the dashboard's `ui.js` shows the same). */
export const STATUS_LIGHT: Readonly<Record<TaskStatus, TaskLight>> = {
  on_track: 'green',
  due_soon: 'yellow',
  overdue: 'red',
  escalated: 'deepred',
  completed: 'grey',
  cancelled: 'grey',
};

/**
 * Filters of the ledger export (`GET /api/export/ledger.xlsx`, `.csv`): the board's filters, department and
 * light, plus the task list's status and section; all optional and combined with AND.
 */
export const ledgerQuerySchema = taskListQuerySchema.extend({ light: taskLightSchema.optional() }).strict();

/** Answer of `GET /api/tasks/:number`: the workflow's state plus where to find it in Temporal. */
export const taskDetailResponseSchema = keyTaskViewSchema.extend({
  workflowId: z.string(),
  /** Link to the workflow in the Temporal Web UI, for administrators only (null for other roles, or with no UI address). */
  temporalUiUrl: z.string().nullable(),
});

/** Body of a sign-off. The signer's name comes from the token, never from the body. */
export const signOffBodySchema = z
  .object({
    department: departmentIdSchema,
    decision: z.enum(['approve', 'reject']),
    comment: z.string().trim().max(2000).optional(),
    /** Figures the milestone asks for, by figure id (year-end milestones of tasks linked to core targets). */
    figures: figureValuesSchema.optional(),
    /** Shorthand for a milestone that asks for exactly one figure: its value. */
    figure: z.number().optional(),
    /** The work item (0-based) signed; without it, every item the unit may sign now (the task's lead: the close). */
    workItem: z.number().int().nonnegative().optional(),
    /**
     * With the lead's approval of a milestone the office reviews (办结审核): its evidence, files uploaded with
     * `POST /api/files` (by hash) and links, at most 20.
     */
    evidence: z.array(evidenceSchema).min(1).max(20).optional(),
  })
  .strict()
  .refine((b) => b.figure === undefined || b.figures === undefined, {
    message: 'give either figure or figures, not both',
    path: ['figure'],
  });

/** Body of a resubmission after a rejection. */
export const resubmitBodySchema = z.object({ note: z.string().trim().min(1).max(2000) }).strict();

/** Body of an extension request. */
export const extensionRequestBodySchema = z
  .object({ newDueDate: isoDateSchema, reason: z.string().trim().min(1).max(2000) })
  .strict();

/** Body of the general office's decision on an extension request. */
export const extensionDecisionBodySchema = z
  .object({ approve: z.boolean(), comment: z.string().trim().max(2000).optional() })
  .strict();

/** Body of the general office's chase (催办) of a milestone's pending units: the message they receive. */
export const chaseBodySchema = z
  .object({ message: z.string().trim().min(1, 'a chase needs a message').max(2000) })
  .strict();

/**
 * Body of the office's decision on a milestone rejected as often as the plan allows: `another-round` (the lead
 * may resubmit once more) or `close` (completed as it stands), with a reason.
 */
export const roundDecisionBodySchema = z
  .object({
    decision: z.enum(['another-round', 'close']),
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
  })
  .strict();

/** Body of the office's closure review: close (销号) or return to be done again (退回重办, with its reasons). */
export const closureReviewBodySchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('close'), reason: z.string().trim().max(2000).optional() }).strict(),
  z
    .object({ decision: z.literal('return'), reason: z.string().trim().min(1, 'a reason is required').max(2000) })
    .strict(),
]);

/** Body of a coordination request (协调事项): the unit asking, the matter, and the other units it concerns. */
export const coordinationBodySchema = z
  .object({
    department: departmentIdSchema,
    matter: z.string().trim().min(1, 'the matter is required').max(2000),
    units: z.array(departmentIdSchema).max(20).optional(),
  })
  .strict();

/** Body of the office's settlement of a coordination request: how it was settled. */
export const coordinationSettlementBodySchema = z
  .object({ outcome: z.string().trim().min(1, 'the outcome is required').max(2000) })
  .strict();

/** A coordination request id and its task in a path. */
export const coordinationParamsSchema = taskNumberParamsSchema.extend({
  id: z.string().regex(/^c[1-9][0-9]{0,5}$/, 'must be a coordination id such as c1'),
});

/** Filters of `GET /api/coordinations`. */
export const coordinationListQuerySchema = z
  .object({
    /** `open` (default): not yet settled; `all`: settled ones too. */
    state: z.enum(['open', 'all']).default('open'),
    plan: planIdSchema.optional(),
  })
  .strict();

/** Body of a receipt (签收): the unit signing for its part of the milestone, or disputing it with its reason. */
export const receiptBodySchema = z.discriminatedUnion('decision', [
  z.object({ department: departmentIdSchema, decision: z.literal('receive') }).strict(),
  z
    .object({
      department: departmentIdSchema,
      decision: z.literal('dispute'),
      /** Why the part is not the unit's (不属本单位职责). */
      reason: z.string().trim().min(1, 'a dispute needs its reason').max(2000),
    })
    .strict(),
]);

/** A disputing unit of a milestone in a path. */
export const disputeParamsSchema = milestoneParamsSchema.extend({ department: departmentIdSchema });

/** Body of the office's decision on a receipt dispute: confirm the unit, or hand its part to another. */
export const disputeDecisionBodySchema = z.discriminatedUnion('decision', [
  z
    .object({ decision: z.literal('confirm'), reason: z.string().trim().min(1, 'a reason is required').max(2000) })
    .strict(),
  z
    .object({
      decision: z.literal('reassign'),
      to: departmentIdSchema,
      reason: z.string().trim().min(1, 'a reason is required').max(2000),
    })
    .strict(),
]);

/** Body of a progress report (进展报告) for the current period. */
export const progressReportBodySchema = z
  .object({
    department: departmentIdSchema,
    /** What was done (已完成工作). */
    done: z.string().trim().min(1, 'what was done is required').max(4000),
    /** Problems met (存在问题). */
    problems: z.string().trim().max(4000).optional(),
    /** Matters needing coordination (需协调事项). */
    coordination: z.string().trim().max(4000).optional(),
    /** Next steps (下一步安排). */
    nextSteps: z.string().trim().max(4000).optional(),
  })
  .strict();

/** Body of a cancellation. */
export const cancelBodySchema = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();

/** A task number and work item (0-based) in a path. */
export const workItemParamsSchema = taskNumberParamsSchema.extend({ item: z.coerce.number().int().nonnegative() });

/** A task number, milestone id and work item (0-based) in a path. */
export const milestoneItemParamsSchema = milestoneParamsSchema.extend({ item: z.coerce.number().int().nonnegative() });

const reasonSchema = z.string().trim().min(1, 'a reason is required').max(2000);

/** Body of a member's (a province's) report on its part of a work item. */
export const reportBodySchema = z
  .object({
    department: departmentIdSchema,
    status: reportStatusSchema,
    text: z.string().trim().min(1, 'a report needs a text').max(4000),
    /** Figures the milestone asks for, by figure id (not for `not_applicable`). */
    figures: figureValuesSchema.optional(),
  })
  .strict();

/** Body of the item lead's early close of the members' reports. */
export const closeCollectiveBodySchema = z.object({ department: departmentIdSchema, reason: reasonSchema }).strict();

/** Body of the item lead's designation of ministry departments for 相关业务司局. */
export const designationBodySchema = z
  .object({
    department: departmentIdSchema,
    departments: z.array(departmentIdSchema).min(1).max(40),
    reason: reasonSchema,
  })
  .strict();

/** Body of the general office's waiver of a unit for one milestone of an item (不适用). */
export const waiverBodySchema = z.object({ unit: departmentIdSchema, reason: reasonSchema }).strict();

/** Body of the general office's reassignment of a unit's part of an item to another department. */
export const reassignmentBodySchema = z
  .object({ from: departmentIdSchema, to: departmentIdSchema, reason: reasonSchema })
  .strict();

/** Body of the general office's added co-unit. */
export const coUnitBodySchema = z.object({ unit: departmentIdSchema, reason: reasonSchema }).strict();

/** A milestone as answered by sign-off and resubmission. */
export const milestoneResponseSchema = milestoneViewSchema;
/** An extension request as answered by request and decision. */
export const extensionResponseSchema = extensionSchema;
/** A chase as answered by the office's chase. */
export const chaseResponseSchema = chaseSchema;
/** The final task state as answered by cancellation. */
export const cancelResponseSchema = keyTaskViewSchema;

/** A department of the plan's registry. */
export const planDepartmentSchema = z.object({
  id: z.string(),
  name: bilingualSchema,
  kind: departmentKindSchema,
  aliases: z.array(z.string()),
});

/** A key task of the plan with its units and schedule. */
export const planTaskSchema = z.object({
  number: z.number().int().positive(),
  section: z.number().int().positive(),
  title: bilingualSchema,
  lead: z.string(),
  coResponsible: z.array(z.string()),
  /** Each paragraph's text and units; `steward` leads an item the collective leads alone. */
  workItems: z.array(z.object({ text: z.string(), units: z.array(z.string()), steward: z.string().optional() })),
  milestones: z.array(milestoneTemplateSchema),
});

/** Answer of `GET /api/me`: who the bearer token belongs to, so a page can show what that user may do. */
export const meResponseSchema = z.object({
  role: roleSchema,
  /** For a coordinator: the department it signs for. */
  department: z.string().optional(),
  name: z.string(),
});

/** Answer of `GET /api/plan`. */
export const planResponseSchema = z.object({
  id: z.string(),
  title: bilingualSchema,
  documentDate: isoDateSchema,
  issuer: z.string(),
  sections: z.array(sectionSchema),
  tasks: z.array(planTaskSchema),
  departments: z.array(planDepartmentSchema),
  targets: z.array(targetSchema),
  /** Reminder and escalation policy, including the plan's time zone (`utcOffset`). */
  policy: policySchema,
  /** Who the general office, the supervision office and ministry leadership are. */
  roles: escalationRoleSchema,
});

/** The task and milestone an inbox item, escalation or extension request is about. */
const taskMilestoneRefSchema = z.object({
  taskNumber: z.number().int().positive(),
  taskTitle: bilingualSchema,
  workflowId: z.string(),
  milestoneId: z.string(),
  milestoneTitle: bilingualSchema,
  /** The milestone's current due date. */
  dueDate: isoDateSchema,
});

/** One milestone waiting on a department. */
export const inboxItemSchema = taskMilestoneRefSchema.extend({
  status: taskStatusSchema,
  milestoneState: milestoneStateSchema,
  /**
   * What the department is asked to do: sign off (`sign-off`), after a rejection resubmit (`resubmit`), as a
   * member of a collective (a province) report (`report`), or, as the general office, decide a milestone
   * rejected as often as the plan allows (`decide-round`), or review a milestone its lead submitted for closure
   * (`review-closure`: close it or return it); sign for receipt of its part (`receipt`, `dueDate` its last day);
   * as the task's office, decide a unit's dispute of its part (`decide-dispute`); as the task's lead, file the
   * period's progress report (`report-progress`, from 7 days before it is due, or once missed).
   */
  action: z.enum([
    'sign-off',
    'resubmit',
    'report',
    'decide-round',
    'review-closure',
    'receipt',
    'decide-dispute',
    'report-progress',
  ]),
  /** For `decide-dispute`: the unit that disputed its part, and its reason. */
  dispute: z.object({ department: departmentIdSchema, reason: z.string() }).optional(),
  /** For `report-progress`: the period (`YYYY-MM`) the report is owed for; `dueDate` is its due date. */
  period: z.string().optional(),
  /** Its responsibility as the plan gave it (absent for a province, a designated or an added unit). */
  responsibility: responsibilitySchema.optional(),
  /** Tasks with work items: the item (0-based) waiting on it; absent for the task lead's close. */
  workItem: z.number().int().nonnegative().optional(),
  /** Tasks with work items: its role there: co-unit, the item's lead, a member reporting, or the task's lead closing. */
  role: z.enum(['co', 'lead', 'member', 'close']).optional(),
  round: z.number().int().positive(),
  escalationLevel: z.number().int().min(0),
});
/** A milestone waiting on a department, with what the department is asked to do. */
export type InboxItem = z.infer<typeof inboxItemSchema>;

/**
 * A task a list had to leave out because its state could not be read (its query failed); the list still
 * answers with every other task.
 */
export const unavailableTaskSchema = z.object({
  taskNumber: z.number().int(),
  workflowId: z.string(),
  /** Why, in both languages. */
  reason: z.object({ zh: z.string(), en: z.string() }),
});
/** A task a list left out because its state could not be read. */
export type UnavailableTask = z.infer<typeof unavailableTaskSchema>;

/** One coordination request with its task, as `GET /api/coordinations` lists it. */
export const coordinationItemSchema = z.object({
  taskNumber: z.number().int().positive(),
  taskTitle: bilingualSchema,
  workflowId: z.string(),
  coordination: coordinationSchema,
});

/** One coordination request with its task. */
export type CoordinationItem = z.infer<typeof coordinationItemSchema>;

/** Answer of `GET /api/coordinations`: oldest request first. */
export const coordinationListResponseSchema = z.object({
  coordinations: z.array(coordinationItemSchema),
  unavailable: z.array(unavailableTaskSchema),
});

/** Answer of `GET /api/departments/:id/inbox`, soonest due first. */
export const inboxResponseSchema = z.object({
  department: z.string(),
  items: z.array(inboxItemSchema),
  /** Tasks waiting on the department whose state could not be read. */
  unavailable: z.array(unavailableTaskSchema),
});

/** One open escalation. */
export const escalationItemSchema = taskMilestoneRefSchema.extend({
  level: z.number().int().min(1),
  /** When the escalation opened (the milestone fell overdue). */
  since: z.string(),
  pendingDepartments: z.array(z.string()),
  levels: escalationSchema.shape.levels,
});
/** An open escalation, with its levels so far and the units still pending. */
export type EscalationItem = z.infer<typeof escalationItemSchema>;

/** One extension request waiting for the general office's decision. */
export const extensionRequestItemSchema = taskMilestoneRefSchema.extend({
  extension: extensionSchema,
});
/** A pending extension request with the task and milestone it is about. */
export type ExtensionRequestItem = z.infer<typeof extensionRequestItemSchema>;

/** Answer of `GET /api/extension-requests`: every pending request, oldest first. */
export const extensionRequestsResponseSchema = z.object({
  requests: z.array(extensionRequestItemSchema),
  unavailable: z.array(unavailableTaskSchema),
});

/** Answer of `GET /api/escalations`, highest level first, then longest open. */
export const escalationsResponseSchema = z.object({
  escalations: z.array(escalationItemSchema),
  unavailable: z.array(unavailableTaskSchema),
});

/** Answer of `GET /healthz`. */
export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  temporal: z.object({ address: z.string(), namespace: z.string() }),
  reason: z.string().optional(),
  error: errorBodySchema.shape.error.optional(),
});

/**
 * A payload as the Temporal Web UI's codec protocol carries it: metadata values and data base64-encoded
 * (protobuf JSON of `temporal.api.common.v1.Payload`).
 */
export const codecPayloadSchema = z.object({
  metadata: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64')).optional(),
  data: z
    .string()
    .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64')
    .optional(),
});
/** A payload in the codec protocol. */
export type CodecPayload = z.infer<typeof codecPayloadSchema>;

/** Body and answer of `/api/codec/decode` and `/api/codec/encode`: `{payloads: [...]}`. */
export const codecBodySchema = z.object({ payloads: z.array(codecPayloadSchema).max(10_000) });
/** Answer of `POST /api/codec/session`: when the codec session its cookie opens ends. */
export const codecSessionResponseSchema = z.object({ expiresAt: z.string() }).strict();

/** Body and answer of the codec endpoint. */
export type CodecBody = z.infer<typeof codecBodySchema>;

/**
 * Query of `GET /api/departments/:id/calendar.ics`: the department's feed token (`feed`), which calendar
 * apps send in the URL since they cannot send a bearer header. Missing or wrong: 401 `invalid_feed_token`.
 */
export const calendarFeedQuerySchema = z.object({ feed: z.string().max(200).optional() });

/** Answer of `POST /api/departments/:id/calendar-feed`: the new feed URL (shown once; the old one stops working). */
export const calendarFeedRotateResponseSchema = z.object({
  department: departmentIdSchema,
  /** `…/api/departments/<id>/calendar.ics?feed=<token>`: paste it into a calendar app as a subscription. */
  feedUrl: z.url(),
  rotatedAt: z.string(),
});

/** A named unit's answer to a supervision notice (督办单). */
export const noticeAnswerSchema = z.object({
  department: z.string(),
  action: z.string(),
  by: isoDateSchema,
  person: z.string(),
  at: z.string(),
  actor: actorSchema.optional(),
});

/** A supervision notice (督办单) with its number, the units it names, their answers and its state. */
export const supervisionNoticeSchema = z.object({
  id: z.string(),
  planId: z.string(),
  taskWorkflowId: z.string(),
  taskNumber: z.number().int(),
  taskTitle: bilingualSchema,
  milestoneId: z.string(),
  milestoneTitle: bilingualSchema,
  dueDate: isoDateSchema,
  level: z.number().int(),
  daysLate: z.number().int(),
  issuedBy: z.string(),
  units: z.array(z.string()),
  issuedAt: z.string(),
  issuedOn: isoDateSchema,
  answerBy: isoDateSchema,
  utcOffset: z.string(),
  overdueTo: z.array(z.string()),
  year: z.number().int(),
  serial: z.number().int().positive().nullable(),
  /** As the office writes it: 督办〔2026〕17号 (null for the moments before it is numbered). */
  number: z.string().nullable(),
  state: z.enum(['open', 'answered', 'closed']),
  answers: z.array(noticeAnswerSchema),
  unanswered: z.array(z.string()),
  /** Its answer date passed with a named unit unanswered (the supervision office was told). */
  overdue: z.boolean(),
  closedAt: z.string().optional(),
  closedBy: z.enum(['completed', 'extended', 'cancelled', 'superseded']).optional(),
  /** For `superseded`: the notice of a higher level that took its place. */
  supersededBy: z.string().optional(),
});

/** Filters of `GET /api/supervision-notices`. */
export const noticeListQuerySchema = z
  .object({
    /** `open` (default): notices whose escalation has not closed; `all`: closed ones too. */
    state: z.enum(['open', 'all']).default('open'),
    taskNumber: z.coerce.number().int().positive().optional(),
    /** Notices naming this unit. */
    department: departmentIdSchema.optional(),
    /** Which plan's notices (`GET /api/plans`); default: the plan the engine was started with. */
    plan: planIdSchema.optional(),
  })
  .strict();

/** Answer of `GET /api/supervision-notices`: newest first. */
export const noticeListResponseSchema = z.object({ notices: z.array(supervisionNoticeSchema) });

/** Path of a supervision notice: its id (`supervise-…`, as the list gives it). */
export const noticeParamsSchema = z.object({
  id: z.string().regex(/^supervise-[A-Za-z0-9-]{1,200}$/, 'must be a supervision notice id as the list gives it'),
});

/** Body of a supervision notice's answer: what the unit will do and by when. */
export const noticeAnswerBodySchema = z
  .object({
    department: departmentIdSchema,
    /** What it will do (empty after trimming is refused: `answer_required`). */
    action: z.string().max(2000),
    /** By when, `YYYY-MM-DD` (not before today). */
    by: isoDateSchema,
  })
  .strict();
