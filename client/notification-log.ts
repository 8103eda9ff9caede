/**
 * The notification log from Temporal visibility: one `ListWorkflowExecutions` query over the notification
 * workflows' search attributes, each row carrying its delivery record in its memo. Only notifications whose
 * deliveries are still in flight are described as well, to show the attempts made so far and the last
 * error (that is where Temporal keeps a retrying activity's state). Visibility is eventually consistent: a
 * notification may appear a moment after it was decided.
 */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import {
  DELIVERY_MEMO_KEY,
  NOTIFICATION_WORKFLOW,
  SA_DEPARTMENTS,
  SA_NOTIFICATION_KIND,
  SA_PLAN_ID,
  SA_TASK_NUMBER,
  notificationDeliverySchema,
  type NotificationKind,
  type NotificationLogEntry,
} from '../contracts';
import { TaskListFilterError, keyword } from './task-list';

/** Filters of {@link listNotifications}; all optional, combined with AND. */
export interface NotificationLogFilters {
  /** Notifications sent to this department. */
  department?: string;
  taskNumber?: number;
  kind?: NotificationKind;
}

const DESCRIBE_CONCURRENCY = 8;

/**
 * The visibility query for a plan's notifications with `filters`.
 * @throws TaskListFilterError for a value with characters a query could be broken by.
 */
export function notificationLogQuery(planId: string, filters: NotificationLogFilters = {}): string {
  const parts = [`WorkflowType = '${NOTIFICATION_WORKFLOW}'`, `${SA_PLAN_ID.name} = ${keyword(planId, 'plan id')}`];
  if (filters.department) parts.push(`${SA_DEPARTMENTS.name} = ${keyword(filters.department, 'department')}`);
  if (filters.kind) parts.push(`${SA_NOTIFICATION_KIND.name} = ${keyword(filters.kind, 'kind')}`);
  if (filters.taskNumber !== undefined) {
    if (!Number.isInteger(filters.taskNumber)) throw new TaskListFilterError('task number must be an integer');
    parts.push(`${SA_TASK_NUMBER.name} = ${filters.taskNumber}`);
  }
  return parts.join(' AND ');
}

/** One execution as a log entry, from its memo; undefined when the memo is missing or not a delivery record. */
export function logEntryOf(info: WorkflowExecutionInfo): NotificationLogEntry | undefined {
  const parsed = notificationDeliverySchema.safeParse(info.memo?.[DELIVERY_MEMO_KEY]);
  if (!parsed.success) return undefined;
  return { ...parsed.data, workflowId: info.workflowId, startedAt: info.startTime.toISOString() };
}

/** Adds the attempts so far and the last error of deliveries still in flight, from the workflow's pending activities. */
async function withRetries(client: Client, entry: NotificationLogEntry): Promise<NotificationLogEntry> {
  const description = await client.workflow.getHandle(entry.workflowId).describe();
  const pending = description.raw.pendingActivities ?? [];
  for (const d of entry.deliveries) {
    if (d.outcome !== 'pending') continue;
    const activity = pending.find((p) => p.activityId === d.key);
    if (!activity) continue;
    const failed = Math.max((activity.attempt ?? 1) - 1, 0);
    d.attempts = failed;
    if (activity.lastFailure?.message) {
      d.outcome = 'retrying';
      d.lastError = activity.lastFailure.message;
    }
  }
  if (entry.deliveries.some((d) => d.outcome === 'retrying') && entry.outcome === 'pending') entry.outcome = 'retrying';
  return entry;
}

/**
 * Lists a plan's notifications, newest first: what was sent to whom, through which channel, with what outcome.
 * One visibility query, plus one `describe` per notification still being delivered.
 * @throws the client's `ServiceError` when Temporal cannot be reached; TaskListFilterError for an unsafe filter.
 */
export async function listNotifications(
  client: Client,
  planId: string,
  filters: NotificationLogFilters = {},
): Promise<NotificationLogEntry[]> {
  const entries: { entry: NotificationLogEntry; open: boolean }[] = [];
  for await (const info of client.workflow.list({ query: notificationLogQuery(planId, filters), pageSize: 1000 })) {
    const entry = logEntryOf(info);
    if (entry) entries.push({ entry, open: info.status.name === 'RUNNING' });
  }
  const open = entries.filter((e) => e.open && e.entry.deliveries.some((d) => d.outcome === 'pending'));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < open.length; i = next++) {
      const item = open[i]!;
      try {
        item.entry = await withRetries(client, item.entry);
      } catch (err) {
        // Gone since it was listed (retention): keep what its memo said.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DESCRIBE_CONCURRENCY, open.length) }, worker));
  return entries
    .map((e) => e.entry)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.workflowId.localeCompare(b.workflowId));
}

/** One figure of {@link countDeliveries}: how many deliveries of one channel stand at one outcome. */
export interface DeliveryCount {
  channel: string;
  outcome: NotificationLogEntry['outcome'];
  count: number;
}

/**
 * The deliveries of a plan's notifications (one per channel and target of each notice), counted by channel
 * and outcome, for the API's metrics. One visibility query over the same notifications as the log, reading
 * only the memos (no `describe`): a delivery being retried counts as `pending` here.
 * @throws the client's `ServiceError` when Temporal cannot be reached.
 */
export async function countDeliveries(client: Client, planId: string): Promise<DeliveryCount[]> {
  const counts = new Map<string, DeliveryCount>();
  for await (const info of client.workflow.list({ query: notificationLogQuery(planId), pageSize: 1000 })) {
    for (const d of logEntryOf(info)?.deliveries ?? []) {
      const key = `${d.channel}\n${d.outcome}`;
      const c = counts.get(key) ?? { channel: d.channel, outcome: d.outcome, count: 0 };
      c.count += 1;
      counts.set(key, c);
    }
  }
  return [...counts.values()];
}
