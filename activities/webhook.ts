/**
 * The webhook channel: an HTTP POST of the notification as JSON, signed with HMAC-SHA256 over the raw body
 * (`X-Signature: sha256=<hex>`) and identified by `X-Notification-Id`, so that a receiver can check who sent
 * it and drop a re-delivery. A 2xx answer is success; anything else, or no answer, is retried.
 */
import { createHmac } from 'node:crypto';
import type { Notification } from '../contracts';
import { taskLink } from './message-text';

/** The JSON body of a webhook call. */
export interface WebhookBody {
  id: string;
  kind: Notification['kind'];
  planId: string;
  taskNumber: number;
  taskTitle: Notification['taskTitle'];
  milestoneId: string;
  milestoneTitle: Notification['milestoneTitle'];
  /** Recipient department ids. */
  departments: string[];
  pendingDepartments: string[];
  dueDate: string;
  level?: number;
  daysLate?: number;
  daysBefore?: number;
  comment?: string;
  newDueDate?: string;
  approved?: boolean;
  /** Workflow time at which the notification was decided. */
  decidedAt: string;
  /** When this request was sent (differs between retries; the id does not). */
  sentAt: string;
  link: string;
}

/** The webhook body of a notification sent at `sentAt`. Pure. */
export function webhookBody(n: Notification, sentAt: string, publicUrl: string): WebhookBody {
  return {
    id: n.id,
    kind: n.kind,
    planId: n.planId,
    taskNumber: n.taskNumber,
    taskTitle: n.taskTitle,
    milestoneId: n.milestoneId,
    milestoneTitle: n.milestoneTitle,
    departments: n.departments,
    pendingDepartments: n.pendingDepartments,
    dueDate: n.dueDate,
    ...(n.level !== undefined ? { level: n.level } : {}),
    ...(n.daysLate !== undefined ? { daysLate: n.daysLate } : {}),
    ...(n.daysBefore !== undefined ? { daysBefore: n.daysBefore } : {}),
    ...(n.comment !== undefined ? { comment: n.comment } : {}),
    ...(n.newDueDate !== undefined ? { newDueDate: n.newDueDate } : {}),
    ...(n.approved !== undefined ? { approved: n.approved } : {}),
    decidedAt: n.at,
    sentAt,
    link: taskLink(publicUrl, n.taskNumber),
  };
}

/** The `X-Signature` value of a raw body: `sha256=` and the hex HMAC-SHA256 with `secret`. */
export function webhookSignature(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** Thrown when the receiver answered something other than 2xx; the delivery is retried. */
export class WebhookStatusError extends Error {
  constructor(readonly status: number) {
    super(`webhook answered HTTP ${status}`);
    this.name = 'WebhookStatusError';
  }
}

/**
 * POSTs a notification to `url`, signed with `secret`, giving up on one attempt after `timeoutMs` or when
 * `signal` aborts (the activity was cancelled).
 * @throws WebhookStatusError for a non-2xx answer; the fetch error when there was no answer.
 */
export async function postWebhook(
  url: string,
  secret: string,
  n: Notification,
  options: { publicUrl: string; now: () => number; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  const raw = JSON.stringify(webhookBody(n, new Date(options.now()).toISOString(), options.publicUrl));
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'duban-notifications',
      'X-Notification-Id': n.id,
      'X-Signature': webhookSignature(raw, secret),
    },
    body: raw,
    signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
  });
  // Read the body so the connection can be reused; its content does not matter.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new WebhookStatusError(res.status);
}

/** A webhook URL as shown in the notification log: origin and path, never the query (it may hold a token). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
