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
import {
  claimNumberSignal,
  noticeNumbersId,
  numberOfQuery,
  NOTICE_NUMBERS_WORKFLOW,
  type Bilingual,
  type ContactsFile,
  type DeliveryPlan,
  type DeliveryRetry,
  type Notification,
  type PlannedDelivery,
} from '../contracts';
import type { NotificationChannel } from './channels';
import { postToRobot, RobotError } from './chat-robots';
import { planDeliveries, robotOf, ROBOT_CHANNELS, webhookTargetOf, type RobotChannel } from './delivery-plan';
import { PermanentEmailError, sendEmail, type EmailChannelConfig } from './email';
import { postWebhook, WebhookRedirectError } from './webhook';

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
  /**
   * Webhooks: the global URL (optional) and the global signing secret, which also signs the departments'
   * webhooks that have no `webhookSecret` of their own in the contacts file.
   */
  webhook?: { url?: string; secret?: string };
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

  /** Sends to one group robot; a configuration errcode fails for good, any other failure is retried. */
  async function deliverToRobot(channel: RobotChannel, n: Notification, d: PlannedDelivery): Promise<DeliveryResult> {
    const ctx = Context.current();
    const robot = robotOf(channel, d.key, contacts);
    if (!robot) throw failure(new Error(`${channel} robot ${d.key} is no longer configured`), true);
    try {
      await postToRobot(channel, robot, n, { ...text, now, signal: ctx.cancellationSignal });
    } catch (err) {
      const permanent = err instanceof RobotError && err.permanent;
      if (permanent || err instanceof WebhookRedirectError) {
        ctx.log.warn(`[notify] ${d.key} (${d.to.join(', ')}): ${(err as Error).message}`);
      }
      throw failure(err, permanent);
    }
    return { attempt: ctx.info.attempt };
  }

  return {
    /**
     * The serial of a supervision notice of `planId`'s `year`: claims it from the plan's numbering workflow
     * (started by the claim when it is the year's first) through the worker's own client, then reads it back.
     * A repeated claim (a retried activity) gets the serial the notice drew the first time.
     */
    async claimNoticeNumber(claim: { planId: string; year: number; noticeId: string }): Promise<number> {
      const ctx = Context.current();
      const handle = await ctx.client.workflow.signalWithStart(NOTICE_NUMBERS_WORKFLOW, {
        workflowId: noticeNumbersId(claim.planId, claim.year),
        taskQueue: ctx.info.taskQueue,
        args: [],
        signal: claimNumberSignal,
        signalArgs: [{ noticeId: claim.noticeId }],
      });
      for (;;) {
        const serial = await handle.query(numberOfQuery, claim.noticeId);
        if (serial !== null) return serial;
        await ctx.sleep(200);
      }
    },

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

    /**
     * POSTs a notification to one webhook, signed with the receiver's own secret or the global one; any
     * answer but 2xx (a redirect included: it is not followed), or none, is retried.
     */
    async deliverWebhook(n: Notification, d: PlannedDelivery): Promise<DeliveryResult> {
      const ctx = Context.current();
      const target = webhookTargetOf(d.key, {
        contacts,
        webhookUrl: deps.webhook?.url,
        webhookSecret: deps.webhook?.secret,
      });
      if (!target?.secret) throw failure(new Error(`webhook ${d.key} is no longer configured`), true);
      try {
        await postWebhook(target.url, target.secret, n, { publicUrl, now, signal: ctx.cancellationSignal });
      } catch (err) {
        if (err instanceof WebhookRedirectError) ctx.log.warn(`[notify] ${d.key} (${d.to.join(', ')}): ${err.message}`);
        throw failure(err, false);
      }
      return { attempt: ctx.info.attempt };
    },

    /**
     * Hands a notification to a channel by name: a WeCom or DingTalk group robot of the contacts file
     * (`wecom`, `dingtalk`), or a plugged-in channel (the console line, a test's recording channel). The
     * robots go through this activity, not one of their own, so that the notification workflow needs no
     * new command for them (running notifications replay unchanged).
     */
    async deliverToChannel(n: Notification, d: PlannedDelivery): Promise<DeliveryResult> {
      if ((ROBOT_CHANNELS as readonly string[]).includes(d.channel)) {
        return deliverToRobot(d.channel as RobotChannel, n, d);
      }
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
