/**
 * Scores and monthly bulletins through the API on a real Temporal dev server and worker. Three tasks of the 2016
 * plan (2, 5, 12) started so that their work plans fell due on the 6th of last month; task 5's is then signed off
 * for real (late). The bulletins of last month and of this month are read exactly as the records say (counts by
 * light and section, completions, overdue milestones with their units and days late, the departments commended
 * and criticised), then printed as a page, sent to leadership, and bad months refused.
 */
import { addDays, daysBetween, localDate } from '../../domain/calendar';
import {
  eventually,
  plan2016,
  request,
  startHarness,
  startPlanEscalated,
  type Harness,
} from '../../support/api-harness';

let h: Harness;
let subject: ReturnType<Harness['app']>;
const today = localDate(Date.now(), '+08:00');
const thisMonth = today.slice(0, 7);
const lastMonthFirst = addDays(`${thisMonth}-01`, -1).slice(0, 8) + '01';
const lastMonth = lastMonthFirst.slice(0, 7);
const lastMonthEnd = addDays(`${thisMonth}-01`, -1);
/** The work plan (28 days after the start) falls due on the 6th of last month. */
const due = addDays(lastMonthFirst, 5);
const start = addDays(due, -28);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
/** The serial of a notice number (督办〔2026〕17号 → 17). */
const serial = (n: string) => Number(/〕(\d+)号$/.exec(n)?.[1]);
const zhDate = (d: string) => {
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
};

beforeAll(async () => {
  h = await startHarness();
  subject = h.app(plan2016({ id: 'bulletins', tasks: [2, 5, 12] }));
  await startPlanEscalated(subject, start, [3, 3, 3]);
  const sign = (department: string) =>
    request(subject.app)
      .post('/api/tasks/5/milestones/work-plan/sign-offs')
      .set(auth(subject.tokens.coordinator(department)))
      .send({ department, decision: 'approve', comment: '已印发' });
  expect((await sign('ideological-political')).status).toBe(200);
  const lead = await sign('higher-ed');
  expect(lead.body.state).toBe('completed');
}, 240_000);

afterAll(async () => {
  await h?.stop();
});

describe('the scores', () => {
  it('scores every department from the records: overdue leads -5, late co-units -3', async () => {
    const res = await request(subject.app).get('/api/scores?plan=bulletins').set(auth(subject.tokens.viewer));
    expect(res.status).toBe(200);
    const score = Object.fromEntries(
      res.body.departments.map((d: { department: string; score: number }) => [d.department, d.score]),
    );
    expect(score).toEqual({
      'science-tech': 90, // leads tasks 2 and 12, both late
      'higher-ed': 92, // led task 5's work plan late, owes its part of task 12
      'ideological-political': 97, // signed task 5's after it fell due
      finance: 97,
      'supervision-office': 97,
      planning: 97,
      'basic-ed-1': 97,
      'basic-ed-2': 97,
      'vocational-adult': 97,
      ncet: 97,
    });
    const top = res.body.departments[0];
    expect(top.rank).toBe(1);
    const tech = res.body.departments.find((d: { department: string }) => d.department === 'science-tech');
    expect(tech).toMatchObject({ name: { zh: '科技司' }, standing: 'criticised', rank: 10 });
    expect(tech.breakdown[0]).toEqual({ term: 'overdue-lead', count: 2, points: -10 });
    expect(res.body.terms.find((t: { term: string }) => t.term === 'missed-progress-report')).toMatchObject({
      points: -1,
      recorded: true,
    });
  });

  it('gives a coordinator its own department only, and refuses another plan', async () => {
    const own = await request(subject.app)
      .get('/api/scores')
      .set(auth(subject.tokens.coordinator('higher-ed')));
    expect(own.body.departments.map((d: { department: string }) => d.department)).toEqual(['higher-ed']);
    const other = await request(subject.app).get('/api/scores?plan=moe-2027').set(auth(subject.tokens.office));
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('plan_not_found');
    expect(other.body.error.message.zh).toContain('moe-2027');
  });
});

