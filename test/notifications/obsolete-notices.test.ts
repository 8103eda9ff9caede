/**
 * Notices that stay true, through a receiver outage on the time-skipping server: an escalation and the overdue
 * notice chasing the pending units are held back by a webhook receiver answering 503; the milestone is then
 * completed (or, for a second task, the task cancelled). When the receiver recovers, neither is delivered: each
 * notification's record, the memo the notification log reads and its `DubanDeliveryOutcome` say `obsolete`.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import {
  DELIVERY_MEMO_KEY,
  KEY_TASK_WORKFLOW,
  SA_DELIVERY_OUTCOME,
  cancelUpdate,
  getDeliveryQuery,
  getStateQuery,
  signOffUpdate,
  type KeyTaskView,
  type NotificationDelivery,
} from '../../contracts';
import { localDate } from '../../domain/calendar';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { miniTaskInput } from '../../support/mini-plan';
import { createTimeSkippingEnv } from '../../support/temporal-env';
import { eventually } from '../../support/wait-for';
import { bundleWorkflows } from '../../support/workflow-bundle';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const DAY = 86_400_000;
const SECRET = 'webhook-secret';
const QUEUE = 'obsolete-notices';
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let hooks: WebhookReceiver;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  [env, bundle, hooks] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows(), startWebhookReceiver(SECRET)]);
  worker = await startKeyTaskWorker(env, bundle, {
    taskQueue: QUEUE,
    deps: {
      channels: [],
      webhook: { url: `${hooks.url}/global`, secret: SECRET },
      // Retried for a long while, as in production, only closer together.
      retry: { initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 1_000, maximumAttempts: 500 },
    },
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([env?.teardown(), hooks?.close()]);
});

/**
 * A mini-plan task whose first milestone fell due three or four days ago: level 1 and a chase are due at once.
 */
async function lateTask(taskNumber: number) {
  const input = miniTaskInput(localDate(Date.now() - (taskNumber === 1 ? 33 : 34) * DAY, '+08:00'), taskNumber);
  const handle = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: QUEUE,
    workflowId: `obsolete-${taskNumber}-${randomUUID()}`,
    args: [input],
  });
  const timely = (v: KeyTaskView) => v.notifications.filter((n) => n.kind === 'escalation' || n.kind === 'overdue');
  const view = await eventually(async () => {
    const v = await handle.query(getStateQuery);
    expect(timely(v).map((n) => n.kind)).toEqual(['escalation', 'overdue']);
    return v;
  });
  return { handle, ids: timely(view).map((n) => n.id) };
}

/** Waits until the receiver has refused each notification at least twice: their deliveries are retrying. */
async function heldBack(ids: string[]): Promise<void> {
  await eventually(async () => {
    for (const id of ids) expect(hooks.requests.filter((r) => r.notificationId === id).length).toBeGreaterThan(1);
  });
}

/** The delivery record of a notification, once it is no longer pending. */
async function settled(id: string): Promise<NotificationDelivery> {
  return eventually(async () => {
    const d = await env.client.workflow.getHandle(id).query(getDeliveryQuery);
    expect(d.outcome).not.toBe('pending');
    return d;
  });
}

test('a notice held back by an outage past its milestone’s completion or its task’s cancellation is obsolete', async () => {
  hooks.failNext(Infinity);
  const completed = await lateTask(1);
  const cancelled = await lateTask(2);
  await heldBack([...completed.ids, ...cancelled.ids]);

  // Task 1's milestone is signed off by all its units while the receiver is down; task 2 is cancelled.
  const sign = (department: string) => ({
    milestoneId: 'first',
    department,
    decision: 'approve' as const,
    person: department,
    requestId: randomUUID(),
  });
  for (const d of ['beta', 'gamma', 'alpha']) await completed.handle.executeUpdate(signOffUpdate, { args: [sign(d)] });
  await cancelled.handle.executeUpdate(cancelUpdate, {
    args: [{ reason: '任务调整', person: '管理员', requestId: randomUUID() }],
  });

  for (const [ids, reason] of [
    [completed.ids, 'completed'],
    [cancelled.ids, 'cancelled'],
  ] as const) {
    for (const id of ids) {
      const record = await settled(id);
      expect(record.outcome).toBe('obsolete');
      expect(record.withdrawn).toMatchObject({ reason });
      // The webhook's delivery is not made (the recipients without contacts stay undeliverable, as logged).
      expect(record.deliveries.find((d) => d.key === 'webhook:global')).toMatchObject({ outcome: 'obsolete' });
      expect(record.deliveries.every((d) => d.outcome === 'obsolete' || d.outcome === 'undeliverable')).toBe(true);
      // What the notification log reads: the memo and the outcome search attribute.
      const described = await env.client.workflow.getHandle(id).describe();
      const memo = (await described.memo?.[DELIVERY_MEMO_KEY]) as NotificationDelivery | undefined;
      expect(memo?.outcome).toBe('obsolete');
      await eventually(async () =>
        expect(
          (await env.client.workflow.getHandle(id).describe()).typedSearchAttributes.get(SA_DELIVERY_OUTCOME),
        ).toBe('obsolete'),
      );
    }
  }

  // The receiver recovers; retries come at most a second apart, so three seconds would bring any retry still
  // planned: none of the withdrawn notices arrives. (Real time, not a skipped hour: a time-skipping sleep waits
  // in real time while any activity is still running, the likeliest cause of this test's 60 s timeout in CI.)
  const refusedSoFar = hooks.requests.length;
  hooks.failNext(0);
  await new Promise((r) => setTimeout(r, 3_000));
  const withdrawn = new Set([...completed.ids, ...cancelled.ids]);
  expect(hooks.accepted().filter((r) => withdrawn.has(String(r.notificationId)))).toEqual([]);
  expect(hooks.requests.slice(refusedSoFar).filter((r) => withdrawn.has(String(r.notificationId)))).toEqual([]);
  await completed.handle.terminate('test over');
}, 120_000);
