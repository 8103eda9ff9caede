/**
 * The worker's activities, built by {@link createActivities} from their dependencies so that tests pass
 * real stand-ins for the outside world (a local SMTP server, an HTTP receiver, a recording channel) and
 * never a fake of Temporal. Workflows import only the type: `import type { Activities } from '../activities'`.
 *
 * Delivery is one activity per notification and channel, retried by Temporal with the backoff of
 * {@link ActivityDeps.retry}. Each activity answers or fails with its attempt number, so the notification
 * workflow can log "delivered on attempt 3" or "failed after 400 attempts".
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Bilingual, ContactsFile, DeliveryPlan, DeliveryRetry, Notification, PlannedDelivery } from '../contracts';
import type { NotificationChannel } from './channels';
import { planDeliveries, webhookUrlOf } from './delivery-plan';
import { PermanentEmailError, sendEmail, type EmailChannelConfig } from './email';
import { postWebhook } from './webhook';

export type { NotificationChannel } from './channels';
export { consoleChannel } from './channels';
export { activityDepsFromConfig } from './from-config';

/** The failure type of a delivery that retrying cannot fix (a refused address, a channel gone). */
export const PERMANENT_DELIVERY_ERROR = 'PermanentDeliveryError';
/** The failure type of a delivery attempt that failed and will be retried. */
export const DELIVERY_ATTEMPT_FAILED = 'DeliveryAttemptFailed';

/** The default retry policy: 5 s, doubling, at most 30 min apart, for up to about a week. */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetry = {
  initialIntervalMs: 5_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 30 * 60_000,
  maximumAttempts: 350,
};

/** What the activities need from the outside world. Everything but `channels` is optional. */
export interface ActivityDeps {
  /** Channels that get every notification (the console; a test's recording channel). */
  channels: NotificationChannel[];
  /** Department id → contacts (the validated `CONTACTS_FILE`); default none. */
  contacts?: ContactsFile;
  /** SMTP, when configured. */
  email?: EmailChannelConfig;
  /** Webhooks: the global URL (optional) and the signing secret (required for any webhook, global or a department's). */
  webhook?: { url?: string; secret: string };
  /** Department names for the message text; default: ids are shown. */
  departmentName?: (id: string) => Bilingual | undefined;
  /** Base URL of the dashboard for links; default `http://localhost:3000`. */
  publicUrl?: string;
  /** Retry policy of deliveries (tests shorten it); merged over {@link DEFAULT_DELIVERY_RETRY}. */
  retry?: Partial<DeliveryRetry>;
  /** Clock for `sentAt` (default `Date.now`). */
  now?: () => number;
}

/** What a delivery activity answers: the attempt that succeeded, and a note (e.g. addresses the server refused). */
export interface DeliveryResult {
  attempt: number;
  note?: string;
}

function failure(err: unknown, permanent: boolean): ApplicationFailure {
  const attempt = Context.current().info.attempt;
  return ApplicationFailure.create({
    message: err instanceof Error ? err.message : String(err),
    type: permanent ? PERMANENT_DELIVERY_ERROR : DELIVERY_ATTEMPT_FAILED,
    nonRetryable: permanent,
    details: [{ attempt }],
    cause: err instanceof Error ? err : undefined,
  });
}

/** Builds the activities from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  const contacts = deps.contacts ?? {};
  const publicUrl = deps.publicUrl ?? 'http://localhost:3000';
  const text = { departmentName: deps.departmentName ?? (() => undefined), publicUrl };
  const now = deps.now ?? Date.now;
  const retry: DeliveryRetry = { ...DEFAULT_DELIVERY_RETRY, ...deps.retry };

  return {
    /**
     * Decides a notification's deliveries from the configured channels and contacts, and the retry policy
     * they run under. Reads only memory; never fails.
     */
    async planDelivery(n: Notification): Promise<DeliveryPlan> {
      const deliveries = planDeliveries(n, {
        contacts,
        email: Boolean(deps.email),
        webhookUrl: deps.webhook?.url,
        channels: deps.channels.map((c) => c.name),
      });
      return { deliveries, retry };
    },

    /**
     * Sends a notification's e-mail to one department. Fails permanently (not retried) when the SMTP server
     * refuses the address for good (5xx) or SMTP is no longer configured; any other failure is retried.
     */
    async deliverEmail(n: Notification, d: PlannedDelivery): Promise<DeliveryResult> {
      const attempt = Context.current().info.attempt;
      if (!deps.email) throw failure(new Error('SMTP is not configured on this worker'), true);
      try {
        const { rejected } = await sendEmail(deps.email, n, d.departments[0]!, d.to, text);
        return { attempt, ...(rejected.length > 0 ? { note: `refused: ${rejected.join(', ')}` } : {}) };
      } catch (err) {
        throw failure(err, err instanceof PermanentEmailError);
      }
    },

    /** POSTs a notification to one webhook; any answer but 2xx, or none, is retried. */
    async deliverWebhook(n: Notification, d: PlannedDelivery): Promise<DeliveryResult> {
      const ctx = Context.current();
      const url = webhookUrlOf(d.key, { contacts, webhookUrl: deps.webhook?.url });
      if (!url || !deps.webhook) throw failure(new Error(`webhook ${d.key} is no longer configured`), true);
      try {
        await postWebhook(url, deps.webhook.secret, n, { publicUrl, now, signal: ctx.cancellationSignal });
      } catch (err) {
        throw failure(err, false);
      }
      return { attempt: ctx.info.attempt };
    },

    /** Hands a notification to a plugged-in channel by name (the console line, a test's recording channel). */
    async deliverToChannel(n: Notification, d: PlannedDelivery): Promise<DeliveryResult> {
      const channel = deps.channels.find((c) => c.name === d.channel);
      if (!channel) throw failure(new Error(`channel ${d.channel} is not plugged in on this worker`), true);
      try {
        await channel.deliver(n);
      } catch (err) {
        throw failure(err, false);
      }
      return { attempt: Context.current().info.attempt };
    },
  };
}

/** The activities' type, for `proxyActivities<Activities>` in workflow code. */
export type Activities = ReturnType<typeof createActivities>;
