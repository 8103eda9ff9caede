/**
 * Reminders and escalations that really arrive, on the time-skipping server: a real SMTP server on loopback
 * receives the e-mails of a mini-plan task and a real HTTP receiver its signed webhooks, at the workflow
 * times the policy sets, to the addresses of the contacts file. A unit without contacts is logged as
 * undeliverable; an address the SMTP server refuses for good fails at once instead of being retried.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { randomUUID } from 'node:crypto';
import {
  KEY_TASK_WORKFLOW,
  getDeliveryQuery,
  getStateQuery,
  signOffUpdate,
  type Notification,
  type NotificationDelivery,
} from '../../contracts';
import { parseContacts } from '../../activities/contacts';
import { emailMessageId } from '../../activities/email';
import { addDays, deadlineEpoch, localDate, localTimeToEpoch } from '../../domain/calendar';
import { createKeyTaskWorker } from '../../worker/create-worker';
import { TEST_KEYRING } from '../../support/sealed-client';
import { startMailSink, type MailSink } from '../../support/mail-sink';
import { miniPlan, miniTaskInput } from '../../support/mini-plan';
import { createTimeSkippingEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const DAY = 86_400_000;
const PUBLIC_URL = 'https://duban.example.org';
const SECRET = 'test-secret-小心';
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let smtp: MailSink;
let hooks: WebhookReceiver;

// Gamma has no contacts at all; the office's only address is refused by the SMTP server.
const contacts = parseContacts(
  {
    alpha: { emails: ['lead@alpha.example', 'deputy@alpha.example'] },
    beta: { emails: ['coord@beta.example'] },
    office: { emails: ['gone@office.example'] },
    inspect: { emails: ['duty@inspect.example'] },
  },
  miniPlan,
);

beforeAll(async () => {
  const [e, bundle, sink, receiver] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflows(),
    startMailSink({ reject: ['gone@office.example'] }),
    startWebhookReceiver(SECRET),
  ]);
  [env, smtp, hooks] = [e, sink, receiver];
  const names = new Map(miniPlan.departments.map((d) => [d.id, d.name]));
  worker = await createKeyTaskWorker({
    connection: env.nativeConnection,
    keyring: TEST_KEYRING,
    namespace: env.namespace ?? 'default',
    taskQueue: 'notifications-email',
    workflowBundle: bundle,
    deps: {
      channels: [],
      contacts,
      email: {
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }),
        from: '督办系统 <duban@moe.example>',
      },
      webhook: { url: `${hooks.url}/hook?token=abc`, secret: SECRET },
      departmentName: (id) => names.get(id),
      publicUrl: PUBLIC_URL,
      retry: { initialIntervalMs: 100, maximumIntervalMs: 500 },
    },
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), smtp?.close(), hooks?.close()]);
});

const reminderAt = (due: string, daysBefore: number) => localTimeToEpoch(addDays(due, -daysBefore), '09:00', '+08:00');

/**
 * Waits until every notification the task decided has finished its delivery, and returns their records.
 * It polls the query rather than awaiting results: awaiting a result lets the test server skip time.
 */
