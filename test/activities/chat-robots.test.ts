/**
 * The WeCom and DingTalk group robot channels on their own, in `MockActivityEnvironment`, against local
 * stand-ins of both services that check each format and the DingTalk signature and answer as the services
 * do (HTTP 200 with `errcode`): what the group chat shows, and how each refusal is reported to Temporal.
 */
import { failureOf, mockActivityEnv as mockEnv } from '../../support/activity-env';
import { createActivities, DELIVERY_ATTEMPT_FAILED, PERMANENT_DELIVERY_ERROR } from '../../activities';
import { dingtalkSignedUrl } from '../../activities/chat-robots';
import type { Bilingual, DeliveryPlan, Notification, PlannedDelivery } from '../../contracts';
import { miniMilestoneNotice } from '../../support/mini-plan';
import { startChatRobotReceiver, type ChatRobotReceiver } from '../../support/chat-robot-receiver';

const DING_SECRET = `SEC${'a1b2c3d4'.repeat(8)}`;
let robots: ChatRobotReceiver;

beforeAll(async () => {
  robots = await startChatRobotReceiver({ wecomKeys: ['wk-alpha'], dingtalk: { 'dt-alpha': DING_SECRET } });
});
afterAll(async () => {
  await robots?.close();
});
beforeEach(() => {
  robots.messages.length = 0;
  robots.failNext(0, 0, '');
});

const escalation: Notification = {
  ...miniMilestoneNotice,
  pendingDepartments: [...miniMilestoneNotice.pendingDepartments],
  id: 'mini-plan-task-1/first/escalation/2030-03-02/L2',
  kind: 'escalation',
  departments: ['alpha', 'office'],
  at: '2030-03-10T00:00:00.000Z',
  level: 2,
  daysLate: 8,
};

const NAMES: Record<string, Bilingual> = {
  alpha: { zh: '甲司', en: 'Alpha Dept.' },
  beta: { zh: '乙司', en: 'Beta Dept.' },
};

function activities(
  dingtalk = { webhookUrl: robots.dingtalkUrl('dt-alpha'), secret: DING_SECRET },
  wecomKey = 'wk-alpha',
) {
  return createActivities({
    channels: [],
    contacts: { alpha: { emails: [], wecom: { webhookUrl: robots.wecomUrl(wecomKey) }, dingtalk } },
    departmentName: (id) => NAMES[id],
    publicUrl: 'https://duban.example.org',
  });
}

