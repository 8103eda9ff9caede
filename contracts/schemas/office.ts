/**
 * The general office's tools over several plans: the plans the engine runs (`GET /api/plans`, `POST
 * /api/plans`), the plan a request is about (`?plan=`), and the data of the board's and the targets page's
 * charts (the departments' league, overdue milestones over time). No Node imports, no I/O.
 */
import { z } from 'zod';
import { bilingualSchema, departmentIdSchema, isoDateSchema, planIdSchema } from './plan';
import { taskStatusSchema } from './task-view';
import { startedTaskSchema } from './api';

/** `?plan=`: which plan a request is about; default the plan the engine was started with (`PLAN_FILE`). */
export const planQuerySchema = z.object({ plan: planIdSchema.optional() }).strict();

/** A plan the engine runs, as `GET /api/plans` lists it: what it is and how far its tasks are. */
export const planListItemSchema = z.object({
  id: planIdSchema,
  title: bilingualSchema,
  issuer: z.string(),
  documentDate: isoDateSchema,
  /** The year of the document's date (the plan's year). */
  year: z.number().int(),
  /** Whether it is the default plan (`PLAN_FILE`): the one a request without `?plan=` is about. */
  default: z.boolean(),
  sections: z.number().int().nonnegative(),
  tasks: z.number().int().nonnegative(),
  workItems: z.number().int().nonnegative(),
  /** Tasks whose workflow runs or ran (rows of the task list); fewer than `tasks` until the plan is started. */
  started: z.number().int().nonnegative(),
  /** Started tasks by status (as the board's lights count them). */
  byStatus: z.record(taskStatusSchema, z.number().int().nonnegative()),
});
/** A plan as `GET /api/plans` lists it. */
export type PlanListItem = z.infer<typeof planListItemSchema>;

/** Answer of `GET /api/plans`: the default plan first, then the others by year (newest first) and id. */
export const planListResponseSchema = z.object({ plans: z.array(planListItemSchema) });

/**
 * Body of `POST /api/plans`: a plan file's content (validated by the plan schema: every problem is answered
 * with its path, 400 `invalid_plan`) and the date its schedule counts from (default: today, plan time zone).
 */
export const planLoadBodySchema = z
  .object({
    plan: z.record(z.string(), z.unknown()),
    startDate: isoDateSchema.optional(),
  })
  .strict();

/** Answer of `POST /api/plans`: the plan as listed, and each of its tasks started. */
export const planLoadResponseSchema = z.object({ plan: planListItemSchema, tasks: z.array(startedTaskSchema) });

/** Query of the charts' data: the plan, and the board's department filter. */
export const chartQuerySchema = z
  .object({ plan: planIdSchema.optional(), department: departmentIdSchema.optional() })
  .strict();

/**
 * A column of the departments' league: its key in each row's `values`, its words, what its number is
 * (`count`, `percent` 0–100, `days`) and which way is better, so a page can sort and draw any column,
 * also ones added later (a department's score, 考核计分).
 */
export const leagueColumnSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  label: bilingualSchema,
  /** What the column means, for a tooltip or a legend. */
  help: bilingualSchema,
  unit: z.enum(['count', 'percent', 'days', 'points']),
  better: z.enum(['higher', 'lower']),
});
/** A column of the departments' league. */
export type LeagueColumn = z.infer<typeof leagueColumnSchema>;

/** One department's line of the league: its value per column key (`null`: nothing to count yet). */
export const leagueRowSchema = z.object({
  department: departmentIdSchema,
  values: z.record(z.string(), z.number().nullable()),
});
/** One department's line of the league. */
export type LeagueRow = z.infer<typeof leagueRowSchema>;

/** Answer of `GET /api/charts/league`: the columns, and a row per department with milestones to answer for. */
export const leagueResponseSchema = z.object({
  planId: planIdSchema,
  /** The instant the figures are counted as of (ISO). */
  asOf: z.string(),
  columns: z.array(leagueColumnSchema),
  rows: z.array(leagueRowSchema),
  /** Tasks whose state could not be read and are not counted. */
  unavailable: z.array(z.number().int().positive()),
});
/** The departments' league. */
export type LeagueResponse = z.infer<typeof leagueResponseSchema>;

/** One day of the overdue history: how many milestones were overdue at the end of that day (plan time zone). */
export const overduePointSchema = z.object({ date: isoDateSchema, overdue: z.number().int().nonnegative() });

/** Answer of `GET /api/charts/overdue`: one point per day from the plan's first due date to today. */
export const overdueHistoryResponseSchema = z.object({
  planId: planIdSchema,
  asOf: z.string(),
  days: z.array(overduePointSchema),
  unavailable: z.array(z.number().int().positive()),
});
/** Overdue milestones over time. */
export type OverdueHistory = z.infer<typeof overdueHistoryResponseSchema>;
