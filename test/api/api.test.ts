/**
 * The HTTP API against a real Temporal dev server and a real key-task worker, with the 2016 plan: starting
 * the plan, sign-offs to completion, rejection and resubmission, extensions, cancellation, the task list
 * and its filters, inbox, escalations, every error code and idempotent retries.
 */
import { expectError, request } from '../../support/checked-request';
import { localDate, addDays } from '../../domain/calendar';
import { taskUnits } from '../../domain/plan';
import type { KeyTaskView, MilestoneView, TaskRow } from '../../contracts';
import { eventually, plan2016, startHarness, type Harness, type Tokens } from '../../support/api-harness';

let h: Harness;
let cur: ReturnType<Harness['app']>;
let past: ReturnType<Harness['app']>;
let firstStart: { number: number; workflowId: string; started: boolean }[];
const today = localDate(Date.now(), '+08:00');

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

function signOff(
  a: typeof cur,
  number: number,
  milestoneId: string,
  department: string,
  body: Record<string, unknown> = {},
  key?: string,
) {
  const req = request(a.app)
    .post(`/api/tasks/${number}/milestones/${milestoneId}/sign-offs`)
    .set(auth(a.tokens.coordinator(department)));
  if (key) req.set('Idempotency-Key', key);
  return req.send({ department, decision: 'approve', ...body });
}

async function state(a: typeof cur, number: number): Promise<KeyTaskView & { workflowId: string }> {
  const res = await request(a.app).get(`/api/tasks/${number}`).set(auth(a.tokens.office));
  expect(res.status).toBe(200);
  return res.body;
}

async function list(a: typeof cur, query = '', token: string = a.tokens.office): Promise<TaskRow[]> {
  const res = await request(a.app).get(`/api/tasks${query}`).set(auth(token));
  expect(res.status).toBe(200);
  return res.body.tasks;
}

