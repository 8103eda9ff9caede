/**
 * The notification workflow: one small run per notification, started by the key-task workflow with the
 * notification's deterministic id as its workflow id (so it can never be started twice) and abandoned by
 * it (so a channel down for hours never blocks the task). It asks the worker which deliveries to make,
 * runs one activity per delivery under the worker's retry policy, and keeps a record per delivery
 * (attempts, last error, outcome) that its query answers, its memo holds and its search attributes index,
 * so that the notification log is one visibility query.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Activities } from '../activities';
// Values only from the zod-free contracts/shared (lint keeps zod out of the bundle); types from anywhere.
import type {
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryRetry,
  Notification,
  NotificationDelivery,
  PlannedDelivery,
} from '../contracts';
import {
  DELIVERY_MEMO_KEY,
  getDeliveryQuery,
  notificationMemo,
  notificationSearchAttributes,
  SA_DELIVERY_OUTCOME,
  withdrawNoticeSignal,
} from '../contracts/shared';
import { iso } from '../domain/calendar';

/** Failure type the delivery activities use for errors retrying cannot fix (see activities/index.ts). */
const PERMANENT = 'PermanentDeliveryError';

const { planDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// The start's search attributes and memo are shared with the API (which starts a bulletin's notice).
export { notificationMemo, notificationSearchAttributes };

/**
 * Starts a notification's delivery as a child workflow whose id is the notification's deterministic id (a second
 * start of the same notification is refused by the server), abandoned by its parent: a channel down for hours
 * delays only its messages, never the parent.
 */
export function startNotification(n: Notification): Promise<unknown> {
  return startChild(notificationWorkflow, {
    workflowId: n.id,
    args: [n],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: notificationSearchAttributes(n),
    memo: notificationMemo(n),
  });
}

/**
 * The overall outcome: pending while any delivery is; then `obsolete` when the task withdrew it before every
 * delivery was made; then failed, undeliverable or delivered, worst first.
 */
function overall(deliveries: DeliveryRecord[], withdrawn: boolean): DeliveryOutcome {
  const has = (o: DeliveryOutcome) => deliveries.some((d) => d.outcome === o);
  if (withdrawn && (deliveries.length === 0 || has('obsolete'))) return 'obsolete';
  if (deliveries.length === 0) return 'undeliverable';
  if (has('pending') || has('retrying')) return 'pending';
  if (has('failed')) return 'failed';
  if (has('undeliverable')) return 'undeliverable';
  return 'delivered';
}

/** The attempt number a delivery activity put in its failure's details, or 1. */
function attemptsOf(err: unknown): number {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? cause.details : undefined;
  const attempt = (details?.[0] as { attempt?: unknown } | undefined)?.attempt;
  return typeof attempt === 'number' ? attempt : 1;
}

/** The innermost message of a failure, without Temporal's wrapping. */
function messageOf(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function deliveryActivities(d: PlannedDelivery, retry: DeliveryRetry) {
  return proxyActivities<Activities>({
    // The key makes the pending activity recognisable in `describe` (the log shows its attempts so far).
    activityId: d.key,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
      nonRetryableErrorTypes: [PERMANENT],
    },
  });
}

/**
 * Delivers one notification through every planned channel and returns the record of it. Never fails:
 * a delivery that cannot be made is recorded as `failed` or `undeliverable`, which is the log's business.
 */
export async function notificationWorkflow(notification: Notification): Promise<NotificationDelivery> {
  const state: NotificationDelivery = { notification, outcome: 'pending', deliveries: [] };
  setHandler(getDeliveryQuery, () => state);
  // Everything that delivers runs in this scope: withdrawing the notice cancels what is not delivered yet.
  const delivering = new CancellationScope();
  let planned = false;
  // Its milestone completed or its task was cancelled: deliveries not yet made would say something untrue.
  // Those already made stand; a notice all of whose deliveries are done ignores the signal.
  setHandler(withdrawNoticeSignal, ({ reason }) => {
    const undelivered = state.deliveries.some((d) => d.outcome === 'pending' || d.outcome === 'retrying');
    if (state.withdrawn || (planned && !undelivered)) return;
    state.withdrawn = { reason, at: iso(Date.now()) };
    delivering.cancel();
  });

  let published = 'pending';
  const publish = (): void => {
    state.outcome = overall(state.deliveries, state.withdrawn !== undefined);
    upsertMemo({ [DELIVERY_MEMO_KEY]: state });
    if (state.outcome !== published) {
      published = state.outcome;
      upsertSearchAttributes([{ key: SA_DELIVERY_OUTCOME, value: state.outcome }]);
    }
  };

  try {
    await delivering.run(() => deliverAll(notification, state, publish, () => (planned = true)));
  } catch (err) {
    // Withdrawn before its deliveries were planned: nothing was sent.
    if (!isCancellation(err)) throw err;
    publish();
  }
  return state;
}

/** Plans the deliveries of `notification` and makes them, each recorded in `state` and published as it ends. */
async function deliverAll(
  notification: Notification,
  state: NotificationDelivery,
  publish: () => void,
  onPlanned: () => void,
): Promise<void> {
  const plan = await planDelivery(notification);
  onPlanned();
  state.deliveries = plan.deliveries.map((d) =>
    d.channel === 'none'
      ? { ...d, outcome: 'undeliverable', attempts: 0, lastError: d.reason, at: iso(Date.now()) }
      : { ...d, outcome: 'pending', attempts: 0 },
  );
  publish();

  await Promise.all(
    state.deliveries
      .filter((d) => d.outcome === 'pending')
      .map(async (d) => {
        const acts = deliveryActivities(d, plan.retry);
        try {
          const result =
            d.channel === 'email'
              ? await acts.deliverEmail(notification, d)
              : d.channel === 'webhook'
                ? await acts.deliverWebhook(notification, d)
                : await acts.deliverToChannel(notification, d);
          d.outcome = 'delivered';
          d.attempts = result.attempt;
          if (result.note) d.lastError = result.note;
        } catch (err) {
          // Withdrawn while it waited for its next attempt: it will not be made.
          if (isCancellation(err) && state.withdrawn) {
            d.outcome = 'obsolete';
            d.at = iso(Date.now());
            publish();
            return;
          }
          d.outcome = 'failed';
          d.attempts = attemptsOf(err);
          d.lastError = messageOf(err);
        }
        d.at = iso(Date.now());
        publish();
      }),
  );
}
