/**
 * Items beyond the annual plan (交办事项) through the API on a real Temporal dev server and worker: the office
 * creates a leader's instruction (领导批示件) of urgency 急 and a meeting decision with a milestone of its own; each
 * runs as a key task in the board's section 交办事项, waits in the units' inboxes, is signed off by them and shows
 * in the ledger. Bad requests are refused in both languages and start nothing.
 */
import { findWorkday } from 'chinese-days';
import { localDate } from '../../domain/calendar';
import { eventually, plan2016, request, startHarness, type Harness } from '../../support/api-harness';

let h: Harness;
let subject: ReturnType<Harness['app']>;
const today = localDate(Date.now(), '+08:00');
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const instruction = {
  kind: 'instruction',
  title: '落实部长关于加强教育数据安全工作的批示',
  titleEn: 'Carry out the minister’s instruction on education data security',
  source: { by: '部长', document: '部长批示（教技函〔2016〕3号）', date: today },
  urgency: '急',
  lead: 'science-tech',
  coUnits: ['higher-ed'],
};

/** The key-task workflows of the test's plan, as visibility lists them. */
async function keyTaskWorkflows(): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of h.client.workflow.list({
    query: "WorkflowType = 'keyTaskWorkflow' AND DubanPlanId = 'items-beyond'",
  })) {
    ids.push(info.workflowId);
  }
  return ids.sort();
}

