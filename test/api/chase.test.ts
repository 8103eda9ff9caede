/**
 * The general office's chase (催办) through the HTTP API, on a real Temporal dev server and worker, with the 2016
 * plan's tasks 1 and 3: a chase reaches every unit still pending on the milestone (task 3's 32 provinces too,
 * not only the lead), with the office's message, and is in the task's record and the notification log; a
 * second chase of the milestone on the same day, a chase by any other role, an empty message, a milestone
 * that is not the current one: each a 4xx with its code and both languages' words, and nothing changes.
 */
import type { Chase, KeyTaskView, NotificationLogEntry } from '../../contracts';
import { eventually, expectError, plan2016, request, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let a: ReturnType<Harness['app']>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const WP = 'work-plan';
const MESSAGE = '请于本周五前完成会签 Please sign by Friday.';

beforeAll(async () => {
  h = await startHarness();
  a = h.app(plan2016({ id: 'chase', tasks: [1, 3] }));
  const started = await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send({});
  expect(started.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

const chase = (n: number, token: string, body: object = { message: MESSAGE }, milestoneId = WP, key?: string) => {
  const r = request(a.app).post(`/api/tasks/${n}/milestones/${milestoneId}/chases`).set(auth(token));
  return (key ? r.set('Idempotency-Key', key) : r).send(body);
};
async function view(n: number): Promise<KeyTaskView> {
  const r = await request(a.app).get(`/api/tasks/${n}`).set(auth(a.tokens.office));
  expect(r.status).toBe(200);
  return r.body;
}

test('the office chases every unit still pending, with its message; the chase is in the record and the log', async () => {
  const before = await view(1);
  const pending = before.milestones[0]!.pendingDepartments;
  expect(pending.length).toBeGreaterThan(1);
  const res = await chase(1, a.tokens.office, { message: MESSAGE }, WP, 'chase-1-a');
  expect(res.status).toBe(201);
  const made = res.body as Chase;
  expect(made).toMatchObject({ kind: 'manual', milestoneId: WP, departments: pending, message: MESSAGE });
  // A retried request (same Idempotency-Key) answers the same chase and chases nobody twice.
  const retried = await chase(1, a.tokens.office, { message: MESSAGE }, WP, 'chase-1-a');
  expect(retried.status).toBe(201);
  expect(retried.body).toEqual(made);

  const after = await view(1);
  expect(after.chases).toEqual([made]);
  const notice = after.notifications.filter((n) => n.kind === 'chase');
  expect(notice).toEqual([
    expect.objectContaining({ id: made.notificationId, departments: pending, comment: MESSAGE }),
  ]);
  // The notification log shows it, and a pending unit's coordinator sees it among its own.
  const lead = before.lead;
  await eventually(async () => {
    const r = await request(a.app)
      .get(`/api/notifications?kind=chase&taskNumber=1`)
      .set(auth(a.tokens.coordinator(lead)));
    expect(r.status).toBe(200);
    const entries = (r.body as { notifications: NotificationLogEntry[] }).notifications;
    expect(entries.map((e) => e.notification.id)).toEqual([made.notificationId]);
  });
});

test('task 3: the provinces still to report are chased too, not only the lead', async () => {
  const res = await chase(3, a.tokens.office);
  expect(res.status).toBe(201);
  const made = res.body as Chase;
  const provinces = a.plan.departments.find((d) => d.id === 'local-authorities')!.members!;
  expect(made.departments).toEqual(expect.arrayContaining(provinces));
  expect(made.departments).toContain((await view(3)).lead);
});

test('a second chase the same day, another role, an empty message or another milestone: refused, nothing changes', async () => {
  const before = await view(1);
  expect(before.chases).toHaveLength(1);
  expectError(await chase(1, a.tokens.office, { message: '再催一次' }), 409, 'already_chased_today');
  const again = await chase(1, a.tokens.office, { message: '再催一次' });
  expect(again.body.error.message.zh).toContain('每天只能催办一次');
  expect(again.body.error.message.en).toContain('at most once a day');
  for (const token of [a.tokens.coordinator(before.lead), a.tokens.admin, a.tokens.viewer]) {
    expect((await chase(1, token)).status).toBe(403);
  }
  expectError(await chase(1, a.tokens.office, { message: '   ' }), 400, 'validation_failed');
  expectError(await chase(1, a.tokens.office, {}), 400, 'validation_failed');
  expectError(await chase(1, a.tokens.office, { message: MESSAGE }, 'mid-year'), 409, 'not_current_milestone');
  expectError(await chase(1, a.tokens.office, { message: MESSAGE }, 'no-such-milestone'), 404, 'milestone_not_found');
  const after = await view(1);
  expect(after.chases).toEqual(before.chases);
  expect(after.notifications).toEqual(before.notifications);
});