beforeAll(async () => {
  h = await startHarness();
  cur = h.app(plan2016(), { temporalUiUrl: 'http://temporal-ui.test:8233' });
  past = h.app(plan2016({ id: 'moe-2016-replay', tasks: [4, 10, 14] }));
  const started = await request(cur.app).post('/api/plan/start').set(auth(cur.tokens.admin)).send({});
  expect(started.status).toBe(200);
  firstStart = started.body.tasks;
  const replay = await request(past.app)
    .post('/api/plan/start')
    .set(auth(past.tokens.admin))
    .send({ startDate: '2016-02-02' });
  expect(replay.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('plan', () => {
  test('starting the plan starts all 24 key tasks once; starting again starts nothing new', async () => {
    expect(firstStart).toHaveLength(24);
    expect(firstStart.every((t) => t.started)).toBe(true);
    const again = await request(cur.app).post('/api/plan/start').set(auth(cur.tokens.admin)).send({});
    expect(again.status).toBe(200);
    expect(again.body.tasks).toEqual(firstStart.map((t) => ({ ...t, started: false })));
  });

  test('GET /api/me tells a page who the token belongs to', async () => {
    const me = await request(cur.app)
      .get('/api/me')
      .set(auth(cur.tokens.coordinator('pep')));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ role: 'coordinator', department: 'pep', name: cur.tokens.nameOf('pep') });
    const office = await request(cur.app).get('/api/me').set(auth(cur.tokens.office));
    expect(office.body).toMatchObject({ role: 'office' });
    expect(office.body.department).toBeUndefined();
    expectError(await request(cur.app).get('/api/me'), 401, 'unauthorized');
  });

  test('GET /api/plan answers the loaded plan with units in document order', async () => {
    const res = await request(cur.app)
      .get('/api/plan')
      .set(auth(cur.tokens.coordinator('pep')));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('moe-2016-informatization');
    expect(res.body.tasks).toHaveLength(24);
    const t3 = res.body.tasks.find((t: { number: number }) => t.number === 3);
    expect(t3.lead).toBe('basic-ed-2');
    expect(t3.workItems[0].units).toEqual(['basic-ed-2', 'ncet', 'local-authorities']);
    expect(t3.milestones.map((m: { id: string }) => m.id)).toEqual(['work-plan', 'mid-year', 'q3', 'year-end']);
    expect(res.body.departments.find((d: { id: string }) => d.id === 'ncet')).toMatchObject({
      kind: 'affiliated-unit',
      aliases: expect.any(Array),
    });
    // The document's ten sections, then the section of the items beyond the plan (交办事项).
    expect(res.body.sections).toHaveLength(11);
    expect(res.body.sections.at(-1)).toMatchObject({ number: 11, title: { zh: '交办事项' } });
    expect(res.body.targets.length).toBeGreaterThan(0);
    // The pages read the plan's time zone and escalation chain from here.
    expect(res.body.policy).toMatchObject({ utcOffset: '+08:00', reminderDaysBefore: [7, 1, 0] });
    expect(res.body.roles).toEqual({
      generalOffice: 'general-office',
      supervisionOffice: 'supervision-office',
      leadership: 'ministry-leadership',
    });
  });
});

describe('a milestone from the first co-responsible sign-off to completion', () => {
  test('task 5: the co-responsible unit signs, the lead signs last, the task runs to completion', async () => {
    // The inbox reads visibility, which catches up with a just-started workflow within moments.
    await eventually(async () => {
      const inboxBefore = await request(cur.app)
        .get('/api/departments/ideological-political/inbox')
        .set(auth(cur.tokens.coordinator('ideological-political')));
      expect(inboxBefore.status).toBe(200);
      // 思政司 co-signs the first work item and leads the third on its own: one entry per item, with its role.
      const entry = (workItem: number, role: string) =>
        expect.objectContaining({
          taskNumber: 5,
          milestoneId: 'work-plan',
          action: 'sign-off',
          dueDate: addDays(today, 28),
          workItem,
          role,
          responsibility: expect.objectContaining({ role: 'co', department: 'ideological-political' }),
        });
      // Its receipt (签收) of the milestone is its own entry, due on its last day.
      expect(inboxBefore.body.items).toEqual([
        expect.objectContaining({ taskNumber: 5, milestoneId: 'work-plan', action: 'receipt' }),
        entry(0, 'co'),
        entry(2, 'lead'),
      ]);
    });

    const co = await signOff(cur, 5, 'work-plan', 'ideological-political', { comment: '同意 agreed' });
    expect(co.status).toBe(200);
    const afterCo: MilestoneView = co.body;
    expect(afterCo.state).toBe('open');
    expect(afterCo.pendingDepartments).toEqual(['higher-ed']);
    // At once, without waiting for visibility: the workflow's answer replaced the API's cached row.
    const inboxAfter = await request(cur.app)
      .get('/api/departments/ideological-political/inbox')
      .set(auth(cur.tokens.coordinator('ideological-political')));
    expect(inboxAfter.body.items.map((i: { taskNumber: number }) => i.taskNumber)).not.toContain(5);
    const rowAfterCo = (await list(cur, '?department=higher-ed')).find((r) => r.number === 5)!;
    expect(rowAfterCo.pendingDepartments).toEqual(['higher-ed']);
    // One act signs both of its items: the first as a co-unit, the third as its lead.
    expect(afterCo.rounds[0]!.signOffs).toEqual(
      [0, 2].map((i) =>
        expect.objectContaining({
          department: 'ideological-political',
          decision: 'approve',
          workItems: [i],
          role: i === 0 ? 'co' : 'lead',
          person: cur.tokens.nameOf('ideological-political'),
          comment: '同意 agreed',
        }),
      ),
    );

    const lead = await signOff(cur, 5, 'work-plan', 'higher-ed');
    expect(lead.status).toBe(200);
    expect(lead.body.state).toBe('completed');
    expect(lead.body.rounds[0].outcome).toBe('approved');

    const view = await state(cur, 5);
    expect(view.currentMilestone).toBe('mid-year');
    expect(view.milestones[0]!.state).toBe('completed');
    expect(view.workflowId).toBe('moe-2016-informatization-task-5');
    // The Temporal Web UI shows the raw history and acts without the API's checks: only administrators get the link.
    expect((view as unknown as { temporalUiUrl: string | null }).temporalUiUrl).toBeNull();
    for (const token of [cur.tokens.viewer, cur.tokens.coordinator('higher-ed')]) {
      const other = await request(cur.app).get('/api/tasks/5').set(auth(token));
      expect({ status: other.status, link: other.body.temporalUiUrl }).toEqual({ status: 200, link: null });
    }
    const asAdmin = await request(cur.app).get('/api/tasks/5').set(auth(cur.tokens.admin));
    expect(asAdmin.body.temporalUiUrl).toBe(
      'http://temporal-ui.test:8233/namespaces/default/workflows/moe-2016-informatization-task-5',
    );
    const rowNow = (await list(cur, '?department=higher-ed')).find((r) => r.number === 5)!;
    expect(rowNow).toMatchObject({ currentMilestone: 'mid-year', nextDue: addDays(today, 149), status: 'on_track' });
    await eventually(async () => {
      const row = (await list(cur, '?department=higher-ed')).find((r) => r.number === 5)!;
      expect(row).toMatchObject({ currentMilestone: 'mid-year', nextDue: addDays(today, 149), status: 'on_track' });
      expect(row.pendingDepartments.sort()).toEqual(['higher-ed', 'ideological-political']);
    });

    for (const m of ['mid-year', 'q3', 'year-end']) {
      expect((await signOff(cur, 5, m, 'ideological-political')).status).toBe(200);
      // The year-end is submitted with its evidence for the office's closure review, which closes it (销号).
      const evidence =
        m === 'year-end' ? { evidence: [{ kind: 'link', url: 'https://example.org/t5', title: '总结' }] } : {};
      const signed = await signOff(cur, 5, m, 'higher-ed', evidence);
      expect(signed.body.state).toBe(m === 'year-end' ? 'submitted' : 'completed');
    }
    const closed = await request(cur.app)
      .post('/api/tasks/5/milestones/year-end/closure-review')
      .set(auth(cur.tokens.office))
      .send({ decision: 'close' });
    expect(closed.body.state).toBe('completed');
    const done = await state(cur, 5);
    expect(done.status).toBe('completed');
    expect(done.milestones.every((m) => m.state === 'completed')).toBe(true);
    await eventually(async () => expect((await list(cur, '?status=completed')).map((r) => r.number)).toEqual([5]));
  });

  test('task 15: the lead reports the year-end figure, as figures or as the one-figure shorthand', async () => {
    // 人事司 co-signs the first item; the second is the provinces' alone, stewarded by 科技司, the task's lead.
    const provinces = cur.plan.departments.find((d) => d.id === 'local-authorities')!.members!;
    expectError(await signOff(cur, 15, 'work-plan', 'personnel', { figure: 12 }), 400, 'figure_ambiguous');
    for (const m of ['work-plan', 'mid-year', 'q3', 'year-end']) {
      expect((await signOff(cur, 15, m, 'personnel')).status).toBe(200);
      for (const p of provinces) {
        const body = {
          department: p,
          status: 'done',
          text: '已开展培训',
          ...(m === 'year-end' ? { figures: { 't7-officials-trained': 25 } } : {}),
        };
        const res = await request(cur.app)
          .post(`/api/tasks/15/milestones/${m}/work-items/1/reports`)
          .set(auth(cur.tokens.coordinator(p)))
          .send(body);
        expect(res.status).toBe(200);
      }
      if (m === 'year-end') break;
      expect((await signOff(cur, 15, m, 'science-tech')).body.state).toBe('completed');
    }
    expectError(await signOff(cur, 15, 'year-end', 'science-tech'), 400, 'figure_missing');
    const both = await signOff(cur, 15, 'year-end', 'science-tech', { figure: 812, figures: {} });
    expectError(both, 400, 'validation_failed');
    // The year-end goes to the office's closure review (2016: every task's last milestone), with its evidence.
    expectError(await signOff(cur, 15, 'year-end', 'science-tech', { figure: 812 }), 400, 'evidence_required');
    const evidence = [{ kind: 'link', url: 'https://example.org/t15-training', title: '培训总结' }];
    const submitted = await signOff(cur, 15, 'year-end', 'science-tech', { figure: 812, evidence });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ state: 'submitted', awaitingReview: 'general-office' });
    expect(submitted.body.rounds[0].signOffs.at(-1).figures).toEqual({ 't7-officials-trained': 812 });
    const done = await request(cur.app)
      .post('/api/tasks/15/milestones/year-end/closure-review')
      .set(auth(cur.tokens.office))
      .send({ decision: 'close' });
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('completed');
  });

  test('task 8: a rejection returns the milestone to the lead, who resubmits for a second round', async () => {
    const noComment = await signOff(cur, 8, 'work-plan', 'pep', { decision: 'reject' });
    expectError(noComment, 400, 'comment_required');
    expect(noComment.body.error.message.zh).toContain('退回须填写意见');

    const rejected = await signOff(cur, 8, 'work-plan', 'pep', { decision: 'reject', comment: '数据不全' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.state).toBe('returned');

    const inbox = await request(cur.app)
      .get('/api/departments/language-application/inbox')
      .set(auth(cur.tokens.office));
    const items = inbox.body.items.filter((i: { taskNumber: number }) => i.taskNumber === 8);
    expect(items.find((i: { action: string }) => i.action !== 'receipt')).toMatchObject({
      action: 'resubmit',
      milestoneState: 'returned',
    });
    const whileReturned = await signOff(cur, 8, 'work-plan', 'hanban');
    expectError(whileReturned, 409, 'awaiting_resubmission');

    const notLead = await request(cur.app)
      .post('/api/tasks/8/milestones/work-plan/resubmit')
      .set(auth(cur.tokens.coordinator('pep')))
      .send({ note: '补充' });
    expectError(notLead, 403, 'forbidden');

    const resubmitted = await request(cur.app)
      .post('/api/tasks/8/milestones/work-plan/resubmit')
      .set(auth(cur.tokens.coordinator('language-application')))
      .send({ note: '已补充数据 data added' });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.state).toBe('open');
    expect(resubmitted.body.rounds).toHaveLength(2);
    expect(resubmitted.body.rounds[1].resubmission).toMatchObject({
      note: '已补充数据 data added',
      person: cur.tokens.nameOf('language-application'),
    });
    const again = await request(cur.app)
      .post('/api/tasks/8/milestones/work-plan/resubmit')
      .set(auth(cur.tokens.coordinator('language-application')))
      .send({ note: '再次' });
    expectError(again, 409, 'not_returned');
  });

  test('task 10: the lead asks for an extension, the office approves it, the inbox orders by the new date', async () => {
    const newDue = addDays(today, 40);
    const asked = await request(cur.app)
      .post('/api/tasks/10/milestones/work-plan/extension-requests')
      .set(auth(cur.tokens.coordinator('science-tech')))
      .send({ newDueDate: newDue, reason: '需协调地方 waiting on provinces' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ state: 'pending', newDueDate: newDue, previousDueDate: addDays(today, 28) });

    // The office finds what waits on it in one list; a coordinator may not read it.
    await eventually(async () => {
      const waiting = await request(cur.app).get('/api/extension-requests').set(auth(cur.tokens.office));
      expect(waiting.status).toBe(200);
      expect(waiting.body.requests).toEqual([
        expect.objectContaining({
          taskNumber: 10,
          milestoneId: 'work-plan',
          dueDate: addDays(today, 28),
          extension: expect.objectContaining({ id: asked.body.id, state: 'pending', newDueDate: newDue }),
        }),
      ]);
    });
    const coordinator = await request(cur.app)
      .get('/api/extension-requests')
      .set(auth(cur.tokens.coordinator('science-tech')));
    expectError(coordinator, 403, 'forbidden');

    const decided = await request(cur.app)
      .post(`/api/tasks/10/milestones/work-plan/extension-requests/${asked.body.id}/decision`)
      .set(auth(cur.tokens.office))
      .send({ approve: true, comment: '同意' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: 'approved', decision: { person: '办公厅 Test office' } });

    const twice = await request(cur.app)
      .post(`/api/tasks/10/milestones/work-plan/extension-requests/${asked.body.id}/decision`)
      .set(auth(cur.tokens.office))
      .send({ approve: false });
    expectError(twice, 409, 'extension_decided');

    const inbox = await request(cur.app)
      .get('/api/departments/science-tech/inbox')
      .set(auth(cur.tokens.coordinator('science-tech')));
    expect(inbox.status).toBe(200);
    const dates = inbox.body.items.map((i: { dueDate: string }) => i.dueDate);
    expect(dates).toEqual([...dates].sort());
    expect(inbox.body.items.at(-1)).toMatchObject({ taskNumber: 10, dueDate: newDue });
    await eventually(async () => {
      const after = await request(cur.app).get('/api/extension-requests').set(auth(cur.tokens.office));
      expect(after.body.requests).toEqual([]);
    });
    await eventually(async () => {
      expect((await list(cur, '?section=5'))[0]).toMatchObject({ number: 10, nextDue: newDue });
    });
  });

  test('task 24: the administrator cancels; the task is closed to sign-offs and listed as cancelled', async () => {
    const cancelled = await request(cur.app)
      .post('/api/tasks/24/cancel')
      .set(auth(cur.tokens.admin))
      .set('Idempotency-Key', 'cancel-24')
      .send({ reason: '并入其他任务 merged into another task' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellation: { person: '测试管理员 Test admin' } });

    const retried = await request(cur.app)
      .post('/api/tasks/24/cancel')
      .set(auth(cur.tokens.admin))
      .set('Idempotency-Key', 'cancel-24')
      .send({ reason: '并入其他任务 merged into another task' });
    expect(retried.status).toBe(200);
    expect(retried.body.cancellation).toEqual(cancelled.body.cancellation);

    const late = await signOff(cur, 24, 'work-plan', 'cetv');
    expectError(late, 409, 'task_closed');
    expect((await state(cur, 24)).status).toBe('cancelled');
    await eventually(async () => expect((await list(cur, '?status=cancelled')).map((r) => r.number)).toEqual([24]));
  });
});

