/**
 * The notification schemas: the contacts file that says who a department is, the state a notification's
 * own workflow keeps about its delivery (per channel: attempts, last error, outcome), which the API parses
 * from the workflow's memo, and the notification log the API lists. No Node imports, no I/O. The query
 * that answers the delivery state is in contracts/shared/messages.ts.
 */
import { z } from 'zod';
import { notificationKindSchema, notificationSchema } from './task-view';
import { departmentIdSchema } from './plan';

/** One department's contacts: its coordinators' e-mail addresses and, optionally, its own webhook. */
export const departmentContactSchema = z
  .object({
    emails: z.array(z.email('must be an e-mail address such as coordinator@moe.gov.cn')).default([]),
    webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  })
  .strict();

/**
 * The contacts file (`CONTACTS_FILE`): department id → contacts. The general office, the supervision office
 * and leadership are departments like the others. A department missing here is reachable by no one; its
 * notifications are logged as undeliverable.
 */
export const contactsFileSchema = z.record(departmentIdSchema, departmentContactSchema);
/** The parsed contacts file: each department id with its e-mail addresses and optional webhook. */
export type ContactsFile = z.infer<typeof contactsFileSchema>;

/**
 * A delivery channel: `email` (SMTP), `webhook` (signed HTTP POST), `console` (a log line), any other
 * plugged-in channel by its name, and `none` for recipients no channel reaches.
 */
export const deliveryChannelSchema = z.string().min(1);

/**
 * Where one delivery stands. `pending` until its first attempt ends; `retrying` while attempts fail and
 * are retried with backoff; `delivered`; `failed` after its attempts ran out or on a permanent error
 * (a bad address); `undeliverable` when the recipient has no contacts at all.
 */
export const deliveryOutcomeSchema = z.enum(['pending', 'retrying', 'delivered', 'failed', 'undeliverable']);
/** Where one delivery (or a whole notification) stands: `pending` to `delivered`, `failed` or `undeliverable`. */
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
