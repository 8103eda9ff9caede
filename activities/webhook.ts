/**
 * The webhook channel: an HTTP POST of the notification as JSON, signed by the Standard Webhooks spec
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), so
 * that a receiver can check who sent it, refuse a replayed call and drop a re-delivery; and, for receivers
 * set up before, with the older `X-Signature: sha256=<hex HMAC of the body>` and `X-Notification-Id`.
 * A 2xx answer is success; anything else, or no answer, is retried. Redirects are never followed: the
 * signed call would go, headers and all, wherever the receiver points.
 */
import { createHmac } from 'node:crypto';
import { whsecKey, type Notification } from '../contracts';
import { noticeLink } from './message-text';

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
    link: noticeLink(publicUrl, n),
  };
}

/** The `X-Signature` value of a raw body: `sha256=` and the hex HMAC-SHA256 with `secret`. */
export function webhookSignature(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * The key a secret signs `webhook-signature` with: the decoded bytes of a `whsec_` secret, else (a global
 * secret from before the Standard Webhooks headers) the secret's UTF-8 bytes.
 */
export function standardWebhookKey(secret: string): Uint8Array {
  return whsecKey(secret) ?? Buffer.from(secret, 'utf8');
}

/**
 * The Standard Webhooks headers of a call: `webhook-id` (the notification id, the same on every retry),
 * `webhook-timestamp` (unix seconds of this attempt) and `webhook-signature`. Pure.
 */
export function standardWebhookHeaders(
  id: string,
  timestampSeconds: number,
  rawBody: string,
  secret: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const signature = createHmac('sha256', standardWebhookKey(secret))
    .update(`${id}.${timestampSeconds}.${rawBody}`, 'utf8')
    .digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

/** Thrown when the receiver answered something other than 2xx; the delivery is retried. */
export class WebhookStatusError extends Error {
  constructor(readonly status: number) {
    super(`webhook answered HTTP ${status}`);
    this.name = 'WebhookStatusError';
  }
}

/**
 * Thrown when the receiver answered a redirect (3xx): it is not followed, so that the signed call never goes
 * to a place nobody configured; the delivery fails (and is retried, in case the URL is fixed meanwhile).
 */
export class WebhookRedirectError extends WebhookStatusError {
  constructor(
    status: number,
    readonly location: string,
  ) {
    super(status);
    this.message =
      `webhook answered HTTP ${status} redirecting to ${location}: redirects are not followed ` +
      '(the signed call would go elsewhere); put the final URL in the configuration';
    this.name = 'WebhookRedirectError';
  }
}

/**
 * POSTs a notification to `url`, signed with `secret`, giving up on one attempt after `timeoutMs` or when
 * `signal` aborts (the activity was cancelled). Redirects are not followed.
 * @throws WebhookRedirectError for a 3xx answer; WebhookStatusError for another non-2xx answer; the fetch
 *   error when there was no answer.
 */
export async function postWebhook(
  url: string,
  secret: string,
  n: Notification,
  options: { publicUrl: string; now: () => number; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  const sentAt = options.now();
  const raw = JSON.stringify(webhookBody(n, new Date(sentAt).toISOString(), options.publicUrl));
  const res = await postJson(
    url,
    raw,
    {
      ...standardWebhookHeaders(n.id, Math.floor(sentAt / 1000), raw, secret),
      'X-Notification-Id': n.id,
      'X-Signature': webhookSignature(raw, secret),
    },
    options,
  );
  // Read the body so the connection can be reused; its content does not matter.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new WebhookStatusError(res.status);
}

/**
 * POSTs a JSON body with `headers`, without following redirects, giving up after `timeoutMs` (default
 * 10 s) or when `signal` aborts. Shared by the webhooks and the chat robots.
 * @throws WebhookRedirectError for a 3xx answer (the body is drained); the fetch error when there was no answer.
 */
export async function postJson(
  url: string,
  raw: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'duban-notifications', ...headers },
    body: raw,
    redirect: 'manual',
    signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
  });
  if (res.status >= 300 && res.status < 400) {
    await res.arrayBuffer().catch(() => undefined);
    const location = res.headers.get('location');
    let shown = '(no Location)';
    if (location) {
      try {
        shown = displayUrl(new URL(location, url).href);
      } catch {
        shown = '(an invalid Location)';
      }
    }
    throw new WebhookRedirectError(res.status, shown);
  }
  return res;
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
