/**
 * The notification schemas: the contacts file that says who a department is, the state a notification's
 * own workflow keeps about its delivery (per channel: attempts, last error, outcome), which the API parses
 * from the workflow's memo, and the notification log the API lists. No Node imports, no I/O. The query
 * that answers the delivery state is in contracts/shared/messages.ts.
 */
import { z } from 'zod';
import { notificationKindSchema, notificationSchema } from './task-view';
import { departmentIdSchema } from './plan';

/** The prefix of a Standard Webhooks secret. */
export const WHSEC_PREFIX = 'whsec_';

/**
 * The signing key of a Standard Webhooks secret (`whsec_` + the base64 of 24 to 64 random bytes, as the
 * spec asks), or undefined when `secret` is not one. Pure; no Node imports (uses `atob`).
 */
export function whsecKey(secret: string): Uint8Array | undefined {
  if (!secret.startsWith(WHSEC_PREFIX)) return undefined;
  const b64 = secret.slice(WHSEC_PREFIX.length);
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return bytes.length >= 24 && bytes.length <= 64 ? bytes : undefined;
}

/** What a bad `whsec_` secret is told; names the format, never the value. */
export const WHSEC_FORMAT =
  'must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes ' +
  "(make one with: node -e \"console.log('whsec_'+require('crypto').randomBytes(32).toString('base64'))\")";

/** A receiver's own Standard Webhooks secret (`whsec_…`). */
export const whsecSecretSchema = z.string().refine((s) => whsecKey(s) !== undefined, { error: WHSEC_FORMAT });

/**
 * The global webhook secret (`WEBHOOK_SECRET`): a `whsec_` secret (checked), or, for receivers set up before
 * the Standard Webhooks headers, any other string (its UTF-8 bytes are the key).
 */
