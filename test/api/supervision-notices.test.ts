/**
 * Supervision notices (督办单) through the API, on a real dev server: the 2016 plan started on its document date
 * is past level 3 on every task at once, so each task issues one numbered notice (numbers 1, 2, … of this
 * year, no gaps); the board lists the open ones; a named unit answers; a unit it does not name, an empty answer
 * and an answer after the notice closed are refused with their codes and change nothing.
 */
import { expectError, request } from '../../support/checked-request';
import { addDays, localDate } from '../../domain/calendar';
import type { SupervisionNotice } from '../../contracts';
import { eventually, plan2016, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let a: ReturnType<Harness['app']>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const today = localDate(Date.now(), '+08:00');

async function notices(token: string, query = ''): Promise<SupervisionNotice[]> {
  const res = await request(a.app).get(`/api/supervision-notices${query}`).set(auth(token));
  expect(res.status).toBe(200);
  return res.body.notices;
}

const answerOf = (id: string, department: string, body: object) =>
  request(a.app)
    .post(`/api/supervision-notices/${id}/answers`)
    .set(auth(a.tokens.coordinator(department)))
    .send({ department, ...body });

beforeAll(async () => {
  h = await startHarness();
  a = h.app(plan2016({ id: 'notices-2016', tasks: [5, 11, 13] }));
  const res = await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send({ startDate: '2016-02-02' });
  expect(res.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('each task past level 3 issues one numbered notice; the board lists them, every reader sees them', async () => {
  let open: SupervisionNotice[] = [];
  await eventually(async () => {
    open = await notices(a.tokens.office);
    expect(open.map((n) => n.taskNumber).sort((x, y) => x - y)).toEqual([5, 11, 13]);
    expect(open.every((n) => n.serial !== null)).toBe(true);
  });
  const year = Number(today.slice(0, 4));
  expect(open.map((n) => n.serial).sort()).toEqual([1, 2, 3]);
  for (const n of open) {
    expect(n.number).toBe(`督办〔${year}〕${n.serial}号`);
    expect(n).toMatchObject({
      level: 3,
      state: 'open',
      milestoneId: 'work-plan',
      dueDate: '2016-03-01',
      overdue: false,
    });
    expect(n.daysLate).toBeGreaterThan(3000);
    expect(n.answerBy).toBe(addDays(today, 5));
    expect(n.units.length).toBeGreaterThan(0);
    expect(n.unanswered).toEqual(n.units);
  }
  for (const token of [a.tokens.supervisor, a.tokens.leadership, a.tokens.viewer]) {
    expect((await notices(token)).map((n) => n.id).sort()).toEqual(open.map((n) => n.id).sort());
  }
  // A coordinator sees the notices naming its unit: higher-ed leads task 5.
  const mine = await notices(a.tokens.coordinator('higher-ed'));
  expect(mine.map((n) => n.taskNumber)).toContain(5);
  expect(mine.every((n) => n.units.includes('higher-ed'))).toBe(true);
  expectError(
    await request(a.app)
      .get('/api/supervision-notices?department=pep')
      .set(auth(a.tokens.coordinator('higher-ed'))),
    403,
    'forbidden',
  );
});

test('a named unit answers; a unit not named, an empty answer and an answer after closing are refused', async () => {
  const [notice] = await notices(a.tokens.office, '?taskNumber=5');
  expect(notice).toBeDefined();
  const by = addDays(today, 14);
  const answered = await answerOf(notice!.id, 'higher-ed', { action: '两周内报送工作方案', by });
  expect(answered.status).toBe(200);
  expect(answered.body.answers).toEqual([
    expect.objectContaining({
      department: 'higher-ed',
      action: '两周内报送工作方案',
      by,
      person: a.tokens.nameOf('higher-ed'),
    }),
  ]);
  expect(answered.body.unanswered).not.toContain('higher-ed');

  expectError(await answerOf(notice!.id, 'pep', { action: '配合', by }), 403, 'not_named');
  expectError(await answerOf(notice!.id, 'higher-ed', { action: '  ', by }), 400, 'answer_required');
  expectError(
    await answerOf(notice!.id, 'higher-ed', { action: '补报', by: addDays(today, -1) }),
    400,
    'invalid_answer_date',
  );
  // For another department: refused by the API before the notice sees it.
  const other = await request(a.app)
    .post(`/api/supervision-notices/${notice!.id}/answers`)
    .set(auth(a.tokens.coordinator('pep')))
    .send({ department: 'higher-ed', action: '代答', by });
  expectError(other, 403, 'forbidden');
  expectError(
    await answerOf('supervise-notices-2016-task-99-x', 'higher-ed', { action: '答复', by }),
    404,
    'unknown_notice',
  );

  // Nothing changed by the refusals; the list shows who answered.
  await eventually(async () => {
    const [listed] = await notices(a.tokens.office, '?taskNumber=5');
    expect(listed!.answers.map((x) => [x.department, x.action])).toEqual([['higher-ed', '两周内报送工作方案']]);
  });

  // The task is cancelled: its escalation closes, and the notice with it.
  const cancelled = await request(a.app).post('/api/tasks/5/cancel').set(auth(a.tokens.admin)).send({ reason: '调整' });
  expect(cancelled.status).toBe(200);
  await eventually(async () => {
    expect((await notices(a.tokens.office)).map((n) => n.taskNumber)).not.toContain(5);
    const [closed] = await notices(a.tokens.office, '?taskNumber=5&state=all');
    expect(closed).toMatchObject({ state: 'closed', closedBy: 'cancelled' });
  });
  expectError(await answerOf(notice!.id, 'higher-ed', { action: '继续推进', by }), 409, 'notice_closed');
});