async function planned(acts: ReturnType<typeof activities>, key: string, n = escalation): Promise<PlannedDelivery> {
  const plan = (await mockEnv().run(acts.planDelivery, n)) as DeliveryPlan;
  const d = plan.deliveries.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${JSON.stringify(plan.deliveries)}`);
  return d;
}

test('the plan has one WeCom and one DingTalk delivery for the department, shown without their keys', async () => {
  const plan = (await mockEnv().run(activities().planDelivery, escalation)) as DeliveryPlan;
  const robotsPlanned = plan.deliveries.filter((d) => d.channel === 'wecom' || d.channel === 'dingtalk');
  expect(robotsPlanned.map((d) => [d.key, d.departments, d.to[0]!.includes('?')])).toEqual([
    ['wecom:alpha', ['alpha'], false],
    ['dingtalk:alpha', ['alpha'], false],
  ]);
  // The office has no contacts at all: logged as undeliverable, as for every channel.
  expect(plan.deliveries.find((d) => d.key === 'none:office')).toBeDefined();
});

test('the WeCom group gets a markdown message with the task, milestone, pending units, days late and the link', async () => {
  const acts = activities();
  expect(await mockEnv(1).run(acts.deliverToChannel, escalation, await planned(acts, 'wecom:alpha'))).toEqual({
    attempt: 1,
  });
  expect(robots.accepted()).toHaveLength(1);
  const { body, robot } = robots.accepted()[0]!;
  expect(robot).toBe('wk-alpha');
  expect(body.msgtype).toBe('markdown');
  const content = (body.markdown as { content: string }).content;
  expect(content).toContain('任务一');
  expect(content).toContain('第一节点');
  expect(content).toContain('甲司、乙司');
  expect(content).toContain('逾期 Days late：8 天');
  expect(content).toContain('[查看任务 Open the task](https://duban.example.org/tasks/1)');
  expect(content.split('\n')[0]).toBe('**【督办升级·第2级】任务1「任务一」“第一节点”已逾期8天**');
});

test('the DingTalk robot gets a signed markdown message (title and text) that its signature check accepts', async () => {
  const acts = activities();
  await mockEnv().run(acts.deliverToChannel, escalation, await planned(acts, 'dingtalk:alpha'));
  expect(robots.accepted()).toHaveLength(1);
  const md = robots.accepted()[0]!.body.markdown as { title: string; text: string };
  expect(md.title).toBe('【督办升级·第2级】任务1「任务一」“第一节点”已逾期8天');
  expect(md.text).toContain('- 待办单位 Pending units：甲司、乙司 (Alpha Dept., Beta Dept.)');
  expect(md.text).toContain('- 逾期 Days late：8 天 day(s)');
  expect(md.text).toContain('(https://duban.example.org/tasks/1)');
});

test('a user comment cannot add links or formatting to the chat message', async () => {
  const acts = activities();
  const returned: Notification = {
    ...escalation,
    id: 'mini-plan-task-1/first/returned/1',
    kind: 'returned',
    comment: '见 [这里](https://evil.example)\n# 标题 <b>粗</b>',
  };
  await mockEnv().run(acts.deliverToChannel, returned, await planned(acts, 'wecom:alpha', returned));
  const content = (robots.accepted()[0]!.body.markdown as { content: string }).content;
  expect(content).toContain('说明 Comment：见 ［这里］(https://evil.example) ＃ 标题 ＜b＞粗＜/b＞');
  expect(content).not.toContain('](https://evil');
});

test('a wrong DingTalk secret is refused by the service (310000): a configuration error, not retried', async () => {
  const acts = activities({ webhookUrl: robots.dingtalkUrl('dt-alpha'), secret: `SEC${'f'.repeat(64)}` });
  const failure = await failureOf(
    mockEnv().run(acts.deliverToChannel, escalation, await planned(acts, 'dingtalk:alpha')),
  );
  expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true });
  expect(failure.message).toContain('钉钉 DingTalk robot answered errcode 310000: sign not match');
  expect(robots.accepted()).toEqual([]);
});

test('a signature older than the hour DingTalk allows is refused, as a replay would be', async () => {
  const stale = dingtalkSignedUrl(robots.dingtalkUrl('dt-alpha'), DING_SECRET, Date.now() - 2 * 60 * 60_000);
  const res = await fetch(stale, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { title: 't', text: 'x' } }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' });
});

test('a WeCom key the service does not know (93000) fails for good', async () => {
  const acts = activities(undefined, 'wk-deleted');
  const failure = await failureOf(mockEnv().run(acts.deliverToChannel, escalation, await planned(acts, 'wecom:alpha')));
  expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true });
  expect(failure.message).toContain('企业微信 WeCom robot answered errcode 93000: invalid webhook url');
});

test('a rate limit (WeCom 45009, DingTalk 410100) fails the attempt, to be retried, with its attempt number', async () => {
  const acts = activities();
  robots.failNext(1, 45009, 'api freq out of limit');
  const wecom = await failureOf(mockEnv(3).run(acts.deliverToChannel, escalation, await planned(acts, 'wecom:alpha')));
  expect(wecom).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false, details: [{ attempt: 3 }] });
  expect(wecom.message).toContain('errcode 45009');
  robots.failNext(1, 410100, 'send too fast');
  const ding = await failureOf(mockEnv().run(acts.deliverToChannel, escalation, await planned(acts, 'dingtalk:alpha')));
  expect(ding).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false });
  // The next attempt goes through.
  await mockEnv(4).run(acts.deliverToChannel, escalation, await planned(acts, 'wecom:alpha'));
  expect(robots.accepted().map((m) => m.channel)).toEqual(['wecom']);
});

test('a robot no longer in the contacts fails for good', async () => {
  const delivery = await planned(activities(), 'wecom:alpha');
  const without = createActivities({ channels: [] });
  const failure = await failureOf(mockEnv().run(without.deliverToChannel, escalation, delivery));
  expect(failure).toMatchObject({ type: PERMANENT_DELIVERY_ERROR, nonRetryable: true });
  expect(robots.messages).toEqual([]);
});

test('a robot URL the service does not serve (HTTP 404) fails the attempt, to be retried, saying so', async () => {
  const acts = createActivities({
    channels: [],
    contacts: { alpha: { emails: [], wecom: { webhookUrl: robots.wecomUrl('wk-alpha').replace('/send', '/sned') } } },
  });
  const failure = await failureOf(
    mockEnv(2).run(acts.deliverToChannel, escalation, await planned(acts, 'wecom:alpha')),
  );
  expect(failure).toMatchObject({ type: DELIVERY_ATTEMPT_FAILED, nonRetryable: false, details: [{ attempt: 2 }] });
  expect(failure.message).toBe('robot answered HTTP 404');
});
