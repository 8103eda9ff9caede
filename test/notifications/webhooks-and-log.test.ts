/**
 * Signed webhooks through an outage, and the notification log through the API, on a real dev server: the
 * receiver answers 503 while sign-offs, a return, and an extension request and decision go on; the log
 * shows the deliveries retrying; once the receiver is back every notification arrives exactly once per
 * webhook, signed, and the log lists what went to whom, through which channel, with what outcome. A
 * receiver that never recovers is given up on after the worker's last attempt, and the log says so.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { request } from '../../support/checked-request';
import { closeApp } from '../../api/app';
import { consoleChannel } from '../../activities';
import { parseContacts } from '../../activities/contacts';
import { NO_SMTP } from '../../activities/delivery-plan';
import {
  KEY_TASK_WORKFLOW,
  getStateQuery,
  resubmitUpdate,
  signOffUpdate,
  type NotificationLogEntry,
} from '../../contracts';
import { addDays, localDate } from '../../domain/calendar';
import { taskWorkflowId } from '../../domain/plan';
import { createKeyTaskWorker } from '../../worker/create-worker';
import { TEST_KEYRING } from '../../support/sealed-client';
import { eventually, mintTokens, testApp, type Tokens } from '../../support/api-harness';
import { grantExtension, miniPlan, miniTaskInput } from '../../support/mini-plan';
import { createLocalEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const DAY = 86_400_000;
const SECRET = 'webhook-secret';
const TASK_QUEUE = `notifications-${randomUUID()}`;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let hooks: WebhookReceiver;
let app: Express;
let tokens: Tokens;
/** The workflow code, bundled once for both workers of this file. */
let bundle: WorkflowBundleWithSourceMap;
const consoleLines: string[] = [];

beforeAll(async () => {
  [env, hooks] = await Promise.all([createLocalEnv(), startWebhookReceiver(SECRET)]);
  bundle = await bundleWorkflows();
  worker = await createKeyTaskWorker({
    connection: env.nativeConnection,
    keyring: TEST_KEYRING,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    deps: {
      channels: [consoleChannel((line) => consoleLines.push(line))],
      // The lead has its own webhook; the office has an address, but this worker has no SMTP.
      contacts: parseContacts(
        { alpha: { emails: [], webhookUrl: `${hooks.url}/alpha` }, office: { emails: ['office@moe.example'] } },
        miniPlan,
      ),
      webhook: { url: `${hooks.url}/global`, secret: SECRET },
      publicUrl: 'https://duban.example.org',
      // Real Temporal retries, only closer together than in production.
      retry: { initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 1_000, maximumAttempts: 200 },
    },
  });
  running = worker.run();
  tokens = mintTokens(miniPlan);
  app = testApp(env, { plan: miniPlan, tokens, taskQueue: TASK_QUEUE });
}, 120_000);

afterAll(async () => {
  if (app) await closeApp(app);
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), hooks?.close()]);
});

async function log(token: string, query = ''): Promise<NotificationLogEntry[]> {
  const res = await request(app).get(`/api/notifications${query}`).set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return (res.body as { notifications: NotificationLogEntry[] }).notifications;
}