async function delivered(workflowId: string): Promise<Map<string, NotificationDelivery>> {
  const view = await env.client.workflow.getHandle(workflowId).query(getStateQuery);
  const until = Date.now() + 20_000;
  for (;;) {
    const records = await Promise.all(
      view.notifications.map((n) =>
        env.client.workflow
          .getHandle(n.id)
          .query(getDeliveryQuery)
          .catch(() => undefined),
      ),
    );
    if (records.every((r) => r && r.outcome !== 'pending'))
      return new Map(records.map((r) => [r!.notification.id, r!]));
    if (Date.now() > until) throw new Error(`notifications still pending: ${JSON.stringify(records)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mailsFor = (n: Notification) => smtp.mails.filter((m) => m.headers.get('x-notification-id') === n.id);

test('reminder and escalation e-mails reach the right addresses at the right times, in Chinese and English', async () => {
  const start = await env.currentTimeMs();
  const input = miniTaskInput(localDate(start + DAY, '+08:00'));
  const due = input.milestones[0]!.dueDate;
  const handle = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: 'notifications-email',
    workflowId: `email-${randomUUID()}`,
    args: [input],
  });

  // Seven days before: one e-mail per unit with addresses; gamma has none and is logged as undeliverable.
  await env.sleep(reminderAt(due, 7) + 3_600_000 - (await env.currentTimeMs()));
  let records = await delivered(handle.workflowId);
  expect(records.size).toBe(1);
  const [week] = [...records.values()];
  const weekMails = mailsFor(week!.notification);
  expect(weekMails.map((m) => m.to).sort()).toEqual([
    ['coord@beta.example'],
    ['lead@alpha.example', 'deputy@alpha.example'],
  ]);
  expect(smtp.mails).toHaveLength(2);
  const alphaMail = weekMails.find((m) => m.to[0] === 'lead@alpha.example')!;
  expect(new Date(alphaMail.headers.get('date')!).getTime()).toBe(reminderAt(due, 7));
  expect(alphaMail.headers.get('message-id')).toBe(emailMessageId(week!.notification.id, 'alpha', PUBLIC_URL));
  expect(alphaMail.subject).toBe(`【督办提醒】任务1「任务一」“第一节点”将于7天后（${due}）到期`);
  expect(alphaMail.text).toContain(
    `Reminder: milestone "First" of key task 1 "Task one" is due in 7 day(s), on ${due}`,
  );
  expect(alphaMail.text).toContain('待办单位 Pending units: 乙司、丙司、甲司 (Beta, Gamma, Alpha)');
  expect(alphaMail.text).toContain(`截止日期 Due date: ${due}`);
  expect(alphaMail.text).toContain(`${PUBLIC_URL}/tasks/1`);
  expect(alphaMail.html).toContain(`<a href="${PUBLIC_URL}/tasks/1">`);
  expect(alphaMail.html).toContain('乙司、丙司、甲司');
  expect(week!.deliveries.map((d) => [d.channel, d.departments, d.outcome])).toEqual([
    ['email', ['beta'], 'delivered'],
    ['email', ['alpha'], 'delivered'],
    ['webhook', ['beta', 'gamma', 'alpha'], 'delivered'],
    ['none', ['gamma'], 'undeliverable'],
  ]);
  expect(week!.outcome).toBe('undeliverable');
  expect(week!.deliveries.find((d) => d.channel === 'webhook')!.to).toEqual([`${hooks.url}/hook`]);

  // Beta signs; the one-day reminder, dated when it fell due, goes to the lead only (gamma still unreachable).
  await handle.executeUpdate(signOffUpdate, {
    args: [{ milestoneId: 'first', department: 'beta', decision: 'approve', person: '乙', requestId: randomUUID() }],
  });
  await env.sleep(reminderAt(due, 1) + 60_000 - (await env.currentTimeMs()));
  records = await delivered(handle.workflowId);
  const dayBefore = [...records.values()].find((r) => r.notification.daysBefore === 1)!;
  expect(mailsFor(dayBefore.notification).map((m) => m.to)).toEqual([['lead@alpha.example', 'deputy@alpha.example']]);
  expect(new Date(mailsFor(dayBefore.notification)[0]!.headers.get('date')!).getTime()).toBe(reminderAt(due, 1));

  // Past the deadline, at 09:00: level 1 to the lead and the office, whose address is refused for good: failed
  // after one attempt, never retried, and the lead's copy still arrives.
  const deadline = deadlineEpoch(due, '+08:00');
  await env.sleep(deadline + 10 * 3_600_000 - (await env.currentTimeMs()));
  records = await delivered(handle.workflowId);
  const level1 = [...records.values()].find((r) => r.notification.kind === 'escalation')!;
  const l1Mails = mailsFor(level1.notification);
  expect(l1Mails.map((m) => m.to)).toEqual([['lead@alpha.example', 'deputy@alpha.example']]);
  expect(l1Mails[0]!.subject).toBe('【督办升级·第1级】任务1「任务一」“第一节点”已逾期1天');
  expect(l1Mails[0]!.text).toContain(
    'Escalation level 1: milestone "First" of key task 1 "Task one" is 1 day(s) overdue.',
  );
  expect(level1.deliveries.find((d) => d.key === 'email:office')).toMatchObject({
    outcome: 'failed',
    attempts: 1,
    to: ['gone@office.example'],
  });
  expect(level1.deliveries.find((d) => d.key === 'email:office')!.lastError).toMatch(/550/);
  expect(level1.outcome).toBe('failed');

  // Every e-mail carried a distinct, stable Message-ID; every webhook was signed and said what the e-mail said.
  const ids = smtp.mails.map((m) => m.headers.get('message-id'));
  expect(new Set(ids).size).toBe(ids.length);
  // In the order decided; the escalation and its chase of the pending units are decided at the same instant and
  // may arrive in either order.
  const posted = hooks
    .accepted()
    .filter((r) => (r.body.id as string).startsWith(handle.workflowId))
    .sort(
      (a, b) =>
        Date.parse(a.body.decidedAt as string) - Date.parse(b.body.decidedAt as string) ||
        String(a.body.kind).localeCompare(String(b.body.kind)),
    );
  expect(posted.every((r) => r.signatureValid && r.path === '/hook?token=abc')).toBe(true);
  expect(posted.map((r) => [r.body.kind, r.body.daysBefore ?? r.body.level, r.body.departments])).toEqual([
    ['reminder', 7, ['beta', 'gamma', 'alpha']],
    ['reminder', 1, ['gamma', 'alpha']],
    ['reminder', 0, ['gamma', 'alpha']],
    ['escalation', 1, ['alpha', 'office']],
    ['overdue', 1, ['gamma', 'alpha']],
  ]);
  // Decided at 09:00 local the day after the due date (within the workflow task's own second or two).
  expect(Math.abs(Date.parse(level1.notification.at) - (deadline + 9 * 3_600_000))).toBeLessThan(2_000);
  expect(posted[3]!.body).toMatchObject({
    id: level1.notification.id,
    planId: 'mini-plan',
    taskNumber: 1,
    milestoneId: 'first',
    dueDate: due,
    level: 1,
    daysLate: 1,
    pendingDepartments: ['gamma', 'alpha'],
    link: `${PUBLIC_URL}/tasks/1`,
  });
  expect(posted.every((r) => r.notificationId === r.body.id && typeof r.body.sentAt === 'string')).toBe(true);

  // The query of a notification's workflow answers the same record as its result.
  expect(await env.client.workflow.getHandle(level1.notification.id).query(getDeliveryQuery)).toEqual(level1);
  await handle.terminate('test over');
});
