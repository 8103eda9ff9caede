/**
 * The task list from Temporal visibility: one `ListWorkflowExecutions` query over the search attributes the
 * key-task workflow keeps current, mapped to rows. No query per workflow, so it stays fast with thousands
 * of tasks. Visibility is eventually consistent: a row may lag a just-accepted update by a moment.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  KEY_TASK_WORKFLOW,
  SA_DEPARTMENTS,
  SA_ESCALATION_LEVEL,
  SA_EXTENSION_PENDING,
  SA_LEAD,
  SA_MILESTONE,
  SA_NEXT_DUE,
  SA_PENDING,
  SA_PLAN_ID,
  SA_SECTION,
  SA_STATUS,
  SA_TASK_NUMBER,
  PARTS_MEMO_KEY,
  LOOP_MEMO_KEY,
  ITEM_MEMO_KEY,
  itemRecordSchema,
  loopRowSchema,
  SA_UPDATED_AT,
  taskStatusSchema,
  type CollectivePartCount,
  type ItemRecord,
  type ItemSummary,
  type PlanFile,
  type TaskRow,
} from '../contracts';
import { isItemNumber, taskDepartmentIds, taskUnits, taskWorkflowId } from '../domain/plan';

/** Filters of {@link listTasks}; all optional, combined with AND. */
export interface TaskListFilters {
  /** Tasks this department is responsible for (lead or co-responsible). */
  department?: string;
  status?: string;
  section?: number;
  /** Tasks whose current milestone waits on this department. */
  pending?: string;
  /** Only tasks with an open escalation. */
  escalated?: boolean;
  /** Only tasks with an extension request waiting for a decision. */
  extensionPending?: boolean;
}

/** Thrown for a filter value that cannot be put in a visibility query safely. */
export class TaskListFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskListFilterError';
  }
}

const SAFE_KEYWORD = /^[A-Za-z0-9_.-]+$/;

/**
 * `value` quoted for a visibility query (ids, statuses, kinds: letters, digits, `_`, `.`, `-` only).
 * @throws TaskListFilterError naming `what` for any other character, which could break the query.
 */
export function keyword(value: string, what: string): string {
  if (!SAFE_KEYWORD.test(value)) throw new TaskListFilterError(`unsafe ${what} "${value}" in a visibility query`);
  return `'${value}'`;
}

/**
 * The visibility query for a plan's key tasks with `filters`.
 * @throws TaskListFilterError for a value with characters a query could be broken by.
 */
export function taskListQuery(planId: string, filters: TaskListFilters = {}): string {
  const parts = [`WorkflowType = '${KEY_TASK_WORKFLOW}'`, `${SA_PLAN_ID.name} = ${keyword(planId, 'plan id')}`];
  if (filters.department) parts.push(`${SA_DEPARTMENTS.name} = ${keyword(filters.department, 'department')}`);
  if (filters.pending) parts.push(`${SA_PENDING.name} = ${keyword(filters.pending, 'department')}`);
  if (filters.status) parts.push(`${SA_STATUS.name} = ${keyword(filters.status, 'status')}`);
  if (filters.section !== undefined) {
    if (!Number.isInteger(filters.section)) throw new TaskListFilterError(`section must be an integer`);
    parts.push(`${SA_SECTION.name} = ${filters.section}`);
  }
  if (filters.escalated) parts.push(`${SA_ESCALATION_LEVEL.name} > 0`);
  // Only a running task can still decide one (a closed run may keep the attribute from older code).
  if (filters.extensionPending) parts.push(`${SA_EXTENSION_PENDING.name} = true AND ExecutionStatus = 'Running'`);
  return parts.join(' AND ');
}

/** Whether a row satisfies `filters` exactly as {@link taskListQuery} would select it (for filtering in memory). */
export function matchesTaskFilters(row: TaskRow, filters: TaskListFilters): boolean {
  return (
    (!filters.department || row.departments.includes(filters.department)) &&
    (!filters.pending || row.pendingDepartments.includes(filters.pending)) &&
    (!filters.status || row.status === filters.status) &&
    (filters.section === undefined || row.section === filters.section) &&
    (!filters.escalated || row.escalationLevel > 0) &&
    (!filters.extensionPending || row.extensionPending)
  );
}

/** The due date the workflow stored in `DubanNextDue`: that date at 00:00 UTC, so its UTC date part. */
export function dueDateOf(stored: Date): string {
  return stored.toISOString().slice(0, 10);
}

