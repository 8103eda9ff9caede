/**
 * Every responsible unit acts, through the HTTP API on a real Temporal dev server and worker, with the 2016
 * plan's own tasks: each work item signed by its own units, the 32 provinces reporting on the collective's
 * part (and the item's lead closing it early at 30/32), task 17 by the provinces and its steward, 相关业务司局
 * designated and signing, 国家开放大学 and 离退休局 signing as leads, the office's waiver and reassignment changing
 * who signs, the inboxes by item, and every bad input refused with its code, leaving the task unchanged.
 */
import type { Response } from 'supertest';
import type { InboxItem, KeyTaskView, MilestoneView, TaskRow } from '../../contracts';
import { eventually, expectError, plan2016, request, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let a: ReturnType<Harness['app']>;
let b: ReturnType<Harness['app']>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const WP = 'work-plan';

beforeAll(async () => {
  h = await startHarness();
  a = h.app(plan2016({ id: 'items-a', tasks: [1, 3, 5, 6, 17] }));
  b = h.app(plan2016({ id: 'items-b', tasks: [3] }));
  for (const x of [a, b]) {
    const started = await request(x.app).post('/api/plan/start').set(auth(x.tokens.admin)).send({});
    expect(started.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

const provinces = () => a.plan.departments.find((d) => d.id === 'local-authorities')!.members!;

function post(x: typeof a, token: string, path: string, body: object): Promise<Response> {
  return request(x.app).post(path).set(auth(token)).send(body);
}
const sign = (x: typeof a, n: number, department: string, extra: object = {}) =>
  post(x, x.tokens.coordinator(department), `/api/tasks/${n}/milestones/${WP}/sign-offs`, {
    department,
    decision: 'approve',
    ...extra,
  });
const report = (x: typeof a, n: number, item: number, department: string, status = 'done') =>
  post(x, x.tokens.coordinator(department), `/api/tasks/${n}/milestones/${WP}/work-items/${item}/reports`, {
    department,
    status,
    text: `${department} 已按要求部署`,
  });
async function ok(res: Promise<Response>): Promise<MilestoneView> {
  const r = await res;
  expect({ status: r.status, error: r.body?.error?.code }).toEqual({ status: 200, error: undefined });
  return r.body;
}
async function view(x: typeof a, n: number, token = x.tokens.office): Promise<KeyTaskView> {
  const r = await request(x.app).get(`/api/tasks/${n}`).set(auth(token));
  expect(r.status).toBe(200);
  return r.body;
}

test('task 3: each item signed by its own units, the collective’s part by the 32 provinces’ reports', async () => {
  // The board row counts the provinces from the start (地方 0/32 on items 1, 2 and 4).
  const rows = async (): Promise<TaskRow[]> =>
    (await request(a.app).get('/api/tasks').set(auth(a.tokens.office))).body.tasks;
  const first = (await rows()).find((r) => r.number === 3)!;
  await eventually(async () =>
    expect(
      (await rows()).find((r) => r.number === 3)!.parts?.map((p) => `${p.workItem}:${p.reported}/${p.total}`),
    ).toEqual(['0:0/32', '1:0/32', '3:0/32']),
  );
  expect(first.departments).toContain('prov-xpcc');
  expectError(await sign(a, 3, 'science-tech'), 409, 'lead_signs_last');
  await ok(sign(a, 3, 'ncet'));
  for (const p of provinces()) await ok(report(a, 3, 0, p, p === 'prov-tibet' ? 'not_applicable' : 'done'));
  await eventually(async () =>
    expect((await rows()).find((r) => r.number === 3)!.parts![0]).toMatchObject({ reported: 32, total: 32 }),
  );
  for (const p of provinces()) await ok(report(a, 3, 1, p, 'in_progress'));
  for (const p of provinces()) await ok(report(a, 3, 3, p));
  await ok(sign(a, 3, 'basic-ed-2', { workItem: 1 }));
  await ok(sign(a, 3, 'finance'));
  await ok(sign(a, 3, 'science-tech'));
  await ok(sign(a, 3, 'pep'));
  const done = await ok(sign(a, 3, 'basic-ed-2'));
  expect(done.state).toBe('completed');
  expect(done.items!.map((i) => i.done)).toEqual([true, true, true, true]);
  const v = await view(a, 3, a.tokens.coordinator('prov-tibet'));
  expect(v.currentMilestone).toBe('mid-year');
  const m = v.milestones[0]!;
  expect(m.items![0]!.collectives[0]!.reports.find((r) => r.department === 'prov-tibet')).toMatchObject({
    status: 'not_applicable',
    person: '西藏自治区教育厅联络员',
  });
  expect(m.rounds[0]!.signOffs.map((s) => [s.department, s.workItems[0]])).toEqual([
    ['ncet', 0],
    ['ncet', 1],
    ['basic-ed-2', 1],
    ['finance', 3],
    ['science-tech', 1],
    ['science-tech', 3],
    ['pep', 2],
    ['basic-ed-2', 0],
  ]);
}, 120_000);

test('task 3 again: the item’s lead closes the provinces’ part at 30/32 with a reason', async () => {
  for (const p of provinces().slice(0, 30)) await ok(report(b, 3, 0, p));
  const path = `/api/tasks/3/milestones/${WP}/work-items/0/close`;
  expectError(
    await post(b, b.tokens.coordinator('basic-ed-2'), path, { department: 'basic-ed-2' }),
    400,
    'validation_failed',
  );
  expectError(
    await post(b, b.tokens.coordinator('ncet'), path, { department: 'ncet', reason: '两地不适用' }),
    409,
    'not_item_lead',
  );
  const closed = await ok(
    post(b, b.tokens.coordinator('basic-ed-2'), path, { department: 'basic-ed-2', reason: '新疆、兵团本节点另行报送' }),
  );
  expect(closed.items![0]!.collectives[0]!.closure).toMatchObject({
    reported: 30,
    total: 32,
    reason: '新疆、兵团本节点另行报送',
  });
  expect(closed.items![0]!.progress[0]).toMatchObject({ reported: 30, total: 32, done: true });
  expectError(await report(b, 3, 0, 'prov-xpcc'), 409, 'part_closed');
  const v = await view(b, 3);
  expect(v.changes!.map((c) => [c.kind, c.departments, c.person])).toEqual([
    ['close-collective', ['prov-xinjiang', 'prov-xpcc'], '基础二司联络员'],
  ]);
});

test('task 17: the provinces report, its steward 科技司 closes it; a province’s inbox lists its items', async () => {
  const inbox = async (d: string): Promise<InboxItem[]> =>
    (
      await request(a.app)
        .get(`/api/departments/${d}/inbox`)
        .set(auth(a.tokens.coordinator(d)))
    ).body.items;
  await eventually(async () =>
    expect((await inbox('prov-hainan')).map((i) => [i.taskNumber, i.workItem, i.role, i.action])).toEqual(
      expect.arrayContaining([[17, 0, 'member', 'report']]),
    ),
  );
  expect(
    (await inbox('science-tech')).filter((i) => i.taskNumber === 17).map((i) => [i.action, i.role ?? null]),
  ).toEqual([
    ['receipt', null],
    ['sign-off', 'close'],
  ]);
  expectError(await sign(a, 17, 'science-tech'), 409, 'lead_signs_last');
  for (const p of provinces()) await ok(report(a, 17, 0, p));
  expect((await inbox('prov-hainan')).some((i) => i.taskNumber === 17)).toBe(false);
  expect((await ok(sign(a, 17, 'science-tech'))).state).toBe('completed');
});

test('task 1: 相关业务司局 待指定 blocks nothing; designated as 高教司 and 职成司, they sign before the lead', async () => {
  const path = '/api/tasks/1/work-items/1/designations';
  const tech = a.tokens.coordinator('science-tech');
  expect((await view(a, 1)).milestones[0]!.items![1]!.awaitingDesignation).toEqual(['relevant-departments']);
  expectError(
    await post(a, a.tokens.coordinator('basic-ed-2'), path, {
      department: 'basic-ed-2',
      departments: ['higher-ed'],
      reason: '按职责',
    }),
    409,
    'not_item_lead',
  );
  expectError(
    await post(a, tech, path, { department: 'science-tech', departments: ['ncet'], reason: '按职责' }),
    400,
    'not_ministry_department',
  );
  expectError(
    await post(a, tech, path, { department: 'science-tech', departments: ['higher-ed'] }),
    400,
    'validation_failed',
  );
  await ok(
    post(a, tech, path, {
      department: 'science-tech',
      departments: ['higher-ed', 'vocational-adult'],
      reason: '涉及人才培养',
    }),
  );
  const v = await view(a, 1, a.tokens.coordinator('higher-ed'));
  expect(v.changes![0]).toMatchObject({
    kind: 'designate',
    departments: ['higher-ed', 'vocational-adult'],
    by: 'science-tech',
    reason: '涉及人才培养',
  });
  await eventually(async () => {
    const items = (
      await request(a.app)
        .get('/api/departments/higher-ed/inbox')
        .set(auth(a.tokens.coordinator('higher-ed')))
    ).body.items;
    expect(items.map((i: InboxItem) => [i.taskNumber, i.workItem, i.role])).toContainEqual([1, 1, 'co']);
  });
  await eventually(async () =>
    expect(
      h.channel.received.some((n) => n.workflowId === 'items-a-task-1' && n.kind === 'responsibility-changed'),
    ).toBe(true),
  );
  for (const d of ['higher-ed', 'vocational-adult', 'ethnic-ed', 'ethnic-ed-center']) await ok(sign(a, 1, d));
  await ok(sign(a, 1, 'science-tech', { workItem: 2 }));
  await ok(sign(a, 1, 'basic-ed-2'));
  expect((await ok(sign(a, 1, 'science-tech'))).state).toBe('completed');
});

test('task 6: 国家开放大学 and 离退休局 sign their own items as leads, then 职成司 closes', async () => {
  expectError(await sign(a, 6, 'vocational-adult'), 409, 'lead_signs_last');
  const ouc = await ok(sign(a, 6, 'ouc'));
  expect(ouc.items![1]).toMatchObject({ lead: 'ouc', done: true });
  await ok(sign(a, 6, 'retirees'));
  const done = await ok(sign(a, 6, 'vocational-adult'));
  expect(done.rounds[0]!.signOffs.map((s) => [s.department, s.role])).toEqual([
    ['ouc', 'lead'],
    ['retirees', 'lead'],
    ['vocational-adult', 'lead'],
  ]);
});

test('the office’s waiver and reassignment change who must sign, on the task page and in the record', async () => {
  const office = a.tokens.office;
  const before = await view(a, 5);
  expectError(
    await post(a, a.tokens.coordinator('higher-ed'), `/api/tasks/5/milestones/${WP}/work-items/0/waivers`, {
      unit: 'ideological-political',
      reason: 'x',
    }),
    403,
    'forbidden',
  );
  expectError(
    await post(a, office, `/api/tasks/5/milestones/${WP}/work-items/0/waivers`, { unit: 'ideological-political' }),
    400,
    'validation_failed',
  );
  expectError(
    await post(a, office, `/api/tasks/5/milestones/${WP}/work-items/0/waivers`, {
      unit: 'higher-ed',
      reason: '不涉及',
    }),
    409,
    'task_lead_required',
  );
  expectError(
    await post(a, office, '/api/tasks/5/work-items/2/reassignments', {
      from: 'ideological-political',
      to: 'prov-beijing',
      reason: '调整',
    }),
    400,
    'not_assignable',
  );
  expectError(await report(a, 5, 0, 'prov-beijing'), 409, 'not_responsible');
  expect((await view(a, 5)).milestones).toEqual(before.milestones);

  const waived = await ok(
    post(a, office, `/api/tasks/5/milestones/${WP}/work-items/0/waivers`, {
      unit: 'ideological-political',
      reason: '本节点不涉及课程平台',
    }),
  );
  expect(waived.items![0]!.waived).toEqual([
    expect.objectContaining({ department: 'ideological-political', person: '办公厅 Test office' }),
  ]);
  await ok(
    post(a, office, '/api/tasks/5/work-items/2/reassignments', {
      from: 'ideological-political',
      to: 'press-office',
      reason: '职能调整',
    }),
  );
  // 思政司 owes nothing now; 新闻办 leads item 3 and must sign before 高教司 closes.
  expectError(await sign(a, 5, 'higher-ed'), 409, 'lead_signs_last');
  expectError(await sign(a, 5, 'ideological-political'), 409, 'already_signed');
  await ok(sign(a, 5, 'press-office'));
  expect((await ok(sign(a, 5, 'higher-ed'))).state).toBe('completed');
  const v = await view(a, 5, a.tokens.coordinator('press-office'));
  expect(v.changes!.map((c) => [c.kind, c.departments])).toEqual([
    ['waive', ['ideological-political']],
    ['reassign', ['ideological-political', 'press-office']],
  ]);
  expect(v.milestones[1]!.items![2]!.lead).toBe('press-office');
  await eventually(async () =>
    expect(
      h.channel.received.filter((n) => n.workflowId === 'items-a-task-5' && n.kind === 'responsibility-changed').length,
    ).toBe(2),
  );
});
