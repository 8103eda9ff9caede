/**
 * Group chat notices through real Temporal: a task whose first milestone is eight days late sends one
 * level-2 escalation to its lead (WeCom group and DingTalk group), the general office (a DingTalk robot whose
 * secret is wrong) and the supervision office (a WeCom group that is rate-limited once). Local stand-ins of
 * both services check each format and signature. Each group gets the notice once, the rate-limited one on
 * its second attempt, and the notification log shows per robot the outcome and the attempts, with the
 * service's errcode for the one that failed for good.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import { closeApp } from '../../api/app';
import { parseContacts } from '../../activities/contacts';
import { KEY_TASK_WORKFLOW, type NotificationLogEntry } from '../../contracts';
import { localDate } from '../../domain/calendar';
import { taskWorkflowId } from '../../domain/plan';
import { startKeyTaskWorker, type RunningWorker } from '../../support/key-task-worker';
import { eventually, mintTokens, request, testApp, type Tokens } from '../../support/api-harness';
import { startChatRobotReceiver, type ChatRobotReceiver } from '../../support/chat-robot-receiver';
import { miniPlan, miniTaskInput } from '../../support/mini-plan';
import { createLocalEnv } from '../../support/temporal-env';
import { bundleWorkflows } from '../../support/workflow-bundle';

const DAY = 86_400_000;
const ALPHA_SEC = `SEC${'0123456789abcdef'.repeat(4)}`;
const OFFICE_SEC = `SEC${'fedcba9876543210'.repeat(4)}`;
const TASK_QUEUE = `chat-robots-${randomUUID()}`;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let robots: ChatRobotReceiver;
let app: Express;
let tokens: Tokens;

beforeAll(async () => {
  [env, robots] = await Promise.all([
    createLocalEnv(),
    startChatRobotReceiver({
      wecomKeys: ['wk-alpha', 'wk-inspect'],
      dingtalk: { 'dt-alpha': ALPHA_SEC, 'dt-office': OFFICE_SEC },
    }),
  ]);
  worker = await startKeyTaskWorker(env, await bundleWorkflows(), {
    taskQueue: TASK_QUEUE,
    deps: {
      channels: [],
      contacts: parseContacts(
        {
          alpha: {
            wecom: { webhookUrl: robots.wecomUrl('wk-alpha') },
            dingtalk: { webhookUrl: robots.dingtalkUrl('dt-alpha'), secret: ALPHA_SEC },
          },
          // The office's robot was set up with another secret than the one written here.
          office: { dingtalk: { webhookUrl: robots.dingtalkUrl('dt-office'), secret: ALPHA_SEC } },
          inspect: { wecom: { webhookUrl: robots.wecomUrl('wk-inspect') } },
        },
        miniPlan,
      ),
      departmentName: (id) => miniPlan.departments.find((d) => d.id === id)?.name,
      publicUrl: 'https://duban.example.org',
      retry: { initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 1_000, maximumAttempts: 20 },
    },
  });
  tokens = mintTokens(miniPlan);
  app = testApp(env, { plan: miniPlan, tokens, taskQueue: TASK_QUEUE });
}, 120_000);

afterAll(async () => {
  if (app) await closeApp(app);
  await worker?.stop();
  await Promise.all([env?.teardown(), robots?.close()]);
});

test('each group gets the escalation once in its format; the log shows each robot’s outcome and attempts', async () => {
  robots.failNext(1, 45009, 'api freq out of limit', 'wk-inspect');
  const handle = await env.client.workflow.start(KEY_TASK_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: taskWorkflowId(miniPlan, { number: 1 }),
    args: [miniTaskInput(localDate(Date.now() - 39 * DAY, '+08:00'))],
  });

  const entry = await eventually(async () => {
    const res = await request(app)
      .get('/api/notifications?kind=escalation')
      .set('Authorization', `Bearer ${tokens.office}`);
    expect(res.status).toBe(200);
    const entries = (res.body as { notifications: NotificationLogEntry[] }).notifications;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.deliveries).toHaveLength(4);
    expect(entries[0]!.deliveries.every((d) => d.outcome === 'delivered' || d.outcome === 'failed')).toBe(true);
    return entries[0]!;
  }, 60_000);

  const byKey = Object.fromEntries(entry.deliveries.map((d) => [d.key, d]));
  expect(byKey['wecom:alpha']).toMatchObject({ channel: 'wecom', outcome: 'delivered', attempts: 1 });
  expect(byKey['dingtalk:alpha']).toMatchObject({ channel: 'dingtalk', outcome: 'delivered', attempts: 1 });
  expect(byKey['wecom:inspect']).toMatchObject({ channel: 'wecom', outcome: 'delivered', attempts: 2 });
  expect(byKey['dingtalk:office']).toMatchObject({ channel: 'dingtalk', departments: ['office'], outcome: 'failed' });
  expect(byKey['dingtalk:office']!.attempts).toBe(1);
  expect(byKey['dingtalk:office']!.lastError).toContain('errcode 310000: sign not match');
  // The log shows where each robot is, never its key or token.
  expect(entry.deliveries.every((d) => d.to.every((to) => !to.includes('key=') && !to.includes('token')))).toBe(true);
  expect(entry.outcome).toBe('failed');

  // Each group got the notice exactly once, in its service's format, with the facts a reader needs.
  // (The lead's groups also get the overdue notice that chases the pending units, and alpha's groups level 2's
  // supervision notice, 督办单: left out here.)
  const accepted = robots.accepted().filter((m) => JSON.stringify(m.body).includes('督办升级'));
  expect(accepted.map((m) => `${m.channel}:${m.robot}`).sort()).toEqual([
    'dingtalk:dt-alpha',
    'wecom:wk-alpha',
    'wecom:wk-inspect',
  ]);
  const wecom = (accepted.find((m) => m.robot === 'wk-alpha')!.body.markdown as { content: string }).content;
  const ding = accepted.find((m) => m.robot === 'dt-alpha')!.body.markdown as { title: string; text: string };
  for (const text of [wecom, ding.text]) {
    expect(text).toContain('任务 Task：1. 任务一 (Task one)');
    expect(text).toContain('第一节点');
    expect(text).toContain('待办单位 Pending units：乙司、丙司、甲司');
    expect(text).toContain('逾期 Days late：9 天');
    expect(text).toContain('(https://duban.example.org/tasks/1)');
  }
  expect(ding.title).toContain('【督办升级·第2级】');
  await handle.terminate('test over');
});
