/**
 * Custom search attributes the key-task workflow keeps up to date, so that "every task where a unit is
 * pending" or "every escalated task" is one visibility query rather than a query per workflow.
 *
 * The dev server's SQLite visibility store allows 3 Int, 3 KeywordList and 10 Keyword attributes per
 * namespace (and 3 Bool, 3 Datetime); this set uses 3 Int, 2 KeywordList, 6 Keyword, 2 Datetime and 1 Bool.
 *
 * The notification workflow (one per notification) reuses `DubanPlanId`, `DubanTaskNumber`,
 * `DubanMilestone` and `DubanDepartments` (there: the recipients) and adds the two notification keys, so
 * that the notification log is one visibility query too.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The plan the task belongs to. */
export const SA_PLAN_ID = defineSearchAttributeKey('DubanPlanId', SearchAttributeType.KEYWORD);
/** The key task's number in its plan. */
export const SA_TASK_NUMBER = defineSearchAttributeKey('DubanTaskNumber', SearchAttributeType.INT);
/** The section number the task belongs to. */
export const SA_SECTION = defineSearchAttributeKey('DubanSection', SearchAttributeType.INT);
/** The lead unit's department id. */
export const SA_LEAD = defineSearchAttributeKey('DubanLead', SearchAttributeType.KEYWORD);
/** Every responsible unit's department id. */
export const SA_DEPARTMENTS = defineSearchAttributeKey('DubanDepartments', SearchAttributeType.KEYWORD_LIST);
/** Units that still owe a sign-off (or, for a returned milestone, the lead's resubmission). */
export const SA_PENDING = defineSearchAttributeKey('DubanPending', SearchAttributeType.KEYWORD_LIST);
/** The derived task status (`on_track`, `due_soon`, …). */
export const SA_STATUS = defineSearchAttributeKey('DubanStatus', SearchAttributeType.KEYWORD);
/** The id of the milestone being worked. */
export const SA_MILESTONE = defineSearchAttributeKey('DubanMilestone', SearchAttributeType.KEYWORD);
/** Due date of the current milestone, stored as that date at 00:00 UTC (its date part is the due date). */
export const SA_NEXT_DUE = defineSearchAttributeKey('DubanNextDue', SearchAttributeType.DATETIME);
/** Current escalation level, 0 when none is open. */
export const SA_ESCALATION_LEVEL = defineSearchAttributeKey('DubanEscalationLevel', SearchAttributeType.INT);

/** A notification workflow's kind (`reminder`, `escalation`, …). */
export const SA_NOTIFICATION_KIND = defineSearchAttributeKey('DubanNotificationKind', SearchAttributeType.KEYWORD);
/** A notification workflow's overall delivery outcome (`pending`, `retrying`, `delivered`, `failed`, `undeliverable`). */
export const SA_DELIVERY_OUTCOME = defineSearchAttributeKey('DubanDeliveryOutcome', SearchAttributeType.KEYWORD);

/** Whether the task has an extension request waiting for the general office's decision. */
export const SA_EXTENSION_PENDING = defineSearchAttributeKey('DubanExtensionPending', SearchAttributeType.BOOL);

/**
 * When the task's row last changed (the workflow's time of the upsert that changed it). Each API replica
 * polls visibility for rows changed since its last poll, so its task list stays current without reloading
 * every task (api/task-list-cache.ts). Absent on runs that have not changed since before it was added.
 */
export const SA_UPDATED_AT = defineSearchAttributeKey('DubanUpdatedAt', SearchAttributeType.DATETIME);

/** Every key above, for registering them on a server. */
export const ALL_SEARCH_ATTRIBUTES = [
  SA_PLAN_ID,
  SA_TASK_NUMBER,
  SA_SECTION,
  SA_LEAD,
  SA_DEPARTMENTS,
  SA_PENDING,
  SA_STATUS,
  SA_MILESTONE,
  SA_NEXT_DUE,
  SA_ESCALATION_LEVEL,
  SA_NOTIFICATION_KIND,
  SA_DELIVERY_OUTCOME,
  SA_EXTENSION_PENDING,
  SA_UPDATED_AT,
] as const;
