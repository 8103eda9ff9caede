/**
 * The office's closure review (办结审核, 销号) through the API on a real Temporal server: tasks 10 (科技司 leads,
 * 中央电教馆 co-owns) and 13 (the general office leads) of 2016, under a policy that reviews the work plan as well
 * as the year-end. The lead's approval without evidence is refused; with it, the milestone is submitted and waits
 * for the office, which finds it in its inbox, returns it once with reasons (a new round, the lead loses 2 points)
 * and then closes it; the next milestone opens. Task 13's closures are reviewed by the supervision office. A unit
 * asks the office to coordinate a matter (协调事项), which the office settles. Task 2 (科技司 leads; 财务司, 督导办 and
 * 规划司 co-own) runs receipt (签收): two units sign for the work plan, one disputes its part, and the office hands
 * that part to another unit, which is asked to sign for it; its lead files the month's progress report, a co-unit
 * adds its own, and the lead asks for coordination.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { planFileSchema } from '../../contracts';
import { eventually, expectError, plan2016, request, startHarness, type Harness } from '../../support/api-harness';
import { samplePdf } from '../../support/sample-files';

let h: Harness;
let a: ReturnType<Harness['app']>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const base = (task: number, milestone = 'work-plan') => `/api/tasks/${task}/milestones/${milestone}`;
const link = { kind: 'link', url: 'https://example.org/plan-2016', title: '工作方案（印发稿）' };

const sign = (task: number, department: string, extra: Record<string, unknown> = {}, milestone = 'work-plan') =>
  request(a.app)
    .post(`${base(task, milestone)}/sign-offs`)
    .set(auth(a.tokens.coordinator(department)))
    .send({ department, decision: 'approve', ...extra });
const review = (task: number, token: string, body: Record<string, unknown>) =>
  request(a.app)
    .post(`${base(task)}/closure-review`)
    .set(auth(token))
    .send(body);
const ok = (res: Response) => {
  expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
    status: 200,
    body: undefined,
  });
  return res.body;
};

beforeAll(async () => {
  h = await startHarness();
  const plan = plan2016({ id: 'closure', tasks: [2, 10, 13] });
  a = h.app(
    planFileSchema.parse({
      ...plan,
      policy: { ...plan.policy, closureReview: { milestones: ['work-plan'], evidenceRequired: true } },
    }),
  );
  ok(await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send({}));
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('the lead submits with evidence; the office returns it once, then closes it (销号), and the next one opens', async () => {
  ok(await sign(10, 'ncet'));
  // Nothing to review yet; the lead's approval needs its evidence.
  expectError(await review(10, a.tokens.office, { decision: 'close' }), 409, 'not_submitted');
  const bare = await sign(10, 'science-tech');
  expectError(bare, 400, 'evidence_required');
  expect(bare.body.error.message.zh).toContain('佐证材料');

  // A file cited before it was uploaded is refused; uploaded, its hash, name, size and type are what is kept.
  const pdf = samplePdf('工作方案');
  const file = { kind: 'file', hash: createHash('sha256').update(pdf).digest('hex'), name: '工作方案.pdf' };
  const cited = { ...file, size: pdf.length, type: 'application/pdf' };
  expectError(await sign(10, 'science-tech', { evidence: [cited] }), 400, 'evidence_file_missing');
  const uploaded = await request(a.app)
    .post('/api/files')
    .set(auth(a.tokens.coordinator('science-tech')))
    .set('Content-Type', 'application/pdf')
    .set('X-File-Name', encodeURIComponent(file.name))
    .send(pdf);
  expect(uploaded.status).toBe(201);
  expect(uploaded.body).toEqual({ hash: file.hash, name: file.name, size: pdf.length, type: 'application/pdf' });

  const submitted = ok(await sign(10, 'science-tech', { evidence: [link, { kind: 'file', ...uploaded.body }] }));
  expect(submitted).toMatchObject({ state: 'submitted', awaitingReview: 'general-office' });
  expect(submitted.pendingDepartments).toEqual(['general-office']);
  expect(submitted.rounds[0].signOffs.at(-1).evidence).toEqual([link, cited]);
  // A unit cannot sign it any more; the office finds it in its inbox and is told.
  expectError(await sign(10, 'ncet'), 409, 'awaiting_review');
  const inbox = ok(
    await request(a.app).get('/api/departments/general-office/inbox').set(auth(a.tokens.office)),
  ).items.map((i: { taskNumber: number; action: string }) => [i.taskNumber, i.action]);
  expect(inbox).toContainEqual([10, 'review-closure']);
  await eventually(async () => {
    const told = h.channel.received.find((n) => n.workflowId === 'closure-task-10' && n.kind === 'closure-submitted');
    expect(told).toMatchObject({ departments: ['general-office'] });
  }, 30_000);

  // Only the office reviews, and a return needs its reasons.
  expect((await review(10, a.tokens.coordinator('science-tech'), { decision: 'close' })).status).toBe(403);
  expect((await review(10, a.tokens.supervisor, { decision: 'close' })).status).toBe(403);
  expectError(await review(10, a.tokens.office, { decision: 'return' }), 400, 'validation_failed');

  // 退回重办: a new round for both units, told with the reasons.
  const returned = ok(await review(10, a.tokens.office, { decision: 'return', reason: '方案未附经费测算' }));
  expect(returned).toMatchObject({ state: 'open', reviews: [{ decision: 'return', reason: '方案未附经费测算' }] });
  expect(returned.rounds.map((r: { number: number }) => r.number)).toEqual([1, 2]);
  expect(returned.pendingDepartments).toEqual(['ncet', 'science-tech']);
  await eventually(async () => {
    const told = h.channel.received.find((n) => n.workflowId === 'closure-task-10' && n.kind === 'closure-returned');
    expect(told).toMatchObject({ departments: ['science-tech', 'ncet'], comment: '方案未附经费测算' });
  }, 30_000);

  // Signed again and submitted; closed (销号): completed, the mid-year milestone opens.
  ok(await sign(10, 'ncet'));
  ok(await sign(10, 'science-tech', { evidence: [link] }));
  const closed = ok(await review(10, a.tokens.office, { decision: 'close' }));
  expect(closed).toMatchObject({ state: 'completed', daysLate: 0 });
  expect(closed.reviews.map((r: { decision: string }) => r.decision)).toEqual(['return', 'close']);
  const view = ok(await request(a.app).get('/api/tasks/10').set(auth(a.tokens.office)));
  expect(view.currentMilestone).toBe('mid-year');
  expectError(await review(10, a.tokens.office, { decision: 'close' }), 409, 'milestone_closed');

  // The return costs the lead 2 points; closing on time gives it 1.
  const scores = ok(await request(a.app).get('/api/scores').set(auth(a.tokens.office)));
  const tech = scores.departments.find((d: { department: string }) => d.department === 'science-tech');
  expect(tech.breakdown.filter((b: { count: number }) => b.count > 0)).toEqual([
    { term: 'office-return', count: 1, points: -2 },
    { term: 'on-time', count: 1, points: 1 },
  ]);
}, 120_000);

test('task 13, which the general office leads, is reviewed by the supervision office', async () => {
  ok(await sign(13, 'policy-law'));
  ok(await sign(13, 'emic'));
  const submitted = ok(await sign(13, 'general-office', { evidence: [link] }));
  expect(submitted).toMatchObject({ state: 'submitted', awaitingReview: 'supervision-office' });
  const refused = await review(13, a.tokens.office, { decision: 'close' });
  expect(refused.status).toBe(403);
  expect(refused.body.error.message.zh).toContain('督导办');
  expect(ok(await review(13, a.tokens.supervisor, { decision: 'close' })).state).toBe('completed');
}, 60_000);

test('evidence on a sign-off that submits nothing, or malformed, is refused and changes nothing', async () => {
  const co = await sign(10, 'ncet', { evidence: [link] }, 'mid-year');
  expectError(co, 400, 'evidence_not_asked');
  const script = { kind: 'link', url: 'javascript:alert(1)', title: 'x' };
  const bad = await sign(10, 'ncet', { evidence: [script] }, 'mid-year');
  expectError(bad, 400, 'validation_failed');
  const view = ok(await request(a.app).get('/api/tasks/10').set(auth(a.tokens.office)));
  const midYear = view.milestones.find((m: { id: string }) => m.id === 'mid-year');
  expect(midYear.rounds[0].signOffs).toEqual([]);
}, 60_000);

describe('coordination requests (协调事项)', () => {
  const ask = (department: string, body: Record<string, unknown>, token = a.tokens.coordinator(department)) =>
    request(a.app)
      .post('/api/tasks/10/coordinations')
      .set(auth(token))
      .send({ department, ...body });
  const settle = (id: string, token: string, body: Record<string, unknown>) =>
    request(a.app).post(`/api/tasks/10/coordinations/${id}/settlement`).set(auth(token)).send(body);

  test('中央电教馆 asks the office to coordinate; the office settles it and both units are told', async () => {
    const asked = await ask('ncet', { matter: '与科技司就平台接口标准意见不一', units: ['science-tech'] });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ id: 'c1', department: 'ncet', state: 'open', units: ['science-tech'] });
    await eventually(async () => {
      const told = h.channel.received.find(
        (n) => n.workflowId === 'closure-task-10' && n.kind === 'coordination-requested',
      );
      expect(told).toMatchObject({ departments: ['general-office'], comment: '与科技司就平台接口标准意见不一' });
    }, 30_000);
    const open = ok(await request(a.app).get('/api/coordinations').set(auth(a.tokens.office)));
    expect(
      open.coordinations.map((c: { taskNumber: number; coordination: { id: string } }) => [
        c.taskNumber,
        c.coordination.id,
      ]),
    ).toEqual([[10, 'c1']]);

    // Only the task's office settles it, with its outcome.
    expect((await settle('c1', a.tokens.supervisor, { outcome: '已协调' })).status).toBe(403);
    expectError(await settle('c1', a.tokens.office, { outcome: ' ' }), 400, 'validation_failed');
    expectError(await settle('c9', a.tokens.office, { outcome: '已协调' }), 404, 'unknown_coordination');
    const settled = ok(await settle('c1', a.tokens.office, { outcome: '经协调，统一采用部颁接口标准' }));
    expect(settled).toMatchObject({
      state: 'settled',
      settlement: { outcome: '经协调，统一采用部颁接口标准', department: 'general-office' },
    });
    expectError(await settle('c1', a.tokens.office, { outcome: '再次办结' }), 409, 'coordination_settled');
    await eventually(async () => {
      const told = h.channel.received.find(
        (n) => n.workflowId === 'closure-task-10' && n.kind === 'coordination-settled',
      );
      expect(told).toMatchObject({ departments: ['ncet', 'science-tech'], comment: '经协调，统一采用部颁接口标准' });
    }, 30_000);
    expect(ok(await request(a.app).get('/api/coordinations').set(auth(a.tokens.office))).coordinations).toEqual([]);
    const all = ok(await request(a.app).get('/api/coordinations?state=all').set(auth(a.tokens.leadership)));
    expect(all.coordinations).toHaveLength(1);
    const view = ok(
      await request(a.app)
        .get('/api/tasks/10')
        .set(auth(a.tokens.coordinator('ncet'))),
    );
    expect(view.coordinations.map((c: { state: string }) => c.state)).toEqual(['settled']);
  }, 60_000);

  test('a unit the task does not concern, another unit’s name, or an empty matter is refused and records nothing', async () => {
    expectError(await ask('teachers', { matter: '请协调' }), 409, 'not_task_unit');
    expect((await ask('ncet', { matter: '请协调' }, a.tokens.coordinator('science-tech'))).status).toBe(403);
    expectError(await ask('ncet', { matter: '' }), 400, 'validation_failed');
    expectError(await ask('ncet', { matter: '请协调', units: ['nobody'] }), 400, 'unknown_department');
    expect((await ask('ncet', { matter: '请协调' }, a.tokens.office)).status).toBe(403);
    const view = ok(await request(a.app).get('/api/tasks/10').set(auth(a.tokens.office)));
    expect(view.coordinations).toHaveLength(1);
  }, 60_000);
});

describe('receipt (签收) and progress reports (进展报告)', () => {
  const receipt = (department: string, body: Record<string, unknown>, token = a.tokens.coordinator(department)) =>
    request(a.app)
      .post(`${base(2)}/receipts`)
      .set(auth(token))
      .send({ department, ...body });
  const decide = (department: string, token: string, body: Record<string, unknown>) =>
    request(a.app)
      .post(`${base(2)}/disputes/${department}/decision`)
      .set(auth(token))
      .send(body);
  const report = (department: string, body: Record<string, unknown>, token = a.tokens.coordinator(department)) =>
    request(a.app)
      .post('/api/tasks/2/progress-reports')
      .set(auth(token))
      .send({ department, ...body });
  const receipts = async () => {
    const view = ok(await request(a.app).get('/api/tasks/2').set(auth(a.tokens.office)));
    const m = view.milestones.find((x: { id: string }) => x.id === 'work-plan');
    return (m.receipts as { department: string; state: string }[]).map((r) => [r.department, r.state]);
  };
  const inbox = async (department: string, token: string) =>
    ok(await request(a.app).get(`/api/departments/${department}/inbox`).set(auth(token))).items.filter(
      (i: { taskNumber: number }) => i.taskNumber === 2,
    );

  test('two units sign for the work plan, one disputes its part, and the office hands it to another unit', async () => {
    expect(await receipts()).toEqual([
      ['science-tech', 'pending'],
      ['finance', 'pending'],
      ['supervision-office', 'pending'],
      ['planning', 'pending'],
    ]);
    expect(
      (await inbox('finance', a.tokens.coordinator('finance'))).map((i: { action: string }) => i.action),
    ).toContain('receipt');
    ok(await receipt('finance', { decision: 'receive' }));
    ok(await receipt('planning', { decision: 'receive' }));
    expectError(await receipt('finance', { decision: 'receive' }), 409, 'already_received');
    expectError(await receipt('supervision-office', { decision: 'dispute' }), 400, 'validation_failed');
    expectError(await receipt('teachers', { decision: 'receive' }), 409, 'not_responsible');
    expect((await receipt('planning', { decision: 'receive' }, a.tokens.coordinator('finance'))).status).toBe(403);
    const disputed = ok(
      await receipt('supervision-office', { decision: 'dispute', reason: '督导办负责督导，不承担平台建设' }),
    );
    expect(disputed.receipts.find((r: { department: string }) => r.department === 'supervision-office')).toMatchObject({
      state: 'disputed',
      reason: '督导办负责督导，不承担平台建设',
    });
    await eventually(async () => {
      const told = h.channel.received.find((n) => n.workflowId === 'closure-task-2' && n.kind === 'receipt-disputed');
      expect(told).toMatchObject({ departments: ['general-office'] });
      expect(told?.comment).toContain('督导办负责督导');
    }, 30_000);
    // The board shows the dispute; the office finds it in its inbox.
    const rows = ok(await request(a.app).get('/api/tasks').set(auth(a.tokens.office))).tasks;
    expect(rows.find((r: { number: number }) => r.number === 2).loop).toMatchObject({
      disputed: ['supervision-office'],
    });
    expect(await inbox('general-office', a.tokens.office)).toContainEqual(
      expect.objectContaining({
        action: 'decide-dispute',
        dispute: { department: 'supervision-office', reason: '督导办负责督导，不承担平台建设' },
      }),
    );

    // Only the task's office decides, with a reason, for a unit that disputed, and to a unit new to the item.
    expect(
      (await decide('supervision-office', a.tokens.supervisor, { decision: 'confirm', reason: '确认' })).status,
    ).toBe(403);
    expectError(await decide('finance', a.tokens.office, { decision: 'confirm', reason: '确认' }), 409, 'not_disputed');
    expectError(
      await decide('supervision-office', a.tokens.office, { decision: 'reassign', to: 'basic-ed-1' }),
      400,
      'validation_failed',
    );
    expectError(
      await decide('supervision-office', a.tokens.office, {
        decision: 'reassign',
        to: 'planning',
        reason: '改由规划司',
      }),
      409,
      'already_responsible',
    );
    const handed = ok(
      await decide('supervision-office', a.tokens.office, {
        decision: 'reassign',
        to: 'basic-ed-1',
        reason: '该项建设由基础一司承担',
      }),
    );
    expect(handed.items[0].co).toEqual(['finance', 'basic-ed-1', 'planning']);
    expect(await receipts()).toEqual([
      ['science-tech', 'pending'],
      ['finance', 'received'],
      ['supervision-office', 'handed-over'],
      ['planning', 'received'],
      ['basic-ed-1', 'pending'],
    ]);
    expect(
      (await inbox('basic-ed-1', a.tokens.coordinator('basic-ed-1'))).map((i: { action: string }) => i.action),
    ).toEqual(expect.arrayContaining(['receipt', 'sign-off']));
    await eventually(async () => {
      const told = h.channel.received.find((n) => n.workflowId === 'closure-task-2' && n.kind === 'receipt-settled');
      expect(told).toMatchObject({ departments: ['supervision-office', 'basic-ed-1'] });
    }, 30_000);
    ok(await receipt('basic-ed-1', { decision: 'receive' }));
    const row = ok(await request(a.app).get('/api/tasks').set(auth(a.tokens.office))).tasks.find(
      (r: { number: number }) => r.number === 2,
    );
    expect(row.loop).toEqual({ unreceived: [], disputed: [] });
  }, 120_000);

  test('the lead files the month’s progress report and asks for coordination; a co-unit adds its own', async () => {
    expect(
      (await inbox('science-tech', a.tokens.coordinator('science-tech'))).map((i: { action: string }) => i.action),
    ).toEqual(expect.arrayContaining(['receipt']));
    const filed = await report('science-tech', {
      done: '完成平台建设工作方案初稿',
      problems: '经费测算未定',
      coordination: '需财务司明确经费渠道',
      nextSteps: '月底前报部审定',
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      department: 'science-tech',
      role: 'lead',
      coordination: '需财务司明确经费渠道',
    });
    expect(filed.body.period).toMatch(/^\d{4}-\d{2}$/);
    expect((await report('finance', { done: '经费渠道已研究' })).body).toMatchObject({ role: 'co' });
    expectError(await report('teachers', { done: '无' }), 409, 'not_task_unit');
    expectError(await report('science-tech', { done: ' ' }), 400, 'validation_failed');
    expect((await report('science-tech', { done: '代报' }, a.tokens.coordinator('finance'))).status).toBe(403);
    const asked = await request(a.app)
      .post('/api/tasks/2/coordinations')
      .set(auth(a.tokens.coordinator('science-tech')))
      .send({ department: 'science-tech', matter: '需财务司明确经费渠道', units: ['finance'] });
    expect(asked.status).toBe(201);
    const view = ok(await request(a.app).get('/api/tasks/2').set(auth(a.tokens.office)));
    expect(view.progress.reports.map((r: { department: string; role: string }) => [r.department, r.role])).toEqual([
      ['science-tech', 'lead'],
      ['finance', 'co'],
    ]);
    expect(view.progress.missed).toEqual([]);
    expect(view.coordinations.map((c: { matter: string }) => c.matter)).toEqual(['需财务司明确经费渠道']);
  }, 60_000);
});