test('an outage delays webhooks without blocking the task; each arrives once, signed; the log tells all', async () => {
  hooks.failNext(Infinity);
  // The first milestone fell due nine days ago: levels 1 and 2 are due at once and make one notice at level 2,
  // addressed to both levels' audiences (and one overdue notice chasing the units still pending).
  const input = miniTaskInput(localDate(Date.now() - 39 * DAY, '+08:00'));
  const handle = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: taskWorkflowId(miniPlan, { number: 1 }),
    args: [input],
  });

  // While the receiver is down, the log shows the escalations' webhooks retrying with the receiver's answer.
  const retrying = await eventually(async () => {
    const entries = await log(tokens.office, '?kind=escalation');
    expect(entries).toHaveLength(1);
    const global = entries.map((e) => e.deliveries.find((d) => d.key === 'webhook:global')!);
    expect(global.every((d) => d.outcome === 'retrying' && d.attempts >= 2)).toBe(true);
    return entries;
  });
  expect(retrying[0]!.deliveries.find((d) => d.key === 'webhook:global')!.lastError).toMatch(/HTTP 503/);
  expect(hooks.accepted()).toEqual([]);

  // Meanwhile the task goes on: sign-off, a return, a resubmission, an extension asked and granted.
  const id = () => randomUUID();
  await handle.executeUpdate(signOffUpdate, {
    args: [{ milestoneId: 'first', department: 'beta', decision: 'approve', person: '乙', requestId: id() }],
  });
  await handle.executeUpdate(signOffUpdate, {
    args: [
      {
        milestoneId: 'first',
        department: 'gamma',
        decision: 'reject',
        comment: '数据不全',
        person: '丙',
        requestId: id(),
      },
    ],
  });
  await handle.executeUpdate(resubmitUpdate, {
    args: [{ milestoneId: 'first', department: 'alpha', note: '已补充', person: '甲', requestId: id() }],
  });
  const newDue = addDays(input.milestones[0]!.dueDate, 20);
  await grantExtension(handle, 'first', newDue);
  const view = await handle.query(getStateQuery);
  expect(view.nextDue).toBe(newDue);
  // The rejection told beta its approval must be given again; the resubmission told beta and gamma it is back.
  expect(view.notifications.map((n) => [n.kind, n.departments])).toEqual([
    ['escalation', ['alpha', 'office', 'inspect']],
    ['overdue', ['beta', 'gamma', 'alpha']],
    ['returned', ['alpha']],
    ['approval-voided', ['beta']],
    ['resubmitted', ['beta', 'gamma']],
    ['extension-requested', ['office']],
    ['extension-decided', ['alpha']],
  ]);
  expect(hooks.accepted()).toEqual([]);

  // The receiver recovers: every notification arrives exactly once at each webhook it is for, signed.
  hooks.failNext(0);
  const forAlpha = view.notifications.filter((n) => n.departments.includes('alpha')).map((n) => n.id);
  // Level 2 also issued a supervision notice (督办单) to the pending units, alpha among them: its own workflow's.
  const notice = (r: { body: Record<string, unknown> }) => String(r.body.kind).startsWith('supervision-');
  await eventually(async () => {
    expect(hooks.accepted().filter((r) => r.path === '/global' && !notice(r))).toHaveLength(7);
    expect(hooks.accepted().filter((r) => r.path === '/alpha' && !notice(r))).toHaveLength(forAlpha.length);
    expect(
      hooks
        .accepted()
        .filter((r) => r.path === '/alpha' && notice(r))
        .map((r) => r.body.kind),
    ).toEqual(['supervision-notice']);
  }, 30_000);
  await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would come within one retry interval
  expect(hooks.accepted().filter((r) => r.path === '/global' && notice(r))).toHaveLength(1);
  const accepted = hooks.accepted().filter((r) => !notice(r));
  expect(accepted.every((r) => r.signatureValid && r.notificationId === r.body.id)).toBe(true);
  expect(
    accepted
      .filter((r) => r.path === '/global')
      .map((r) => r.body.id)
      .sort(),
  ).toEqual(view.notifications.map((n) => n.id).sort());
  expect(
    accepted
      .filter((r) => r.path === '/alpha')
      .map((r) => r.body.id)
      .sort(),
  ).toEqual(forAlpha.sort());
  const body = (kind: string) => accepted.find((r) => r.path === '/global' && r.body.kind === kind)!.body;
  const escalations = accepted.filter((r) => r.path === '/global' && r.body.kind === 'escalation').map((r) => r.body);
  expect(escalations).toHaveLength(1);
  expect(escalations[0]).toMatchObject({
    planId: 'mini-plan',
    taskNumber: 1,
    milestoneId: 'first',
    level: 2,
    daysLate: 9,
    departments: ['alpha', 'office', 'inspect'],
  });
  expect(body('returned')).toMatchObject({ departments: ['alpha'], comment: '数据不全' });
  expect(body('extension-requested')).toMatchObject({
    departments: ['office'],
    newDueDate: newDue,
    comment: '等待数据',
  });
  expect(body('extension-decided')).toMatchObject({ departments: ['alpha'], approved: true, dueDate: newDue });
  for (const r of accepted) expect(Object.keys(r.body)).toEqual(expect.arrayContaining(['id', 'kind', 'sentAt']));

  // The log: what was sent to whom, through which channel, with what outcome, after how many attempts.
  const all = await eventually(async () => {
    const entries = (await log(tokens.office, '?taskNumber=1')).filter(
      (e) => !e.notification.kind.startsWith('supervision-'),
    );
    expect(entries).toHaveLength(7);
    expect(entries.every((e) => e.deliveries.every((d) => d.outcome !== 'pending' && d.outcome !== 'retrying'))).toBe(
      true,
    );
    return entries;
  });
  const requested = all.find((e) => e.notification.kind === 'extension-requested')!;
  expect(requested.deliveries.map((d) => [d.channel, d.departments, d.outcome])).toEqual([
    ['webhook', ['office'], 'delivered'],
    ['console', ['office'], 'delivered'],
    ['none', ['office'], 'undeliverable'],
  ]);
  expect(requested.deliveries[2]!.lastError).toBe(NO_SMTP);
  expect(requested.outcome).toBe('undeliverable');
  const escalation = all.find((e) => e.notification.kind === 'escalation')!;
  expect(escalation.deliveries.find((d) => d.key === 'webhook:global')!.attempts).toBeGreaterThan(2);
  expect(escalation.deliveries.find((d) => d.key === 'webhook:global')!.to).toEqual([`${hooks.url}/global`]);
  expect(consoleLines.filter((l) => l.includes(escalation.notification.id))).toHaveLength(1);

  // A coordinator sees what was sent to its own department, and only that.
  const alphaLog = await log(tokens.coordinator('alpha'));
  expect(
    alphaLog
      .filter((e) => !e.notification.kind.startsWith('supervision-'))
      .map((e) => e.notification.id)
      .sort(),
  ).toEqual(forAlpha.sort());
  expect(alphaLog.filter((e) => e.notification.kind === 'supervision-notice')).toHaveLength(1);
  const denied = await request(app)
    .get('/api/notifications?department=office')
    .set('Authorization', `Bearer ${tokens.coordinator('alpha')}`);
  expect(denied.status).toBe(403);
  expect((await log(tokens.office, '?department=office')).map((e) => e.notification.kind).sort()).toEqual([
    'escalation',
    'extension-requested',
  ]);
  await handle.terminate('test over');
});