/** The record an item beyond the plan keeps in its memo, or undefined for a plan task (or a memo not readable). */
export function itemRecordOf(info: Pick<WorkflowExecutionInfo, 'memo'>): ItemRecord | undefined {
  const raw = info.memo?.[ITEM_MEMO_KEY];
  if (raw === undefined) return undefined;
  const parsed = itemRecordSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Maps one execution's search attributes to a row; `plan` supplies the title and fills missing attributes (an
 * item beyond the plan, numbered from the plan's `policy.items.firstNumber`, from the record in its memo).
 */
export function taskRowOf(info: WorkflowExecutionInfo, plan: PlanFile): TaskRow | undefined {
  const sa = info.typedSearchAttributes;
  const number = sa.get(SA_TASK_NUMBER);
  if (number === undefined) return undefined;
  const record = isItemNumber(plan, number) ? itemRecordOf(info) : undefined;
  const task = record?.task ?? plan.tasks.find((t) => t.number === number);
  if (!task || task.number !== number) return undefined;
  const { lead } = taskUnits(task);
  const parts = info.memo?.[PARTS_MEMO_KEY] as CollectivePartCount[] | undefined;
  const loop = loopRowSchema.safeParse(info.memo?.[LOOP_MEMO_KEY]);
  const status = taskStatusSchema.safeParse(sa.get(SA_STATUS));
  const nextDue = sa.get(SA_NEXT_DUE);
  return {
    number,
    section: sa.get(SA_SECTION) ?? task.section,
    title: task.title,
    workflowId: info.workflowId,
    lead: sa.get(SA_LEAD) ?? lead,
    departments: sa.get(SA_DEPARTMENTS) ?? taskDepartmentIds(plan, task),
    status: status.success ? status.data : null,
    currentMilestone: sa.get(SA_MILESTONE) ?? null,
    nextDue: nextDue ? dueDateOf(nextDue) : null,
    pendingDepartments: sa.get(SA_PENDING) ?? [],
    escalationLevel: sa.get(SA_ESCALATION_LEVEL) ?? 0,
    extensionPending: (sa.get(SA_EXTENSION_PENDING) ?? false) && info.status.name === 'RUNNING',
    ...(Array.isArray(parts) ? { parts } : {}),
    ...(loop.success ? { loop: loop.data } : {}),
    ...(record ? { item: itemSummary(record) } : {}),
  };
}

/** The summary of an item a row and an answer show (its record without the task it runs as). */
export function itemSummary(record: ItemRecord): ItemSummary {
  const { kind, source, urgency, createdAt, createdBy } = record;
  return { kind, source, ...(urgency ? { urgency } : {}), createdAt, createdBy };
}

/** Rows of one visibility load, with the newest `DubanUpdatedAt` among them (ms), if any carried it. */
export interface LoadedTaskRows {
  rows: TaskRow[];
  /** The latest change time among the loaded runs: where the next incremental load may start from. */
  latestUpdate?: number;
  /** The records of the items beyond the plan among the rows, by task number. */
  items?: ItemRecord[];
}

/** A run that ended without the workflow closing it (terminated, failed, timed out): no longer a task to show. */
const ENDED_OUTSIDE = new Set(['TERMINATED', 'FAILED', 'TIMED_OUT', 'CANCELLED']);

/**
 * Loads a plan's key tasks through one visibility query, one row per task (the newest run of each
 * workflow), ordered by task number; with `changedSince`, only tasks whose row changed at or after it
 * (`DubanUpdatedAt`). A task whose newest run was ended from outside (terminated, say) has no row.
 * @throws the client's `ServiceError` when Temporal cannot be reached.
 */
export async function loadTaskRows(
  client: Client,
  plan: PlanFile,
  { filters = {}, changedSince }: { filters?: TaskListFilters; changedSince?: number } = {},
): Promise<LoadedTaskRows> {
  let query = taskListQuery(plan.id, filters);
  if (changedSince !== undefined) query += ` AND ${SA_UPDATED_AT.name} >= '${new Date(changedSince).toISOString()}'`;
  const newest = new Map<string, WorkflowExecutionInfo>();
  for await (const info of client.workflow.list({ query, pageSize: 1000 })) {
    // Continue-as-new leaves closed runs behind with the same workflow ID; the newest run is the task.
    const seen = newest.get(info.workflowId);
    if (!seen || seen.startTime.getTime() < info.startTime.getTime()) newest.set(info.workflowId, info);
  }
  const rows: TaskRow[] = [];
  const items: ItemRecord[] = [];
  let latestUpdate: number | undefined;
  for (const info of newest.values()) {
    const updatedAt = info.typedSearchAttributes.get(SA_UPDATED_AT)?.getTime();
    if (updatedAt !== undefined && (latestUpdate === undefined || updatedAt > latestUpdate)) latestUpdate = updatedAt;
    if (ENDED_OUTSIDE.has(info.status.name)) continue;
    const row = taskRowOf(info, plan);
    // Only workflows whose ID is the plan's own for that task number count (a stray workflow is ignored).
    if (row && info.workflowId === taskWorkflowId(plan, { number: row.number })) {
      rows.push(row);
      const record = row.item ? itemRecordOf(info) : undefined;
      if (record) items.push(record);
    }
  }
  return { rows: rows.sort((a, b) => a.number - b.number), latestUpdate, items };
}
