/**
 * The HTTP contract of scores (考核计分, `GET /api/scores`) and monthly bulletins (通报,
 * `GET /api/bulletins/:month`, `POST /api/bulletins/:month/send`). No Node imports, no I/O.
 */
import { z } from 'zod';
import { bilingualSchema, departmentIdSchema, isoDateSchema, scoringRuleSchema } from './plan';
import { taskLightSchema, unavailableTaskSchema } from './api';

/** The terms of the scoring rule (the same list as `SCORE_TERMS` of domain/scores.ts). */
export const scoreTermSchema = z.enum([
  'overdue-lead',
  'overdue-co-unit',
  'missed-progress-report',
  'office-return',
  'on-time',
]);

/** Query of `GET /api/scores`: `plan`, when given, must be the loaded plan's id. */
export const scoresQuerySchema = z
  .object({
    plan: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a plan id')
      .optional(),
  })
  .strict();

/** One scored event behind a department's score. */
export const scoreEventSchema = z.object({
  term: scoreTermSchema,
  taskNumber: z.number().int().positive(),
  milestoneId: z.string(),
  points: z.number().int(),
  daysLate: z.number().int().positive().optional(),
  /** For a missed progress report (`milestoneId` is `progress`): the period missed, `YYYY-MM`. */
  period: z.string().optional(),
});

/** A department's score, rank, standing and breakdown by term. */
export const departmentScoreSchema = z.object({
  department: departmentIdSchema,
  name: bilingualSchema,
  score: z.number().int(),
  /** 1 for the highest; equal scores share a rank. */
  rank: z.number().int().positive(),
  /** By the rule's thresholds: commended (表扬), criticised (通报批评), or neither. */
  standing: z.enum(['commended', 'criticised', 'none']),
  breakdown: z.array(z.object({ term: scoreTermSchema, count: z.number().int().min(0), points: z.number().int() })),
  events: z.array(scoreEventSchema),
});
/** A department's score with its breakdown, as the API answers it. */
export type DepartmentScoreItem = z.infer<typeof departmentScoreSchema>;

/** Answer of `GET /api/scores`: every scored department, highest score first. */
export const scoresResponseSchema = z.object({
  planId: z.string(),
  /** The instant the scores are computed as of (now). */
  asOf: z.string(),
  rule: scoringRuleSchema,
  /** Each term with its points and whether the record can hold its events yet (those that cannot count 0). */
  terms: z.array(
    z.object({ term: scoreTermSchema, label: bilingualSchema, points: z.number().int(), recorded: z.boolean() }),
  ),
  departments: z.array(departmentScoreSchema),
  /** Tasks whose state could not be read, left out of the scores. */
  unavailable: z.array(unavailableTaskSchema),
});
/** Answer of `GET /api/scores`. */
export type ScoresResponse = z.infer<typeof scoresResponseSchema>;

/** A month in a path, `YYYY-MM` (months 01–12). */
export const bulletinParamsSchema = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM, such as 2016-05'),
});

/** A department named in a bulletin: its id and Chinese and English names. */
const namedUnitSchema = z.object({ department: departmentIdSchema, name: bilingualSchema });

/** Counts of tasks by the board's lights. */
const lightCountsSchema = z.object(
  Object.fromEntries(taskLightSchema.options.map((l) => [l, z.number().int().min(0)])) as Record<
    z.infer<typeof taskLightSchema>,
    z.ZodNumber
  >,
);

/** The month's bulletin (通报) as data, with its text as the office would issue it. */
export const bulletinSchema = z.object({
  planId: z.string(),
  month: bulletinParamsSchema.shape.month,
  /** The instant it is counted as of: the end of the month, or now for the month under way. */
  asOf: z.string(),
  /** Whether the month is over (a bulletin of the month under way counts up to now). */
  monthClosed: z.boolean(),
  /** 教育部办公厅关于2016年5月教育信息化重点工作推进情况的通报 */
  title: z.string(),
  issuer: z.string(),
  /** The date it is dated (the last day of the month, or today), `YYYY-MM-DD`. */
  date: isoDateSchema,
  /** 各司局、各单位： */
  salutation: z.string(),
  /** The body in Chinese, paragraph by paragraph, as it prints. */
  paragraphs: z.array(z.string()),
  total: z.number().int().min(0),
  byLight: lightCountsSchema,
  bySection: z.array(
    z.object({
      section: z.number().int(),
      numeral: z.string(),
      title: bilingualSchema,
      total: z.number().int().min(0),
      byLight: lightCountsSchema,
    }),
  ),
  /** Tasks completed within the month. */
  completedTasks: z.array(
    z.object({
      taskNumber: z.number().int().positive(),
      title: bilingualSchema,
      lead: namedUnitSchema,
      on: isoDateSchema,
    }),
  ),
  /** Milestones completed within the month, with the days late of each (0 on time). */
  completedMilestones: z.array(
    z.object({
      taskNumber: z.number().int().positive(),
      milestoneId: z.string(),
      milestoneTitle: bilingualSchema,
      on: isoDateSchema,
      daysLate: z.number().int().min(0),
    }),
  ),
  /** Milestones overdue at `asOf`, the most days late first, with their lead and the units still owing them. */
  overdueMilestones: z.array(
    z.object({
      taskNumber: z.number().int().positive(),
      taskTitle: bilingualSchema,
      milestoneId: z.string(),
      milestoneTitle: bilingualSchema,
      dueDate: isoDateSchema,
      daysLate: z.number().int().positive(),
      lead: namedUnitSchema,
      pending: z.array(namedUnitSchema),
    }),
  ),
  /**
   * Supervision notices (督办单) open at `asOf` (issued, not yet closed), in the order of their numbers: the units
   * they name, those that had not answered by then, and whether their answer date had passed with one unanswered.
   */
  openNotices: z.array(
    z.object({
      noticeId: z.string(),
      /** 督办〔2016〕3号; null for a notice not numbered yet. */
      number: z.string().nullable(),
      taskNumber: z.number().int().positive(),
      taskTitle: bilingualSchema,
      milestoneTitle: bilingualSchema,
      level: z.number().int(),
      daysLate: z.number().int(),
      issuedOn: isoDateSchema,
      answerBy: isoDateSchema,
      units: z.array(namedUnitSchema),
      unanswered: z.array(namedUnitSchema),
      overdue: z.boolean(),
    }),
  ),
  /** By the plan's scoring rule at `asOf`; empty when the plan has none. */
  commended: z.array(namedUnitSchema.extend({ score: z.number().int() })),
  criticised: z.array(namedUnitSchema.extend({ score: z.number().int() })),
  /** Whether the plan has a scoring rule (without one, nobody is commended or criticised). */
  scored: z.boolean(),
  /** Tasks whose state could not be read, left out of the bulletin. */
  unavailable: z.array(unavailableTaskSchema),
});
/** The month's bulletin. */
export type Bulletin = z.infer<typeof bulletinSchema>;

/** Answer of `POST /api/bulletins/:month/send`: the notification started, to whom. */
export const bulletinSendResponseSchema = z.object({
  notificationId: z.string(),
  workflowId: z.string(),
  /** The departments it goes to (ministry leadership and the general office). */
  departments: z.array(departmentIdSchema),
  /** False when this month's bulletin of this instant had been sent already (nothing new started). */
  started: z.boolean(),
});
