/**
 * Items beyond the annual plan (交办事项): the body of `POST /api/items` (a leader's instruction or a meeting
 * decision, its source, urgency, units, deadline and milestones), what the item's workflow keeps in its memo so
 * that every API replica can find it, and the summary its row of the task list carries. No Node imports.
 */
import { z } from 'zod';
import { ITEM_URGENCIES, bilingualSchema, departmentIdSchema, isoDateSchema, taskSchema } from './plan';

/** 领导批示件 (a leader's written instruction) or 会议议定事项 (a decision of a meeting). */
export const itemKindSchema = z.enum(['instruction', 'meeting']);
/** The kind of an item beyond the plan. */
export type ItemKind = z.infer<typeof itemKindSchema>;

/** Where an item comes from: who instructed (or which meeting decided), the document or meeting, and its date. */
export const itemSourceSchema = z
  .object({
    /** Who instructed: 部长, 分管部领导; for a meeting, who chaired it. */
    by: z.string().trim().min(1).max(100),
    /** The document (批示件 number and title) or the meeting (部党组会 2016年第5次). */
    document: z.string().trim().min(1).max(300),
    date: isoDateSchema,
  })
  .strict();

/** Body of `POST /api/items`. */
export const itemBodySchema = z
  .object({
    kind: itemKindSchema,
    /** What is to be done, in Chinese (the task title on the board). */
    title: z.string().trim().min(1).max(200),
    /** The title in English (default: the Chinese). */
    titleEn: z.string().trim().min(1).max(300).optional(),
    /** The instruction's or decision's own words (default: the title). */
    text: z.string().trim().min(1).max(4000).optional(),
    source: itemSourceSchema,
    /** 特急, 急 or 一般 (checked against the plan's policy: unknown urgencies are refused with `unknown_urgency`). */
    urgency: z.string().max(20).optional(),
    /** The lead unit (checked against the registry: `item_lead_required`, `unknown_department`). */
    lead: departmentIdSchema.optional(),
    coUnits: z.array(departmentIdSchema).max(40).default([]),
    /** The deadline; without it, the urgency's time limit in working days from today. */
    dueDate: isoDateSchema.optional(),
    /** Milestones before the deadline, in order; the item always ends with 办结 on the deadline. */
    milestones: z
      .array(z.object({ title: z.string().trim().min(1).max(100), dueDate: isoDateSchema }).strict())
      .max(10)
      .default([]),
  })
  .strict();
/** The body of `POST /api/items`, parsed. */
export type ItemBody = z.infer<typeof itemBodySchema>;

/** What an item's row on the board says about it (the plan's tasks have none). */
export const itemSummarySchema = z.object({
  kind: itemKindSchema,
  source: itemSourceSchema,
  urgency: z.enum(ITEM_URGENCIES).optional(),
  /** The instant the office created it, and who did. */
  createdAt: z.string(),
  createdBy: z.string(),
});
/** The summary of an item beyond the plan. */
export type ItemSummary = z.infer<typeof itemSummarySchema>;

/**
 * What an item's workflow carries in its memo (`item`): its summary and the task it runs as, in the plan file's
 * own shape (one work item of the lead and co-units, its own schedule), so that the API resolves it as it
 * resolves the plan's tasks.
 */
export const itemRecordSchema = itemSummarySchema.extend({ text: z.string(), task: taskSchema });
/** An item beyond the plan as its workflow's memo keeps it. */
export type ItemRecord = z.infer<typeof itemRecordSchema>;

/** Answer of `POST /api/items`: 201 with the item's number, workflow and milestones. */
export const itemCreatedResponseSchema = z.object({
  number: z.number().int().positive(),
  workflowId: z.string(),
  section: z.number().int().positive(),
  title: bilingualSchema,
  lead: departmentIdSchema,
  coUnits: z.array(departmentIdSchema),
  dueDate: isoDateSchema,
  /** Whether the deadline came from the urgency's time limit (no `dueDate` given). */
  dueFromUrgency: z.boolean(),
  milestones: z.array(z.object({ id: z.string(), title: bilingualSchema, dueDate: isoDateSchema })),
  item: itemSummarySchema,
});