beforeAll(async () => {
  h = await startHarness();
  subject = h.app(plan2016({ id: 'items-beyond', tasks: [5] }));
  const started = await request(subject.app).post('/api/plan/start').set(auth(subject.tokens.admin)).send({});
  expect(started.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await h?.stop();
});

describe('a leader’s instruction of urgency 急', () => {
  let created: { number: number; workflowId: string; dueDate: string };

  it('is created by the office with the deadline its urgency gives (7 working days)', async () => {
    const res = await request(subject.app).post('/api/items').set(auth(subject.tokens.office)).send(instruction);
    expect(res.status).toBe(201);
    created = res.body;
    const due = findWorkday(7, today);
    expect(res.body).toMatchObject({
      number: 1001,
      workflowId: 'items-beyond-item-1001',
      section: 11,
      title: { zh: instruction.title, en: instruction.titleEn },
      lead: 'science-tech',
      coUnits: ['higher-ed'],
      dueDate: due,
      dueFromUrgency: true,
      milestones: [{ id: 'completion', title: { zh: '办结', en: 'Completion' }, dueDate: due }],
      item: { kind: 'instruction', urgency: '急', source: instruction.source, createdBy: '办公厅 Test office' },
    });
  });

  it('shows on the board in its own section, beside the plan’s task', async () => {
    const plan = await request(subject.app).get('/api/plan').set(auth(subject.tokens.viewer));
    expect(plan.body.sections.at(-1)).toEqual({
      number: 11,
      numeral: '十一',
      title: { zh: '交办事项', en: 'Items beyond the annual plan' },
    });
    await eventually(async () => {
      const res = await request(subject.app).get('/api/tasks').set(auth(subject.tokens.viewer));
      expect(res.body.tasks.map((t: { number: number }) => t.number)).toEqual([5, 1001]);
      expect(res.body.tasks[1]).toMatchObject({
        section: 11,
        title: { zh: instruction.title },
        lead: 'science-tech',
        status: 'on_track',
        currentMilestone: 'completion',
        pendingDepartments: ['higher-ed', 'science-tech'],
        item: { kind: 'instruction', urgency: '急', source: instruction.source },
      });
    }, 30_000);
    const section = await request(subject.app).get('/api/tasks?section=11').set(auth(subject.tokens.office));
    expect(section.body.tasks.map((t: { number: number }) => t.number)).toEqual([1001]);
  });

  it('waits in the co-unit’s inbox, and is signed off by the units like a plan task', async () => {
    const inbox = await request(subject.app)
      .get('/api/departments/higher-ed/inbox')
      .set(auth(subject.tokens.coordinator('higher-ed')));
    const mine = inbox.body.items.filter((i: { taskNumber: number }) => i.taskNumber === 1001);
    expect(mine.map((i: { action: string }) => i.action)).toEqual(['receipt', 'sign-off']);
    expect(mine[1]).toMatchObject({ milestoneId: 'completion', action: 'sign-off', dueDate: created.dueDate });
    // Like a plan task's, the item's units sign for receipt (签收) first: 高教司 here, 科技司 by its sign-off.
    const received = await request(subject.app)
      .post('/api/tasks/1001/milestones/completion/receipts')
      .set(auth(subject.tokens.coordinator('higher-ed')))
      .send({ department: 'higher-ed', decision: 'receive' });
    expect(received.status).toBe(200);
    expect(received.body.receipts.map((r: { department: string; state: string }) => [r.department, r.state])).toEqual([
      ['science-tech', 'pending'],
      ['higher-ed', 'received'],
    ]);
    const evidence = [{ kind: 'link', url: 'https://example.org/data-security', title: '数据安全工作报告' }];
    const sign = (department: string, extra: Record<string, unknown> = {}) =>
      request(subject.app)
        .post('/api/tasks/1001/milestones/completion/sign-offs')
        .set(auth(subject.tokens.coordinator(department)))
        .send({
          department,
          decision: 'approve',
          comment: department === 'science-tech' ? '已办结，报部长' : '已配合',
          ...extra,
        });
    // The lead signs last, as on any task.
    const early = await sign('science-tech');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('lead_signs_last');
    expect((await sign('higher-ed')).status).toBe(200);
    // Its last milestone goes to the office's closure review, as a plan task's does: submitted, then closed.
    const submitted = await sign('science-tech', { evidence });
    expect(submitted.status).toBe(200);
    expect(submitted.body.state).toBe('submitted');
    const closed = await request(subject.app)
      .post('/api/tasks/1001/milestones/completion/closure-review')
      .set(auth(subject.tokens.office))
      .send({ decision: 'close' });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('completed');
    const task = await request(subject.app).get('/api/tasks/1001').set(auth(subject.tokens.office));
    expect(task.body).toMatchObject({
      taskNumber: 1001,
      section: 11,
      status: 'completed',
      workflowId: created.workflowId,
    });
  });

  it('is in the ledger, in the section 交办事项', async () => {
    await eventually(async () => {
      const res = await request(subject.app).get('/api/export/ledger.csv').set(auth(subject.tokens.office));
      const rows = (res.text as string).split('\r\n').filter((l) => l.includes(',1001,'));
      expect(rows).toHaveLength(2); // its task row and its one milestone
      expect(rows[0]).toContain('（十一）交办事项,1001,落实部长关于加强教育数据安全工作的批示,任务 Task');
      // Its milestone row: title, an empty work-item column (one work item), its lead and co-unit.
      expect(rows[1]).toContain('办结,,科技司,高教司');
      expect(rows[1]).toContain('已完成 Completed');
    }, 30_000);
  });
});

describe('a meeting decision with a milestone of its own', () => {
  it('gets the next number and its milestone before the deadline', async () => {
    const res = await request(subject.app)
      .post('/api/items')
      .set(auth(subject.tokens.office))
      .send({
        kind: 'meeting',
        title: '研究制定教育信息化专项督导办法',
        source: { by: '部党组会议', document: '2016年第5次部党组会议纪要', date: today },
        lead: 'supervision-office',
        dueDate: '2099-06-30',
        milestones: [{ title: '形成初稿', dueDate: '2099-05-31' }],
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      number: 1002,
      dueFromUrgency: false,
      milestones: [
        { id: 'step-1', title: { zh: '形成初稿' }, dueDate: '2099-05-31' },
        { id: 'completion', dueDate: '2099-06-30' },
      ],
    });
    expect(res.body.item.urgency).toBeUndefined();
  });
});

describe('bad requests', () => {
  const post = (body: object, token = subject.tokens.office) =>
    request(subject.app).post('/api/items').set(auth(token)).send(body);

  it('are refused with a code and both languages’ words, and start nothing', async () => {
    const refusals: [object, number, string][] = [
      [{ ...instruction, lead: undefined }, 400, 'item_lead_required'],
      [{ ...instruction, urgency: '很急' }, 400, 'unknown_urgency'],
      [{ ...instruction, coUnits: ['nowhere-office'] }, 400, 'unknown_department'],
      [{ ...instruction, lead: 'local-authorities' }, 400, 'not_acting_unit'],
      [{ ...instruction, urgency: undefined }, 400, 'item_deadline_required'],
      [{ ...instruction, dueDate: '2016-01-01' }, 400, 'item_due_in_past'],
      [
        { ...instruction, dueDate: '2099-01-31', milestones: [{ title: '初稿', dueDate: '2099-02-28' }] },
        400,
        'invalid_item_milestones',
      ],
      [{ ...instruction, kind: 'rumour' }, 400, 'validation_failed'],
      [{ ...instruction, source: undefined }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of refusals) {
      const res = await post(body);
      expect([res.status, res.body.error.code]).toEqual([status, code]);
      expect(res.body.error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.error.message.en).toMatch(/[a-z]/);
    }
    const unknown = await post({ ...instruction, urgency: '很急' });
    expect(unknown.body.error.message.zh).toContain('很急');
    // Only a coordinator's own sign-offs: it cannot create an item.
    expect((await post(instruction, subject.tokens.coordinator('science-tech'))).status).toBe(403);
    expect(await keyTaskWorkflows()).toEqual([
      'items-beyond-item-1001',
      'items-beyond-item-1002',
      'items-beyond-task-5',
    ]);
  });
});