export const globalWebhookSecretSchema = z
  .string()
  .refine((s) => !s.startsWith(WHSEC_PREFIX) || whsecKey(s) !== undefined, { error: WHSEC_FORMAT });

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** A 企业微信 (WeCom) group robot: its webhook URL (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`). */
export const wecomRobotSchema = z.object({ webhookUrl: httpUrl }).strict();

/**
 * A 钉钉 (DingTalk) custom robot with 加签 (signed) security: its webhook URL
 * (`https://oapi.dingtalk.com/robot/send?access_token=…`) and the `SEC…` secret the robot's settings show.
 */
export const dingtalkRobotSchema = z
  .object({
    webhookUrl: httpUrl,
    secret: z.string().regex(/^SEC[A-Za-z0-9]{16,}$/, {
      error: 'must be the robot’s 加签 secret as DingTalk shows it: SEC followed by letters and digits',
    }),
  })
  .strict();

/**
 * One department's contacts: its coordinators' e-mail addresses and, optionally, its own webhook (with its
 * own `whsec_` secret, else `WEBHOOK_SECRET` signs it), a WeCom group robot and a DingTalk robot.
 */
export const departmentContactSchema = z
  .object({
    emails: z.array(z.email('must be an e-mail address such as coordinator@moe.gov.cn')).default([]),
    webhookUrl: httpUrl.optional(),
    webhookSecret: whsecSecretSchema.optional(),
    wecom: wecomRobotSchema.optional(),
    dingtalk: dingtalkRobotSchema.optional(),
  })
  .strict()
  .refine((c) => !c.webhookSecret || c.webhookUrl, {
    error: 'webhookSecret is given without webhookUrl',
    path: ['webhookSecret'],
  });

/**
 * The contacts file (`CONTACTS_FILE`): department id → contacts. The general office, the supervision office
 * and leadership are departments like the others. A department missing here is reachable by no one; its
 * notifications are logged as undeliverable.
 */
export const contactsFileSchema = z.record(departmentIdSchema, departmentContactSchema);
/** The parsed contacts file: each department id with its e-mail addresses and optional webhook. */
export type ContactsFile = z.infer<typeof contactsFileSchema>;

/**
 * A delivery channel: `email` (SMTP), `webhook` (signed HTTP POST), `wecom` and `dingtalk` (group chat
 * robots), `console` (a log line), any other plugged-in channel by its name, and `none` for recipients no
 * channel reaches.
 */
export const deliveryChannelSchema = z.string().min(1);

/**
 * Where one delivery stands. `pending` until its first attempt ends; `retrying` while attempts fail and
 * are retried with backoff; `delivered`; `failed` after its attempts ran out or on a permanent error
 * (a bad address); `undeliverable` when the recipient has no contacts at all; `obsolete` when it was not
 * delivered because it stopped being true first (its milestone completed, its task cancelled).
 */
export const deliveryOutcomeSchema = z.enum([
  'pending',
  'retrying',
  'delivered',
  'failed',
  'undeliverable',
  'obsolete',
]);
/**
 * Where one delivery (or a whole notification) stands: `pending` to `delivered`, `failed`, `undeliverable` or
 * `obsolete`.
 */
export type DeliveryOutcome = z.infer<typeof deliveryOutcomeSchema>;

/** A delivery the notification workflow will make: one channel, one target, for some recipients. */
export const plannedDeliverySchema = z.object({
  /** Stable within the notification, e.g. `email:alpha`, `webhook:1`, `console`. */
  key: z.string().min(1),
  channel: deliveryChannelSchema,
  /** The recipient departments this delivery is for (all of them for the global webhook and the console). */
  departments: z.array(z.string()),
  /** Who receives it: e-mail addresses, or a webhook's origin and path (never its query string). */
  to: z.array(z.string()),
  /** For channel `none`: why nothing reaches these recipients. */
  reason: z.string().optional(),
});
/** One delivery a notification will make: channel, target and the recipients it is for. */
export type PlannedDelivery = z.infer<typeof plannedDeliverySchema>;

/** One delivery's record in the notification log. */
export const deliveryRecordSchema = plannedDeliverySchema.extend({
  outcome: deliveryOutcomeSchema,
  /** Attempts made so far (0 while the first is in flight). */
  attempts: z.number().int().min(0),
  lastError: z.string().optional(),
  /** When it was delivered (or given up), workflow time. */
  at: z.string().optional(),
});
/** A planned delivery with its outcome so far: attempts, last error, when it ended. */
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** The overall outcome of a notification: the worst of its deliveries' (or `pending` before they are planned). */
export const notificationOutcomeSchema = deliveryOutcomeSchema;

/** The state of a notification's workflow, as the `getDelivery` query (contracts/shared/messages.ts) answers it and its memo holds it. */
export const notificationDeliverySchema = z.object({
  notification: notificationSchema,
  outcome: notificationOutcomeSchema,
  deliveries: z.array(deliveryRecordSchema),
  /** Why and when the task withdrew it before every delivery was made: what it said was no longer true. */
  withdrawn: z.object({ reason: z.enum(['completed', 'cancelled']), at: z.string() }).optional(),
});
/** A notification's delivery state, as its workflow's query answers it and its memo holds it. */
export type NotificationDelivery = z.infer<typeof notificationDeliverySchema>;

/** Filters of `GET /api/notifications`; all optional and combined with AND. */
export const notificationListQuerySchema = z
  .object({
    /** Notifications sent to this department. */
    department: departmentIdSchema.optional(),
    taskNumber: z.coerce.number().int().positive().optional(),
    kind: notificationKindSchema.optional(),
  })
  .strict();

/** One entry of the notification log. */
export const notificationLogEntrySchema = notificationDeliverySchema.extend({
  /** The id of the workflow that delivers it (equal to the notification id). */
  workflowId: z.string(),
  /** When its delivery started. */
  startedAt: z.string(),
});
/** A notification as the notification log lists it, with its workflow id and start time. */
export type NotificationLogEntry = z.infer<typeof notificationLogEntrySchema>;

/** Answer of `GET /api/notifications`, newest first. */
export const notificationLogResponseSchema = z.object({ notifications: z.array(notificationLogEntrySchema) });

/**
 * A URL with its password masked, for messages and logs: `smtp://user:***@host:587`. Works on strings that
 * are not valid URLs too (a password with an unencoded `#` or `/`): everything before the last `@` after
 * the scheme is credentials, and only the user name before the first `:` is kept. Pure; never throws.
 */
export function maskUrlPassword(raw: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?([\s\S]*)$/.exec(raw)!;
  const scheme = m[1] ?? '';
  const rest = m[2]!;
  const at = rest.lastIndexOf('@');
  if (at < 0) return raw;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const shown = colon < 0 ? (scheme ? userinfo : '***') : `${userinfo.slice(0, colon)}:***`;
  return `${scheme}${shown}@${rest.slice(at + 1)}`;
}

const ENCODE_HINT =
  'percent-encode special characters of the user name and password (# → %23, / → %2F, @ → %40, : → %3A, % → %25)';

/**
 * `SMTP_URL`: `smtp://user:password@host:587` (STARTTLS when offered; add `?requireTLS=true` to refuse a
 * server that does not offer it) or `smtps://…:465` (implicit TLS). The password is percent-encoded. Its
 * messages never repeat the value.
 */
export const smtpUrlSchema = z.string().superRefine((raw, ctx) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: `is not a valid URL: ${ENCODE_HINT}` });
    return;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    ctx.addIssue({ code: 'custom', message: 'must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)' });
  }
  if (url.hash || url.pathname.includes('@') || (url.pathname !== '' && url.pathname !== '/')) {
    ctx.addIssue({ code: 'custom', message: `has a path or a #: ${ENCODE_HINT}` });
  }
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === 'requiretls' && key !== 'requireTLS') {
      ctx.addIssue({ code: 'custom', message: `has ${key}=…: the option is spelled requireTLS` });
    }
    if (key === 'requireTLS' && value !== 'true' && value !== 'false') {
      ctx.addIssue({ code: 'custom', message: 'has requireTLS=… other than true or false' });
    }
  }
  if (url.searchParams.get('requireTLS') === 'true' && url.searchParams.get('ignoreTLS') === 'true') {
    ctx.addIssue({ code: 'custom', message: 'asks for both requireTLS=true and ignoreTLS=true' });
  }
});
