/**
 * The recipients of escalations can look, and nobody supervises itself: the supervision office (督导办,
 * role `supervisor`) and ministry leadership (部领导, role `leadership`) open the task of every escalation they
 * were sent, read the lists the office reads and change nothing but what the plan gives them: the supervision
 * office decides the extension requests of task 13, which the general office leads (and is told of them),
 * and the general office may not.
 */
import { expectError, request } from '../../support/checked-request';
import { addDays } from '../../domain/calendar';
import type { KeyTaskView, NotificationLogEntry } from '../../contracts';
import { eventually, plan2016, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let past: ReturnType<Harness['app']>;
let now: ReturnType<Harness['app']>;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await startHarness();
  // Started on the document's date: every task is past all three levels at once.
  past = h.app(plan2016({ id: 'roles-2016', tasks: [5, 13, 21] }));
  now = h.app(plan2016({ id: 'roles-now', tasks: [5, 13] }));
  for (const [a, body] of [
    [past, { startDate: '2016-02-02' }],
    [now, {}],
  ] as const) {
    const res = await request(a.app).post('/api/plan/start').set(auth(a.tokens.admin)).send(body);
    expect(res.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

test('the supervision office and leadership open the task of every escalation they were sent', async () => {
  for (const [role, department] of [
    ['supervisor', 'supervision-office'],
    ['leadership', 'ministry-leadership'],
  ] as const) {
    const token = past.tokens[role];
    const me = await request(past.app).get('/api/me').set(auth(token));
    expect(me.body).toMatchObject({ role });
    let received: NotificationLogEntry[] = [];
    await eventually(async () => {
      const log = await request(past.app)
        .get(`/api/notifications?department=${department}&kind=escalation`)
        .set(auth(token));
      expect(log.status).toBe(200);
      received = log.body.notifications;
      expect(new Set(received.map((n) => n.notification.taskNumber))).toEqual(new Set([5, 13, 21]));
    });
    for (const n of received) {
      const task = await request(past.app).get(`/api/tasks/${n.notification.taskNumber}`).set(auth(token));
      expect({ role, task: n.notification.taskNumber, status: task.status }).toEqual({
        role,
        task: n.notification.taskNumber,
        status: 200,
      });
      expect((task.body as KeyTaskView).escalationLevel).toBe(3);
    }
    for (const path of ['/api/escalations', '/api/extension-requests', '/api/tasks', '/api/departments/pep/inbox']) {
      expect({ role, path, status: (await request(past.app).get(path).set(auth(token))).status }).toEqual({
        role,
        path,
        status: 200,
      });
    }
    // Reading is all: a sign-off or a start is refused by role.
    expectError(await request(past.app).post('/api/plan/start').set(auth(token)).send({}), 403, 'forbidden');
    expectError(
      await request(past.app)
        .post('/api/tasks/5/milestones/work-plan/sign-offs')
        .set(auth(token))
        .send({ department: 'higher-ed', decision: 'approve' }),
      403,
      'forbidden',
    );
  }
});

test('the supervision office decides the extension requests of task 13; the general office may not', async () => {
  const view = (await request(now.app).get('/api/tasks/13').set(auth(now.tokens.supervisor))).body as KeyTaskView;
  const m = view.milestones[0]!;
  const asked = await request(now.app)
    .post(`/api/tasks/13/milestones/${m.id}/extension-requests`)
    .set(auth(now.tokens.coordinator('general-office')))
    .send({ newDueDate: addDays(m.dueDate, 5), reason: '需与督导办协调' });
  expect(asked.status).toBe(201);
  const path = `/api/tasks/13/milestones/${m.id}/extension-requests/${asked.body.id}/decision`;
  expectError(await request(now.app).post(path).set(auth(now.tokens.office)).send({ approve: true }), 403, 'forbidden');
  expectError(
    await request(now.app).post(path).set(auth(now.tokens.leadership)).send({ approve: true }),
    403,
    'forbidden',
  );
  const decided = await request(now.app).post(path).set(auth(now.tokens.supervisor)).send({ approve: true });
  expect(decided.status).toBe(200);
  expect(decided.body).toMatchObject({ state: 'approved', decision: { actor: { role: 'supervisor' } } });
  // The request was told to the supervision office, which decides it, not to the general office.
  await eventually(async () => {
    const log = await request(now.app)
      .get('/api/notifications?taskNumber=13&kind=extension-requested')
      .set(auth(now.tokens.office));
    expect(log.body.notifications.map((n: NotificationLogEntry) => n.notification.departments)).toEqual([
      ['supervision-office'],
    ]);
  });
});

test('the supervision office may not decide the extension requests of a task the general office does not lead', async () => {
  const view = (await request(now.app).get('/api/tasks/5').set(auth(now.tokens.office))).body as KeyTaskView;
  const m = view.milestones[0]!;
  const asked = await request(now.app)
    .post(`/api/tasks/5/milestones/${m.id}/extension-requests`)
    .set(auth(now.tokens.coordinator('higher-ed')))
    .send({ newDueDate: addDays(m.dueDate, 5), reason: '调研未完' });
  expect(asked.status).toBe(201);
  const path = `/api/tasks/5/milestones/${m.id}/extension-requests/${asked.body.id}/decision`;
  expectError(
    await request(now.app).post(path).set(auth(now.tokens.supervisor)).send({ approve: true }),
    403,
    'forbidden',
  );
  const decided = await request(now.app).post(path).set(auth(now.tokens.office)).send({ approve: false });
  expect(decided.body).toMatchObject({ state: 'declined' });
});