describe('task list, inbox and escalations', () => {
  test('the whole board carries an ETag: asked again unchanged it answers 304, after a change the new list', async () => {
    const get = (etag?: string) => {
      const r = request(cur.app).get('/api/tasks').set(auth(cur.tokens.office));
      return etag ? r.set('If-None-Match', etag) : r;
    };
    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"tasks-/);
    const again = await get(etag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    // A sign-off through this replica changes the row: the same tag no longer matches.
    expect((await signOff(cur, 12, 'work-plan', 'ncet')).status).toBe(200);
    const changed = await get(etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const row = changed.body.tasks.find((r: { number: number }) => r.number === 12);
    expect(row.pendingDepartments).not.toContain('ncet');
  });

  test('GET /api/tasks filters by department, section and status, one row a task', async () => {
    const all = await list(cur);
    expect(all.map((r) => r.number)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(all[0]).toMatchObject({ title: { zh: expect.any(String) }, lead: 'science-tech', escalationLevel: 0 });

    const scienceTech = cur.plan.tasks.filter((t) => {
      const u = taskUnits(t);
      return [u.lead, ...u.coResponsible].includes('science-tech');
    });
    const rows = await list(cur, '?department=science-tech');
    expect(rows.map((r) => r.number)).toEqual(scienceTech.map((t) => t.number));
    expect(rows.every((r) => r.departments.includes('science-tech'))).toBe(true);

    expect((await list(cur, '?section=3')).map((r) => r.number)).toEqual([3, 4, 5, 6, 7, 8]);
    expect((await list(cur, '?department=science-tech&section=3')).map((r) => r.number)).toEqual([3]);
    const onTrack = await list(cur, '?status=on_track');
    expect(onTrack.map((r) => r.number)).not.toContain(24);
    expect(onTrack.every((r) => r.status === 'on_track')).toBe(true);

    const mine = await list(cur, '', cur.tokens.coordinator('pep'));
    expect(mine.map((r) => r.number)).toEqual([3, 7, 8]);

    await eventually(async () => {
      const escalated = await list(past, '?status=escalated');
      expect(escalated.map((r) => [r.number, r.escalationLevel, r.nextDue])).toEqual([
        [4, 3, '2016-03-01'],
        [10, 3, '2016-03-01'],
        [14, 3, '2016-03-01'],
      ]);
    });
  });

  test('GET /api/escalations lists every open escalation with level, since and pending units', async () => {
    await eventually(async () => {
      const res = await request(past.app).get('/api/escalations').set(auth(past.tokens.admin));
      expect(res.status).toBe(200);
      expect(
        res.body.escalations.map((e: { taskNumber: number }) => e.taskNumber).sort((a: number, b: number) => a - b),
      ).toEqual([4, 10, 14]);
    });
    const res = await request(past.app).get('/api/escalations').set(auth(past.tokens.office));
    const t10 = res.body.escalations.find((e: { taskNumber: number }) => e.taskNumber === 10);
    expect(t10).toMatchObject({
      milestoneId: 'work-plan',
      dueDate: '2016-03-01',
      level: 3,
      since: expect.any(String),
      pendingDepartments: expect.arrayContaining(['science-tech', 'ncet']),
    });
    // Started in 2016, the task found all three levels due at once: one notice, at level 3, to all three audiences.
    expect(t10.levels.map((l: { level: number; notified: string[] }) => [l.level, l.notified])).toEqual([
      [3, ['science-tech', 'general-office', 'supervision-office', 'ministry-leadership']],
    ]);
    const none = await request(cur.app).get('/api/escalations').set(auth(cur.tokens.office));
    expect(none.body.escalations).toEqual([]);
  });
});

describe('errors', () => {
  const signPath = '/api/tasks/1/milestones/work-plan/sign-offs';

  test('400: invalid body, path, query, malformed JSON, body department unknown, bad idempotency key', async () => {
    const token = cur.tokens.coordinator('basic-ed-2');
    const bad = await request(cur.app)
      .post(signPath)
      .set(auth(token))
      .send({ department: 'basic-ed-2', decision: 'ok' });
    expectError(bad, 400, 'validation_failed');
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: ['body', 'decision'] })]);

    const person = await request(cur.app)
      .post(signPath)
      .set(auth(token))
      .send({ department: 'basic-ed-2', decision: 'approve', person: '冒名 someone else' });
    expectError(person, 400, 'validation_failed');

    expectError(await request(cur.app).get('/api/tasks/abc').set(auth(token)), 400, 'validation_failed');
    expectError(await request(cur.app).get('/api/tasks?status=late').set(auth(token)), 400, 'validation_failed');
    expectError(
      await request(cur.app).get('/api/tasks?section=99').set(auth(cur.tokens.office)),
      400,
      'unknown_section',
    );
    expectError(
      await request(cur.app).get('/api/tasks?department=nowhere').set(auth(cur.tokens.office)),
      400,
      'unknown_department',
    );
    const malformed = await request(cur.app)
      .post(signPath)
      .set(auth(token))
      .set('Content-Type', 'application/json')
      .send('{"department": "basic-ed-2",');
    expectError(malformed, 400, 'malformed_json');
    expectError(
      await request(cur.app).post(signPath).set(auth(token)).send({ department: 'nowhere', decision: 'approve' }),
      400,
      'unknown_department',
    );
    expectError(
      await request(cur.app)
        .post(signPath)
        .set(auth(token))
        .set('Idempotency-Key', 'x'.repeat(201))
        .send({ department: 'basic-ed-2', decision: 'approve' }),
      400,
      'invalid_idempotency_key',
    );
    const early = await request(cur.app)
      .post('/api/tasks/1/milestones/work-plan/extension-requests')
      .set(auth(cur.tokens.coordinator('science-tech')))
      .send({ newDueDate: '2000-01-01', reason: 'x' });
    expectError(early, 400, 'invalid_due_date');
  });

  test('401: missing or unknown token', async () => {
    expectError(await request(cur.app).get('/api/tasks'), 401, 'unauthorized');
    expectError(await request(cur.app).get('/api/tasks').set(auth('dbn_not-a-token')), 401, 'unauthorized');
    expectError(await request(cur.app).get('/api/plan').set('Authorization', 'Basic abc'), 401, 'unauthorized');
  });

  test('403: wrong role, another department, a department not responsible', async () => {
    expectError(
      await request(cur.app)
        .post(signPath)
        .set(auth(cur.tokens.office))
        .send({ department: 'basic-ed-2', decision: 'approve' }),
      403,
      'forbidden',
    );
    expectError(
      await request(cur.app)
        .post(signPath)
        .set(auth(cur.tokens.coordinator('ncet')))
        .send({ department: 'basic-ed-2', decision: 'approve' }),
      403,
      'forbidden',
    );
    expectError(await signOff(cur, 1, 'work-plan', 'hanban'), 403, 'forbidden');
    expectError(await request(cur.app).post('/api/plan/start').set(auth(cur.tokens.office)).send({}), 403, 'forbidden');
  });

  test('404: unknown task, milestone, department, extension request, route; a task never started', async () => {
    const office = auth(cur.tokens.office);
    expectError(await request(cur.app).get('/api/tasks/99').set(office), 404, 'task_not_found');
    expectError(await signOff(cur, 1, 'no-such-milestone', 'basic-ed-2'), 404, 'milestone_not_found');
    expectError(await request(cur.app).get('/api/departments/nowhere/inbox').set(office), 404, 'department_not_found');
    expectError(
      await request(cur.app)
        .post('/api/tasks/1/milestones/work-plan/extension-requests/ext-99/decision')
        .set(office)
        .send({ approve: true }),
      404,
      'unknown_extension',
    );
    expectError(await request(cur.app).get('/api/nothing-here').set(office), 404, 'route_not_found');
    const never = h.app(plan2016({ id: 'never-started' }));
    expectError(await request(never.app).get('/api/tasks/3').set(auth(never.tokens.office)), 404, 'task_not_started');
  });

  test('409: already signed, lead before co-responsible units, not the current milestone, milestone closed', async () => {
    expect((await signOff(cur, 1, 'work-plan', 'ethnic-ed')).status).toBe(200);
    const twice = await signOff(cur, 1, 'work-plan', 'ethnic-ed');
    expectError(twice, 409, 'already_signed');
    expect(twice.body.error.message.zh).toContain('已在本轮会签');

    // 科技司 closes after every item: its own first item is signed by that close, refused while 基础二司 leads item 3.
    const leadFirst = await signOff(cur, 1, 'work-plan', 'science-tech', { workItem: 0 });
    expectError(leadFirst, 409, 'lead_signs_last');
    expect(leadFirst.body.error.message.zh).toContain('basic-ed-2');

    expectError(await signOff(cur, 1, 'mid-year', 'basic-ed-2'), 409, 'not_current_milestone');

    expect((await signOff(cur, 4, 'work-plan', 'vocational-adult')).body.state).toBe('completed');
    expectError(await signOff(cur, 4, 'work-plan', 'vocational-adult'), 409, 'milestone_closed');
  });

  test('413: a body over 64 kB is refused', async () => {
    const res = await request(cur.app)
      .post(signPath)
      .set(auth(cur.tokens.coordinator('basic-ed-2')))
      .send({ department: 'basic-ed-2', decision: 'reject', comment: 'x'.repeat(70_000) });
    expectError(res, 413, 'payload_too_large');
  });
});

