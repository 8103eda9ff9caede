/**
 * What a notification workflow is started with besides its input: its search attributes (the notification
 * log's filters) and its first memo. Shared by the key-task workflow, which starts one per notice, and the API,
 * which starts one for a bulletin sent to leadership, so that every notification is listed the same way.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { Notification, NotificationDelivery } from '../schemas';
import { DELIVERY_MEMO_KEY } from './messages';
import {
  SA_DELIVERY_OUTCOME,
  SA_DEPARTMENTS,
  SA_MILESTONE,
  SA_NOTIFICATION_KIND,
  SA_PLAN_ID,
  SA_TASK_NUMBER,
} from './search-attributes';

/** The search attributes a notification workflow starts with; the outcome is kept current by the workflow. */
export function notificationSearchAttributes(n: Notification): SearchAttributePair[] {
  return [
    { key: SA_PLAN_ID, value: n.planId },
    { key: SA_TASK_NUMBER, value: n.taskNumber },
    { key: SA_MILESTONE, value: n.milestoneId },
    { key: SA_NOTIFICATION_KIND, value: n.kind },
    { key: SA_DEPARTMENTS, value: n.departments },
    { key: SA_DELIVERY_OUTCOME, value: 'pending' },
  ];
}

/** The memo a notification workflow starts with, so the log can show it before its first delivery is planned. */
export function notificationMemo(n: Notification): Record<string, unknown> {
  const delivery: NotificationDelivery = { notification: n, outcome: 'pending', deliveries: [] };
  return { [DELIVERY_MEMO_KEY]: delivery };
}