describe('the bulletin', () => {
  it('reads last month exactly as the records stood at its end', async () => {
    const res = await request(subject.app).get(`/api/bulletins/${lastMonth}`).set(auth(subject.tokens.office));
    expect(res.status).toBe(200);
    const b = res.body;
    const late = daysBetween(due, lastMonthEnd);
    const [y, m] = lastMonth.split('-').map(Number);
    expect(b.title).toBe(`教育部办公厅关于${y}年${m}月教育信息化重点工作推进情况的通报`);
    expect(b.salutation).toBe('各司局、各单位：');
    expect(b.monthClosed).toBe(true);
    expect(b.date).toBe(lastMonthEnd);
    // Every work plan was overdue then; the escalations were recorded only when the tasks started (today).
    expect(b.byLight).toEqual({ green: 0, yellow: 0, red: 3, deepred: 0, grey: 0 });
    expect(b.bySection.map((s: { numeral: string; total: number }) => [s.numeral, s.total])).toEqual([
      ['二', 1],
      ['三', 1],
      ['六', 1],
    ]);
    expect(b.completedMilestones).toEqual([]);
    expect(
      b.overdueMilestones.map((o: { taskNumber: number; daysLate: number }) => [o.taskNumber, o.daysLate]),
    ).toEqual([
      [2, late],
      [5, late],
      [12, late],
    ]);
    const five = b.overdueMilestones[1];
    expect(five.lead.name.zh).toBe('高教司');
    // Both units of task 5 signed only this month: at the end of last month both still owed it.
    expect(five.pending.map((u: { name: { zh: string } }) => u.name.zh)).toEqual(['思政司', '高教司']);
    expect(b.paragraphs).toContain(
      `3. 任务12“推动各级各类学校数字校园建设与应用”的“工作方案”节点，截止日期${zhDate(due)}，已逾期${late}天。` +
        `牵头单位：科技司；尚未办结单位：基础一司、基础二司、职成司、高教司、地方各级教育行政部门、中央电教馆、科技司。`,
    );
    // The supervision notices were issued today, when the tasks escalated: none was open then.
    expect(b.openNotices).toEqual([]);
    expect(b.paragraphs).toContain(`截至${zhDate(lastMonthEnd)}，无未办结的督办单。`);
  });

  it('lists the supervision notices still open, for leadership to read: tasks 2 and 12, not the completed 5', async () => {
    await eventually(async () => {
      const res = await request(subject.app).get(`/api/bulletins/${thisMonth}`).set(auth(subject.tokens.leadership));
      expect(res.status).toBe(200);
      const b = res.body;
      // In the order of their numbers, which the tasks claimed as they escalated.
      const numbers = b.openNotices.map((n: { number: string }) => serial(n.number));
      expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
      expect(b.openNotices.map((n: { taskNumber: number }) => n.taskNumber).sort()).toEqual([12, 2]);
      const two = b.openNotices.find((n: { taskNumber: number }) => n.taskNumber === 2);
      expect(two.number).toMatch(/^督办〔\d{4}〕\d+号$/);
      expect(two).toMatchObject({ level: 3, issuedOn: today, overdue: false });
      expect(two.unanswered.map((u: { name: { zh: string } }) => u.name.zh)).toEqual([
        '财务司',
        '督导办',
        '规划司',
        '科技司',
      ]);
      expect(b.paragraphs).toContain(`截至${zhDate(today)}，尚有2件督办单未办结：`);
      expect(b.paragraphs).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^\\d\\. ${two.number}，${zhDate(today)}就任务2“.+”的“工作方案”节点（逾期\\d+天）发出，.*尚未答复单位：财务司、督导办、规划司、科技司。$`,
          ),
        ),
      );
    }, 30_000);
  });

  it('reads this month up to now: the completion, what is still overdue, who is criticised', async () => {
    const res = await request(subject.app).get(`/api/bulletins/${thisMonth}`).set(auth(subject.tokens.viewer));
    expect(res.status).toBe(200);
    const b = res.body;
    const late = daysBetween(due, today);
    expect(b.monthClosed).toBe(false);
    expect(b.date).toBe(today);
    expect(b.byLight).toEqual({ green: 1, yellow: 0, red: 0, deepred: 2, grey: 0 });
    expect(b.completedTasks).toEqual([]);
    expect(b.completedMilestones).toEqual([
      {
        taskNumber: 5,
        milestoneId: 'work-plan',
        milestoneTitle: { zh: '工作方案', en: 'Work plan' },
        on: today,
        daysLate: late,
      },
    ]);
    expect(
      b.overdueMilestones.map((o: { taskNumber: number; daysLate: number }) => [o.taskNumber, o.daysLate]),
    ).toEqual([
      [2, late],
      [12, late],
    ]);
    expect(b.overdueMilestones[0].pending.map((u: { name: { zh: string } }) => u.name.zh)).toEqual([
      '财务司',
      '督导办',
      '规划司',
      '科技司',
    ]);
    expect(b.commended).toEqual([]);
    expect(b.criticised.map((c: { name: { zh: string }; score: number }) => [c.name.zh, c.score])).toEqual([
      ['高教司', 92],
      ['科技司', 90],
    ]);
    expect(b.paragraphs).toContain(
      '纳入督办的重点任务共3项。其中，已完成0项，正常推进1项，即将到期0项，已逾期0项，升级督办2项。',
    );
    expect(b.paragraphs).toContain('本月共办结节点1个，其中按时办结0个，逾期办结1个。本月无全部完成的重点任务。');
    expect(b.paragraphs).toContain(
      '高教司（92分）、科技司（90分）存在节点逾期等问题，得分低于规定分值，予以通报批评。',
    );
  });

  it('prints as a page with its own style only', async () => {
    const res = await request(subject.app).get(`/api/bulletins/${thisMonth}/print`).set(auth(subject.tokens.office));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(res.text).toContain('<h1>教育部办公厅关于');
    expect(res.text).toContain('各司局、各单位：');
    expect(res.text).toContain('教育部办公厅<br>');
  });

  it('is sent to leadership through the notification channels, once a day', async () => {
    const sent = await request(subject.app).post(`/api/bulletins/${thisMonth}/send`).set(auth(subject.tokens.office));
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ departments: ['ministry-leadership', 'general-office'], started: true });
    await eventually(async () => {
      const notice = h.channel.received.find((n) => n.kind === 'bulletin' && n.planId === 'bulletins');
      expect(notice).toMatchObject({ milestoneId: thisMonth, departments: ['ministry-leadership', 'general-office'] });
      expect(notice!.milestoneTitle.zh).toMatch(/^教育部办公厅关于.*的通报$/);
    }, 30_000);
    const again = await request(subject.app).post(`/api/bulletins/${thisMonth}/send`).set(auth(subject.tokens.office));
    expect(again.body.started).toBe(false);
    await eventually(async () => {
      const log = await request(subject.app).get('/api/notifications?kind=bulletin').set(auth(subject.tokens.office));
      expect(log.body.notifications).toHaveLength(1);
    }, 30_000);
    const viewer = await request(subject.app).post(`/api/bulletins/${thisMonth}/send`).set(auth(subject.tokens.viewer));
    expect(viewer.status).toBe(403);
  });

  it('refuses a month not written YYYY-MM, a month not begun, and a coordinator', async () => {
    for (const month of ['2016-13', '2016-5', 'may']) {
      const res = await request(subject.app).get(`/api/bulletins/${month}`).set(auth(subject.tokens.office));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const future = await request(subject.app).get('/api/bulletins/2099-01').set(auth(subject.tokens.office));
    expect(future.status).toBe(400);
    expect(future.body.error).toMatchObject({
      code: 'month_not_begun',
      message: { zh: expect.stringContaining('2099-01') },
    });
    const coordinator = await request(subject.app)
      .get(`/api/bulletins/${thisMonth}`)
      .set(auth(subject.tokens.coordinator('higher-ed')));
    expect(coordinator.status).toBe(403);
  });
});
