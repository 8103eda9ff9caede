/**
 * The round cap through the API on a real Temporal server: task 8 of 2016 (language-application leads, pep and
 * hanban co-own) under a plan whose policy allows 2 rejections per milestone. The lead resubmits after the
 * first; the second hands the milestone to the general office, the lead's next resubmission is refused with
 * `round_limit_reached`, the office allows another round, the lead resubmits and the round goes on; a further
 * rejection comes back to the office, which closes the milestone as it stands.
 */
import type { Response } from 'supertest';
import { planFileSchema } from '../../contracts';
import { eventually, plan2016, request, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let a: ReturnType<Harness['app']>;
const LEAD = 'language-application';
const base = '/api/tasks/8/milestones/work-plan';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

function expectError(res: Response, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  const { zh, en } = res.body.error.message as { zh: string; en: string };
  expect(zh).toMatch(/[\u3400-\u9fff]/);
  expect(en).toMatch(/[A-Za-z]{3}/);
}

const reject = (comment: string) =>
  request(a.app)
    .post(`${base}/sign-offs`)
    .set(auth(a.tokens.coordinator('pep')))
    .send({ department: 'pep', decision: 'reject', comment });
const resubmit = (note: string) =>
  request(a.app)
    .post(`${base}/resubmit`)
    .set(auth(a.tokens.coordinator(LEAD)))
    .send({ note });
const decide = (token: string, decision: string, reason = '经研究同意') =>
  request(a.app).post(`${base}/round-decision`).set(auth(token)).send({ decision, reason });

beforeAll(async () => {
  h = await startHarness();
  const plan = plan2016({ id: 'round-cap', tasks: [8] });
  a = h.app(planFileSchema.parse({ ...plan, policy: { ...plan.policy, maxRejectionsPerMilestone: 2 } }));
  const started = await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send({});
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('after the cap of rejections the lead waits for the office, whose decision lets the round go on', async () => {
  // Nothing to decide before the cap.
  expectError(await decide(a.tokens.office, 'another-round'), 409, 'not_awaiting_office');

  expect((await reject('第一次退回')).body.state).toBe('returned');
  expect((await resubmit('已补充')).status).toBe(200);
  const atCap = await reject('第二次退回');
  expect(atCap.status).toBe(200);
  expect(atCap.body).toMatchObject({ state: 'returned', awaitingOffice: 'general-office' });
  expect(atCap.body.pendingDepartments).toEqual(['general-office']);

  const refused = await resubmit('再次提交');
  expectError(refused, 409, 'round_limit_reached');
  expect(refused.body.error.message.zh).toContain('办公厅');

  // The general office learns of it, and finds it in its inbox.
  await eventually(async () => {
    const notice = h.channel.received.find(
      (n) => n.workflowId === 'round-cap-task-8' && n.kind === 'round-cap-reached',
    );
    expect(notice).toMatchObject({ departments: [LEAD, 'general-office'], rejections: 2 });
  });
  const inbox = await request(a.app).get('/api/departments/general-office/inbox').set(auth(a.tokens.office));
  expect(inbox.status).toBe(200);
  expect(inbox.body.items).toEqual([expect.objectContaining({ taskNumber: 8, action: 'decide-round' })]);

  // Only the office decides: not the lead's coordinator, not an administrator; a reason is required.
  expectError(await decide(a.tokens.coordinator(LEAD), 'another-round'), 403, 'forbidden');
  expectError(await decide(a.tokens.admin, 'another-round'), 403, 'forbidden');
  expectError(await decide(a.tokens.office, 'another-round', ' '), 400, 'validation_failed');

  const allowed = await decide(a.tokens.office, 'another-round', '同意再开一轮');
  expect(allowed.status).toBe(200);
  expect(allowed.body.awaitingOffice).toBeUndefined();
  expect(allowed.body.rounds.at(-1).officeDecision).toMatchObject({
    decision: 'another-round',
    reason: '同意再开一轮',
    person: '办公厅 Test office',
    actor: { role: 'office', person: '办公厅 Test office' },
  });
  expectError(await decide(a.tokens.office, 'close'), 409, 'not_awaiting_office');

  const round3 = await resubmit('按办公厅意见修改');
  expect(round3.status).toBe(200);
  expect(round3.body).toMatchObject({ state: 'open' });
  expect(round3.body.rounds).toHaveLength(3);
  // The round goes on: the co-units sign in it.
  const signed = await request(a.app)
    .post(`${base}/sign-offs`)
    .set(auth(a.tokens.coordinator('hanban')))
    .send({ department: 'hanban', decision: 'approve' });
  expect(signed.status).toBe(200);
  expect(signed.body.rounds[2].signOffs).toEqual([expect.objectContaining({ department: 'hanban' })]);

  // A further rejection comes straight back to the office, which closes the milestone as it stands.
  expect((await reject('第三次退回')).body.awaitingOffice).toBe('general-office');
  expectError(await resubmit('又一次'), 409, 'round_limit_reached');
  const closed = await decide(a.tokens.office, 'close', '按现状办结');
  expect(closed.status).toBe(200);
  expect(closed.body).toMatchObject({ state: 'completed' });
  const task = await request(a.app).get('/api/tasks/8').set(auth(a.tokens.office));
  expect(task.body.currentMilestone).toBe('mid-year');
  await eventually(async () => {
    const told = h.channel.received.filter((n) => n.workflowId === 'round-cap-task-8' && n.kind === 'round-decided');
    expect(told.map((n) => [n.departments, n.roundDecision])).toEqual([
      [[LEAD], 'another-round'],
      [[LEAD], 'close'],
    ]);
  });
}, 120_000);