test('a receiver that never recovers: the log says "failed" after the last of its attempts, with the last error', async () => {
  const dead = await startWebhookReceiver(SECRET);
  dead.failNext(Infinity);
  const queue = `notifications-dead-${randomUUID()}`;
  const giveUp = await createKeyTaskWorker({
    connection: env.nativeConnection,
    keyring: TEST_KEYRING,
    namespace: env.namespace ?? 'default',
    taskQueue: queue,
    workflowBundle: bundle,
    deps: {
      channels: [],
      webhook: { url: `${dead.url}/global`, secret: SECRET },
      retry: { initialIntervalMs: 100, backoffCoefficient: 1, maximumIntervalMs: 100, maximumAttempts: 3 },
    },
  });
  try {
    await giveUp.runUntil(async () => {
      // Task 2's first milestone (due 31 days after the start) fell due 9 days ago: one notice at level 2.
      await env.client.workflow.start(KEY_TASK_WORKFLOW, {
        taskQueue: queue,
        workflowId: taskWorkflowId(miniPlan, { number: 2 }),
        args: [miniTaskInput(localDate(Date.now() - 40 * DAY, '+08:00'), 2)],
      });
      const entries = await eventually(async () => {
        const found = await log(tokens.office, '?taskNumber=2&kind=escalation');
        expect(found.map((e) => [e.notification.level, e.outcome])).toEqual([[2, 'failed']]);
        return found;
      });
      for (const entry of entries) {
        expect(entry.deliveries.find((d) => d.key === 'webhook:global')).toMatchObject({
          outcome: 'failed',
          attempts: 3,
          lastError: expect.stringMatching(/HTTP 503/),
        });
        expect(dead.requests.filter((r) => r.notificationId === entry.notification.id)).toHaveLength(3);
      }
    });
  } finally {
    await dead.close();
  }
});