describe('idempotency', () => {
  const send = (tokens: Tokens, department: string, key?: string) =>
    signOff({ ...cur, tokens }, 9, 'work-plan', department, { comment: '同意' }, key);

  test('the same Idempotency-Key twice is applied once and answers the same result', async () => {
    const first = await send(cur.tokens, 'basic-ed-2', 'sign-9-basic-ed-2');
    const second = await send(cur.tokens, 'basic-ed-2', 'sign-9-basic-ed-2');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const mine = (await state(cur, 9)).milestones[0]!.rounds[0]!.signOffs.filter((s) => s.department === 'basic-ed-2');
    expect(mine).toHaveLength(1);

    // The same key from another coordinator is another request.
    expect((await send(cur.tokens, 'teachers', 'sign-9-basic-ed-2')).status).toBe(200);
    // Without a key a retry is a second request, which the workflow refuses.
    expectError(await send(cur.tokens, 'teachers'), 409, 'already_signed');
  });

  test('retried extension request and decision are applied once', async () => {
    const ask = () =>
      request(cur.app)
        .post('/api/tasks/14/milestones/work-plan/extension-requests')
        .set(auth(cur.tokens.coordinator('teachers')))
        .set('Idempotency-Key', 'ext-14')
        .send({ newDueDate: addDays(today, 30), reason: '培训延后' });
    const a = await ask();
    const b = await ask();
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    const decide = () =>
      request(cur.app)
        .post(`/api/tasks/14/milestones/work-plan/extension-requests/${a.body.id}/decision`)
        .set(auth(cur.tokens.office))
        .set('Idempotency-Key', 'decide-14')
        .send({ approve: false, comment: '不同意' });
    const d1 = await decide();
    const d2 = await decide();
    expect([d1.status, d2.status]).toEqual([200, 200]);
    expect(d2.body).toEqual(d1.body);
    expect(d1.body.state).toBe('declined');
    expect((await state(cur, 14)).extensions).toHaveLength(1);
  });

  test('a retried resubmission is applied once: one new round, the same answer', async () => {
    const task = cur.plan.tasks.find((t) => t.number === 20)!;
    // Task 20's only signing unit is its lead (the provinces report): the lead returns its own milestone.
    const { lead } = taskUnits(task);
    const returned = await signOff(cur, 20, 'work-plan', lead, { decision: 'reject', comment: '请补充' });
    expect(returned.body.state).toBe('returned');
    const resubmit = () =>
      request(cur.app)
        .post('/api/tasks/20/milestones/work-plan/resubmit')
        .set(auth(cur.tokens.coordinator(lead)))
        .set('Idempotency-Key', 'resubmit-20')
        .send({ note: '已补充' });
    const r1 = await resubmit();
    const r2 = await resubmit();
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r2.body).toEqual(r1.body);
    expect(r1.body.rounds).toHaveLength(2);
    expect((await state(cur, 20)).milestones[0]!.rounds).toHaveLength(2);
  });
});
